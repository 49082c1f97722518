"""A published record is never silently rewritten: `sitegen check --base` fails on every
changed field that no new correction entry names, on real git repositories in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_RECORD, record_with
from gitrepo import at, git, publish
from helpers import check_site

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.engine.pipeline import check
from sitegen.errors import ConfigError
from sitegen.errors import format_text as format_diagnostic
from sitegen.records.history import check_history

F = "content/records/rec.md"
OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))
RULE = "and no new correction entry names it [uncorrected-edit]"


@pytest.fixture
def repo(make_site) -> Path:
    """A site whose main branch publishes two uncorrected records."""
    return publish(make_site({F: VALID_RECORD, "content/records/other.md": OTHER}, with_layouts=False))


def write(site: Path, text: str, rel: str = F) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def history(site: Path, base: str = "main") -> list[str]:
    """The --base diagnostics, each as its message line and its hint line."""
    return [format_diagnostic(d) for d in check_history(load_config(site), base)]


def edit(*pairs: tuple[str, str], base: str = VALID_RECORD) -> str:
    for old, new in pairs:
        base = record_with(old, new, base)
    return base


REWRITTEN = edit(("title: A valid record", "title: A retitled record"), ("submitted: 2026-07-01", "submitted: 2026-07-02"),
                 ("review_score: 7.5", "review_score: 8.4"), ("  status: unverified", "  status: pending"),
                 ("  tier: watchlist", "  tier: flagship-candidate"))
COMMAND = ('sitegen correct rec --kind correction --summary "..." --field title --field submitted --field review_score '
           '--field gate.status --field tier.tier')


def test_changed_fields_without_a_correction_are_errors_at_each_field(repo, capsys):
    write(repo, REWRITTEN)
    hint = f"    hint: a published record is never silently rewritten; record why: {COMMAND}"
    assert history(repo) == [
        f"{F}:{at(REWRITTEN, 'A retitled')}: error: 'title' changed from 'A valid record' to 'A retitled record', {RULE}\n{hint}",
        f"{F}:{at(REWRITTEN, '2026-07-02')}: error: 'submitted' changed from '2026-07-01' to '2026-07-02', {RULE}\n{hint}",
        f"{F}:{at(REWRITTEN, '8.4')}: error: 'review_score' changed from 7.5 to 8.4, {RULE}\n{hint}",
        f"{F}:{at(REWRITTEN, 'pending')}: error: 'gate.status' changed from 'unverified' to 'pending', {RULE}\n{hint}",
        f"{F}:{at(REWRITTEN, 'flagship-candidate')}: error: 'tier.tier' changed from 'watchlist' to 'flagship-candidate', "
        f"{RULE}\n{hint}"]
    assert main(["check", "--root", str(repo), "--base", "main"]) == 1
    err = capsys.readouterr().out  # the report is on stdout
    assert f"{F}:{at(REWRITTEN, '8.4')}: error: 'review_score' changed from 7.5 to 8.4, {RULE}\n{hint}\n" in err


def test_the_command_in_the_hint_makes_the_check_pass(repo, capsys):
    write(repo, REWRITTEN.replace("  status: pending", "  status: unverified"))
    command = COMMAND.replace(" --field gate.status", "").split()[2:]
    assert main(["correct", command[0], "--root", str(repo), *[w.replace('"..."', "Recomputed.") for w in command[1:]],
                 "--date", "2026-07-20"]) == 0
    assert history(repo) == []
    assert main(["check", "--root", str(repo), "--base", "main"]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_a_new_correction_that_names_some_fields_leaves_the_others_reported(repo):
    write(repo, REWRITTEN)
    assert main(["correct", "rec", "--root", str(repo), "--kind", "correction", "--summary", "Rescored.",
                 "--field", "review_score", "--field", "tier", "--date", "2026-07-20"]) == 0
    text = (repo / F).read_text(encoding="utf-8")
    hint = ("    hint: a published record is never silently rewritten; add title, submitted, gate.status to the fields of "
            "the new correction C1, or record why: "
            'sitegen correct rec --kind correction --summary "..." --field title --field submitted --field gate.status')
    assert history(repo) == [
        f"{F}:{at(text, 'A retitled')}: error: 'title' changed from 'A valid record' to 'A retitled record', {RULE}\n{hint}",
        f"{F}:{at(text, '2026-07-02')}: error: 'submitted' changed from '2026-07-01' to '2026-07-02', {RULE}\n{hint}",
        f"{F}:{at(text, 'pending')}: error: 'gate.status' changed from 'unverified' to 'pending', {RULE}\n{hint}"]


def test_a_published_entry_does_not_cover_a_new_edit(repo):
    # C1 named review_score when it was published; a second change of the score needs a new entry.
    assert main(["correct", "rec", "--root", str(repo), "--kind", "correction", "--summary", "Rescored.",
                 "--field", "review_score", "--date", "2026-07-20"]) == 0
    write(repo, (repo / F).read_text(encoding="utf-8").replace("review_score: 7.5", "review_score: 8.0"))
    git(repo, "commit", "-q", "-am", "C1")
    write(repo, (repo / F).read_text(encoding="utf-8").replace("review_score: 8.0", "review_score: 8.1"))
    assert [line.split("\n")[0] for line in history(repo)] == [
        f"{F}:11:15: error: 'review_score' changed from 8.0 to 8.1, {RULE}"]


def test_site_yaml_may_declare_fields_updatable_without_a_correction(repo):
    write(repo, "updatable_without_correction: [review_score, tier, submitted]\n", "site.yaml")
    git(repo, "add", "site.yaml")
    git(repo, "commit", "-q", "-m", "scores and tiers are recomputed without corrections")
    write(repo, REWRITTEN)
    assert [line.split("\n")[0] for line in history(repo)] == [
        f"{F}:{at(REWRITTEN, 'A retitled')}: error: 'title' changed from 'A valid record' to 'A retitled record', {RULE}",
        f"{F}:{at(REWRITTEN, 'pending')}: error: 'gate.status' changed from 'unverified' to 'pending', {RULE}"]


def test_a_change_cannot_declare_its_own_edits_updatable(repo):
    # The list counts where both the base and the working tree declare a field, so adding
    # `title` in the same change that retitles does not let the retitle through.
    write(repo, "updatable_without_correction: [title]\n", "site.yaml")
    write(repo, REWRITTEN)
    assert [line.split(": error: ")[1].split(" changed")[0] for line in history(repo)] == [
        "'title'", "'submitted'", "'review_score'", "'gate.status'", "'tier.tier'"]
    git(repo, "add", "site.yaml")
    git(repo, "commit", "-q", "-m", "titles may change")
    assert [line.split(": error: ")[1].split(" changed")[0] for line in history(repo)] == [
        "'submitted'", "'review_score'", "'gate.status'", "'tier.tier'"]
    # Taking a field off the list takes effect at once.
    write(repo, "updatable_without_correction: []\n", "site.yaml")
    assert len(history(repo)) == 5


def test_a_misspelt_updatable_field_is_a_configuration_error(repo):
    write(repo, "updatable_without_correction: [review_score, tier.tiers]\n", "site.yaml")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert [format_diagnostic(d) for d in caught.value.diagnostics] == [
        "site.yaml:1:46: error: 'tier.tiers' in updatable_without_correction is not a field of paper-manifest-v1.1 "
        "[config]\n    hint: did you mean 'tier.tier'?"]


def test_updatable_fields_follow_the_dotted_form(repo):
    write(repo, "updatable_without_correction: [Review-Score]\n", "site.yaml")
    with pytest.raises(ConfigError) as caught:
        load_config(repo)
    assert [d.message for d in caught.value.diagnostics] == [
        "'updatable_without_correction[1]' has the wrong form: found the text 'Review-Score'"]


def test_reformatting_without_changing_a_value_passes(repo):
    write(repo, edit(("title: A valid record", 'title: "A valid record"  # quoted now'),
                     ("abstract: An abstract with *emphasis*.", "abstract: >-\n  An abstract\n  with *emphasis*."),
                     ("The body of the report.\n", "The body of the report.\n\n\n")))
    assert history(repo) == []


def test_removed_and_added_fields_are_reported_where_they_were_and_are(repo):
    changed = edit(("doi: 10.5281/zenodo.1\n", ""), ("  note: Machine-generated synthesis of existing literature.\n", ""),
                   ("  reason_code: not-attempted\n", "  reason_code: not-attempted\n  evaluated: '2026-07-02T10:00:00+00:00'\n"))
    write(repo, changed)
    assert [line.split("\n")[0] for line in history(repo)] == [
        f"{F}:{at(changed, 'publisher:')}: error: 'doi' was removed (was '10.5281/zenodo.1'), {RULE}",
        f"{F}:{at(changed, 'evaluated:')}: error: 'gate.evaluated' was added ('2026-07-02T10:00:00+00:00'), {RULE}",
        f"{F}:{at(changed, 'provenance:')}: error: 'provenance.note' was removed "
        f"(was 'Machine-generated synthesis of existing literature.'), {RULE}"]


def test_list_items_are_named_without_their_index(repo):
    changed = edit(("  - text: The second claim.", "  - text: The second claim, reworded."),
                   ("    url: https://example.org/paper\n", "    url: https://example.org/paper\n  - https://example.org/new\n"))
    write(repo, changed)
    assert history(repo) == [
        f"{F}:{at(changed, 'The second claim,')}: error: 'claims[2].text' changed from 'The second claim.' to "
        f"'The second claim, reworded.', {RULE}\n"
        '    hint: a published record is never silently rewritten; record why: sitegen correct rec --kind correction '
        '--summary "..." --field claims.text --field references',
        f"{F}:{at(changed, 'https://example.org/new')}: error: 'references[3]' was added ('https://example.org/new'), {RULE}\n"
        '    hint: a published record is never silently rewritten; record why: sitegen correct rec --kind correction '
        '--summary "..." --field claims.text --field references']


def test_an_edited_report_is_reported_at_its_first_changed_line(repo):
    changed = VALID_RECORD.replace("The body of the report.", "The body of the revised report.")
    write(repo, changed)
    assert history(repo) == [
        f"{F}:{at(changed, 'The body')}: error: the report below the front matter ('body') changed, {RULE}\n"
        '    hint: a published record is never silently rewritten; record why: sitegen correct rec --kind correction '
        '--summary "..." --field body']
    assert main(["correct", "rec", "--root", str(repo), "--kind", "clarification", "--summary", "Reworded.",
                 "--field", "body", "--date", "2026-07-20"]) == 0
    assert history(repo) == []


def test_a_new_record_and_a_renamed_one_are_not_edits(repo):
    (repo / F).rename(repo / "content/records/renamed.md")
    (repo / "content/aliases.yaml").write_text(f"aliases:\n  {Path(F).stem}: SRCH:0000AAAA\n")  # the old address kept
    write(repo, edit(("id: SRCH:0000AAAA", "id: SRCH:0000CCCC"), ("title: A valid record", "title: New")),
          "content/records/new.md")
    assert history(repo) == []


# --- the names a correction entry gives in `fields` -------------------------------------------

ENTRY = """\
  status: corrected
  entries:
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: Rescored.
      fields: [{names}]"""


def test_check_refuses_a_misspelt_name_in_fields_as_correct_does(make_site, capsys):
    text = record_with("  status: current\n  entries: []", ENTRY.format(names="review_score, reviewscore"))
    site = make_site({F: text}, with_layouts=False)
    assert [format_diagnostic(d) for d in check(load_config(site)).diagnostics] == [
        f"{F}:{at(text, 'reviewscore]')}: error: correction C1 names 'reviewscore' in its fields, which is not a field of "
        "paper-manifest-v1.1 [correction-field]\n    hint: did you mean 'review_score'?"]
    assert main(["correct", "rec", "--root", str(site), "--kind", "erratum", "--summary", "x", "--field", "reviewscore"]) == 2
    assert "--field 'reviewscore' is not a field of paper-manifest-v1.1; did you mean 'review_score'?" in capsys.readouterr().err


def test_a_name_far_from_every_field_gets_the_naming_rule(make_site):
    text = record_with("  status: current\n  entries: []", ENTRY.format(names="xyzzy"))
    site = make_site({F: text}, with_layouts=False)
    assert [format_diagnostic(d) for d in check(load_config(site)).diagnostics] == [
        f"{F}:{at(text, 'xyzzy]')}: error: correction C1 names 'xyzzy' in its fields, which is not a field of "
        "paper-manifest-v1.1 [correction-field]\n"
        "    hint: name fields dotted as in docs/records.md, e.g. review_score or gate.status; body names the report"]


def test_fields_may_name_the_report_list_items_and_reference_parts(make_site, capsys):
    names = "body, claims.text, references.title, gate.artifact.sha256"
    site = make_site({F: record_with("  status: current\n  entries: []", ENTRY.format(names=names))}, with_layouts=False)
    assert check_site(site) == []
    assert main(["correct", "rec", "--root", str(site), "--kind", "erratum", "--summary", "x", "--date", "2026-07-11",
                 *[f"--field={n}" for n in names.split(", ")]]) == 0
    capsys.readouterr()


# --- duplicate ids: the file that is new since the base is the one to change -----------------------

def test_duplicate_id_blames_the_file_that_is_new_since_the_base(make_site, capsys):
    site = publish(make_site({"content/records/zeta.md": VALID_RECORD}, with_layouts=False))
    write(site, record_with("title: A valid record", "title: A copy"), "content/records/alpha.md")
    assert main(["check", "--root", str(site), "--base", "main"]) == 1
    err = capsys.readouterr().out  # the report is on stdout
    assert ("content/records/alpha.md:3:5: error: the id SRCH:0000AAAA is already used by the published record "
            "content/records/zeta.md [duplicate-id]\n"
            "    hint: this record is new since main: give it an id of its own (sitegen new mints one); "
            "a published id never changes\n") in err
    assert "content/records/zeta.md:" not in err


def test_duplicate_id_without_a_base_says_how_to_tell_which_file_is_new(make_site):
    site = make_site({"content/records/zeta.md": VALID_RECORD, "content/records/alpha.md": VALID_RECORD}, with_layouts=False)
    assert [format_diagnostic(d) for d in check(load_config(site)).diagnostics] == [
        "content/records/zeta.md:3:5: error: the id SRCH:0000AAAA is already used by content/records/alpha.md "
        "[duplicate-id]\n"
        "    hint: ids are unique and never change: give the record that is not published yet an id of its own "
        "(sitegen new mints one); sitegen check --base origin/main tells which one is new"]
