"""Page addresses are permanent: content/aliases.yaml, its checks, and `check --base` on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_RECORD, record_with
from gitrepo import git, publish as git_site
from helpers import check_site

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import format_text
from sitegen.records.history import check_history

REC = "content/records/rec.md"
MOVED = "content/records/moved.md"
ALIASES = "content/aliases.yaml"
OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))
NEWCOMER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000CCCC", record_with("title: A valid record", "title: A newcomer"))
KEEP_HINT = ("    hint: keep the old address as a redirect: create content/aliases.yaml holding the line 'aliases:' and, "
             "indented below it, 'rec: SRCH:0000AAAA'")
STAY = "published addresses stay, so that links and citations keep working"


@pytest.fixture
def repo(make_site) -> Path:
    """A git repository whose main branch publishes records/rec.html (SRCH:0000AAAA) and records/other.html."""
    return git_site(make_site({REC: VALID_RECORD, "content/records/other.md": OTHER}, with_layouts=False))


def history(site: Path, base: str = "main") -> list[str]:
    """check --base's history diagnostics, each with its hint."""
    return [format_text(d) for d in check_history(load_config(site), base)]


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def rename(site: Path, old: str = REC, new: str = MOVED) -> None:
    git(site, "mv", old, new)


# -- check --base ------------------------------------------------------------------------------

def test_rename_without_keeping_the_old_slug_fails_at_the_new_file(repo, capsys):
    rename(repo)
    assert history(repo) == [
        f"{MOVED}:1:1: error: SRCH:0000AAAA was renamed from rec.md, so its published address records/rec.html would "
        f"stop working; {STAY} [address-missing]\n{KEEP_HINT}"]
    assert main(["check", "--root", str(repo), "--base", "main"]) == 1
    assert "[address-missing]" in capsys.readouterr().out


def test_rename_that_keeps_the_old_slug_passes(repo, capsys):
    rename(repo)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    assert history(repo) == []
    assert main(["check", "--root", str(repo), "--base", "main"]) == 0


def test_hint_says_where_to_add_the_line_when_the_file_exists(repo):
    write(repo, ALIASES, "aliases:\n  older: SRCH:0000BBBB\n")
    rename(repo)
    assert history(repo)[0].split("\n")[1] == (
        "    hint: keep the old address as a redirect: add 'rec: SRCH:0000AAAA' as an indented line under 'aliases:' in "
        "content/aliases.yaml")


def test_new_record_at_a_slug_published_for_another_id_fails(repo):
    rename(repo)
    write(repo, REC, NEWCOMER)
    assert history(repo) == [
        f"{REC}:3:5: error: records/rec.html was published for SRCH:0000AAAA ('A valid record') in main; it cannot show "
        "SRCH:0000CCCC: a published address never changes records [address-reused]\n"
        "    hint: give this record a slug never published (rename the file), then keep 'rec: SRCH:0000AAAA' under "
        "'aliases:' in content/aliases.yaml: SRCH:0000AAAA is now content/records/moved.md"]
    # Once the newcomer has a slug of its own, the renamed record's old address is what is left to keep.
    (repo / REC).rename(repo / "content/records/newcomer.md")
    assert history(repo) == [
        f"{MOVED}:1:1: error: SRCH:0000AAAA was renamed from rec.md, so its published address records/rec.html would "
        f"stop working; {STAY} [address-missing]\n{KEEP_HINT}"]


def test_alias_kept_beside_a_newcomer_at_its_slug_is_one_problem_each(repo):
    rename(repo)
    write(repo, REC, NEWCOMER)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    assert [line.split("\n")[0].rsplit(" [", 1)[1] for line in history(repo)] == ["address-reused]"]
    assert check_site(repo) == [
        "content/aliases.yaml:2:3: error: the alias 'rec' is the slug of content/records/rec.md; records/rec.html "
        "cannot be both that record's page and a redirect [alias-taken]"]


def test_a_file_that_now_carries_a_new_id_is_reported_once_as_id_changed(repo):
    write(repo, REC, NEWCOMER)
    assert [line.split("\n")[0] for line in history(repo)] == [
        f"{REC}:3:5: error: the id changed from SRCH:0000AAAA to SRCH:0000CCCC; a published id never changes [id-changed]"]


def test_removed_alias_fails(repo):
    rename(repo)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rename")
    write(repo, ALIASES, "aliases: {}\n")
    assert history(repo) == [
        f"{ALIASES}:1:1: error: the alias 'rec' of SRCH:0000AAAA was removed, so the published address records/rec.html "
        f"would stop working; {STAY} [address-missing]\n"
        "    hint: keep the old address as a redirect: add 'rec: SRCH:0000AAAA' as an indented line under 'aliases:' in "
        "content/aliases.yaml"]
    (repo / ALIASES).unlink()
    assert history(repo)[0].split("\n")[1] == KEEP_HINT


def test_an_aliases_file_that_does_not_parse_is_left_to_check(repo):
    rename(repo)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rename")
    write(repo, ALIASES, "aliases:\n  rec: [SRCH:0000AAAA\n")
    assert history(repo) == []
    assert [line.rsplit("[", 1)[1] for line in check_site(repo)] == ["yaml-syntax]"]


def test_alias_pointed_at_another_record_fails(repo):
    rename(repo)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rename")
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000BBBB\n")
    assert history(repo) == [
        f"{ALIASES}:2:3: error: records/rec.html was published for SRCH:0000AAAA ('A valid record') in main; the alias "
        "'rec' cannot lead to SRCH:0000BBBB: a published address never changes records [address-reused]\n"
        "    hint: restore 'rec: SRCH:0000AAAA' under 'aliases:'"]


def test_a_second_rename_keeps_both_old_addresses(repo):
    rename(repo)
    write(repo, ALIASES, "aliases:\n  rec: SRCH:0000AAAA\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "rename")
    rename(repo, MOVED, "content/records/third.md")
    assert [line.split("\n")[0] for line in history(repo)] == [
        "content/records/third.md:1:1: error: SRCH:0000AAAA was renamed from moved.md, so its published address "
        f"records/moved.html would stop working; {STAY} [address-missing]"]
    # The earlier line stays as it is: aliases name the id, so both lead straight to the current page.
    write(repo, ALIASES, "aliases:\n  moved: SRCH:0000AAAA\n  rec: SRCH:0000AAAA\n")
    assert history(repo) == []


def test_swapping_two_slugs_is_two_reused_addresses(repo):
    swapped = {REC: (repo / "content/records/other.md").read_text(), "content/records/other.md": (repo / REC).read_text()}
    for rel, text in swapped.items():
        write(repo, rel, text)
    assert [line.split("\n")[0].split(": error: ")[0] + " " + line.split("[")[-1].split("\n")[0]
            for line in history(repo)] == [
        "content/records/other.md:3:5 address-reused]", f"{REC}:3:5 address-reused]"]


def test_broken_file_at_a_published_slug_is_left_to_check(repo):
    write(repo, REC, "---\ntitle: [unclosed\n---\n")
    assert history(repo) == []
    assert [line.rsplit("[", 1)[1] for line in check_site(repo)] == ["yaml-syntax]"]


# -- content/aliases.yaml, checked by every check and build ------------------------------------

def aliases_site(make_site, text: str, records: dict[str, str] | None = None) -> Path:
    files = {MOVED: VALID_RECORD, "content/records/other.md": OTHER, **(records or {})}
    return make_site({**files, ALIASES: text})


def test_valid_aliases_pass(make_site):
    assert check_site(aliases_site(make_site, "# retired addresses\naliases:\n  rec: SRCH:0000AAAA\n"
                                   "  \"2024\": SRCH:0000BBBB\n")) == []


@pytest.mark.parametrize("slug", ["../../escape", "/etc/passwd", "nested/slug", "Upper", "dotted.html", "trailing-",
                                  "double--hyphen", "back\\\\slash", "", "x" * 201])
def test_alias_that_is_not_a_slug_is_refused(make_site, slug):
    site = aliases_site(make_site, f'aliases:\n  "{slug}": SRCH:0000AAAA\n')
    shown = repr(slug.replace("\\\\", "\\"))
    assert check_site(site) == [f"content/aliases.yaml:2:3: error: the alias {shown} is not a valid slug [alias-slug]"]


def test_alias_ending_in_a_newline_is_refused(make_site):
    site = aliases_site(make_site, 'aliases:\n  "name\\n": SRCH:0000AAAA\n')
    assert check_site(site) == ["content/aliases.yaml:2:3: error: the alias 'name\\n' is not a valid slug [alias-slug]"]


def test_hostile_alias_writes_nothing_anywhere(make_site, tmp_path, capsys):
    from sitegen.engine.pipeline import build

    site = aliases_site(make_site, 'aliases:\n  "../../../escape": SRCH:0000AAAA\n')
    assert not build(load_config(site, output_dir=tmp_path / "out"), search=False).ok
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.rglob("escape*"))
    assert "[alias-slug]" in capsys.readouterr().out


def test_alias_that_is_a_record_slug_is_refused(make_site):
    assert check_site(aliases_site(make_site, "aliases:\n  other: SRCH:0000AAAA\n")) == [
        "content/aliases.yaml:2:3: error: the alias 'other' is the slug of content/records/other.md; "
        "records/other.html cannot be both that record's page and a redirect [alias-taken]"]


def test_alias_that_is_the_slug_of_a_broken_record_is_refused(make_site):
    site = aliases_site(make_site, "aliases:\n  broken: SRCH:0000AAAA\n", {"content/records/broken.md": "---\n: [\n---\n"})
    assert [line.rsplit("[", 1)[1] for line in check_site(site)] == ["alias-taken]", "yaml-syntax]"]


def test_two_aliases_for_one_slug_are_refused(make_site):
    assert check_site(aliases_site(make_site, "aliases:\n  rec: SRCH:0000AAAA\n  rec: SRCH:0000BBBB\n")) == [
        "content/aliases.yaml:3:3: error: duplicate key 'rec' (first written on line 2) [duplicate-key]"]


def test_alias_to_an_unknown_id_is_refused(make_site):
    assert check_site(aliases_site(make_site, "aliases:\n  rec: SRCH:0000DDDD\n")) == [
        "content/aliases.yaml:2:3: error: the alias 'rec' leads to 'SRCH:0000DDDD', but no record has that id "
        "[alias-target]"]


def test_alias_target_waits_for_every_record_to_be_valid(make_site):
    # The broken record may be the one the alias names: its own error comes first.
    site = aliases_site(make_site, "aliases:\n  rec: SRCH:0000DDDD\n",
                        {"content/records/broken.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000DDDD\nbogus: 1")})
    assert [line.rsplit("[", 1)[1] for line in check_site(site)] == ["schema:paper-manifest-v1.1]"]


@pytest.mark.parametrize("text, expected", [
    ("- rec\n", "content/aliases.yaml:1:1: error: the file must be a mapping ('aliases:'), not a single value or a "
                "list [aliases-file]"),
    ("aliases:\n  rec: SRCH:0000AAAA\nredirects: {}\n", "content/aliases.yaml:3:1: error: unknown key 'redirects' "
                                                         "[aliases-file]"),
    ("aliases: [rec]\n", "content/aliases.yaml:1:10: error: 'aliases' must be a mapping of old slugs to record ids "
                         "[aliases-file]"),
    ("aliases:\n  rec: [SRCH:0000AAAA]\n", "content/aliases.yaml:2:8: error: the alias 'rec' must name the id of the "
                                           "record it leads to, e.g. SRCH:AB9A4379 [aliases-file]"),
    ("aliases:\n  rec: !!python/object x\n", "content/aliases.yaml:2:8: error: the tag "
                                              "'tag:yaml.org,2002:python/object' is not allowed [yaml-tag]"),
])
def test_malformed_aliases_file_is_refused(make_site, text, expected):
    assert check_site(aliases_site(make_site, text)) == [expected]


def test_empty_aliases_file_is_no_aliases(make_site):
    assert check_site(aliases_site(make_site, "# none yet\n")) == []
    assert check_site(aliases_site(make_site, "aliases:\n")) == []


def test_build_refuses_an_alias_that_collides_with_a_record(make_site, tmp_path, capsys):
    from sitegen.engine.pipeline import build

    site = aliases_site(make_site, "aliases:\n  other: SRCH:0000AAAA\n")
    assert not build(load_config(site, output_dir=tmp_path / "out"), search=False).ok
    assert "content/aliases.yaml:2:3: error: the alias 'other' is the slug of content/records/other.md" in (
        capsys.readouterr().out)
    assert not (tmp_path / "out").exists()


def test_new_refuses_a_retired_slug(make_site, capsys):
    site = aliases_site(make_site, "aliases:\n  rec: SRCH:0000AAAA\n")
    assert main(["new", "rec", "--root", str(site), "--title", "Reusing an old address"]) == 2
    assert ("sitegen: error: records/rec.html is a retired address of SRCH:0000AAAA (content/aliases.yaml:2); "
            "an old address never carries another record: choose another slug") in capsys.readouterr().err
    assert not (site / REC).exists()


def test_correct_given_an_old_address_says_where_the_record_is_now(make_site, capsys):
    site = aliases_site(make_site, "aliases:\n  rec: SRCH:0000AAAA\n")
    assert main(["correct", "rec", "--root", str(site), "--kind", "correction", "--summary", "Fixed."]) == 2
    assert capsys.readouterr().err == (
        "sitegen: error: rec is the old address of SRCH:0000AAAA (content/aliases.yaml:2), kept as a redirect; "
        f"the record is now {MOVED}: sitegen correct moved ...\n")
