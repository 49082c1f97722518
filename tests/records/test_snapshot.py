"""`check --base` and `sitegen diff` read only the record files a change reaches (records/snapshot.py): the
files git finds changed or on one side only, and those sharing an id or an address with them. Whatever
the change, they report exactly what reading every record on both sides reports."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from conftest import VALID_RECORD, record_with
from gitrepo import git, publish

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.engine.pipeline import build
from sitegen.errors import format_text
from sitegen.maintain.changes import format_text as diff_text
from sitegen.maintain.changes import summarise_changes
from sitegen.records import snapshot
from sitegen.records.history import HistoryCheck, compare_with_base
from sitegen.records.snapshot import quick_id

RECORDS = "content/records"
ALIASES = "content/aliases.yaml"


def record(n: int, *, id_line: str | None = None) -> str:
    """A valid record of its own: SRCH:000010nn, 'Record nn'."""
    text = record_with("title: A valid record", f"title: Record {n:02d}")
    return record_with("id: SRCH:0000AAAA", id_line or f"id: SRCH:{0x1000 + n:08X}", text)


@pytest.fixture
def repo(make_site) -> Path:
    """main publishes twelve records, r00 to r11, and the alias old-r03 of r03."""
    files = {f"{RECORDS}/r{n:02d}.md": record(n) for n in range(12)}
    files[ALIASES] = f"aliases:\n  old-r03: SRCH:{0x1003:08X}\n"
    return publish(make_site(files, with_layouts=False))


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def compared(site: Path) -> HistoryCheck:
    return compare_with_base(load_config(site), "main")


def everything_read(site: Path, monkeypatch: pytest.MonkeyPatch) -> HistoryCheck:
    """The comparison when git is taken to say that every record file changed: every file is read on both
    sides, as check --base did before it read only what the change reaches."""
    def every_file(top: Path, commit: str, prefix: str) -> list[str]:
        return [path for path, _mode in snapshot.tree_files(top, commit, prefix)] + \
            [f"{prefix}/{path.name}" for path in (site / RECORDS).glob("*.md")]

    with monkeypatch.context() as patch:
        patch.setattr(snapshot, "changed_files", every_file)
        return compared(site)


def shown(check: HistoryCheck) -> list[str]:
    return [format_text(d) for d in check.diagnostics]


# -- what is read -----------------------------------------------------------------------------

def test_an_unchanged_registry_reads_no_record(repo):
    check = compared(repo)
    assert (shown(check), check.compared, check.new_since.files) == ([], 0, frozenset())


def test_one_edited_record_is_the_only_one_read(repo):
    write(repo, f"{RECORDS}/r05.md", record(5).replace("The body of the report.", "The body of the report, edited."))
    check = compared(repo)
    assert check.compared == 1
    assert [d.rule for d in check.diagnostics] == ["uncorrected-edit"]


def test_a_new_untracked_record_is_read_and_new(repo):
    write(repo, f"{RECORDS}/r12.md", record(12))
    check = compared(repo)
    assert (shown(check), check.compared, check.new_since.files) == ([], 1, frozenset({f"{RECORDS}/r12.md"}))


def test_a_new_record_with_a_published_id_reads_the_record_that_has_it(repo):
    write(repo, f"{RECORDS}/zz.md", record(7))
    check = compared(repo)
    assert check.compared == 2  # zz.md, and r07.md, which quick_id says carries the same id
    assert check.new_since.files == frozenset({f"{RECORDS}/zz.md"})


def test_a_removed_alias_reads_the_record_it_led_to(repo):
    write(repo, ALIASES, "aliases: {}\n")
    check = compared(repo)
    assert check.compared == 1  # r03.md: where the alias's record is now, for the message
    assert [(d.pos.path, d.rule) for d in check.diagnostics] == [(ALIASES, "address-missing")]


def test_an_untouched_file_that_no_longer_reads_is_not_a_change_but_still_a_problem(repo):
    # The base's bytes are parsed without the working tree's size limit; a published file over a limit
    # lowered since did not change, so the diff does not list it, and validation still reports it.
    write(repo, f"{RECORDS}/r09.md", record(9) + "A longer report. " * 300)
    write(repo, "site.yaml", "limits:\n  max_record_bytes: 4096\n")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "a long record and a lower limit on main")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, f"{RECORDS}/r12.md", record(12))
    summary = summarise_changes(load_config(repo), "main")
    assert [(c.kind, c.rel_path) for c in summary.changes] == [("added", f"{RECORDS}/r12.md")]
    assert [(d.pos.path, d.rule) for d in summary.problems] == [(f"{RECORDS}/r09.md", "file-too-large")]


# -- the same diagnostics as reading everything -----------------------------------------------

def _edit_body(site: Path) -> None:
    write(site, f"{RECORDS}/r01.md", record(1).replace("The body of the report.", "Another body."))


def _rename_without_alias(site: Path) -> None:
    git(site, "mv", f"{RECORDS}/r02.md", f"{RECORDS}/renamed.md")


def _rename_with_alias(site: Path) -> None:
    git(site, "mv", f"{RECORDS}/r02.md", f"{RECORDS}/renamed.md")
    write(site, ALIASES, f"aliases:\n  old-r03: SRCH:{0x1003:08X}\n  r02: SRCH:{0x1002:08X}\n")


def _delete(site: Path) -> None:
    (site / RECORDS / "r04.md").unlink()


def _duplicate_id(site: Path) -> None:
    write(site, f"{RECORDS}/aa.md", record(6))  # sorts before r06.md, which has the id


def _newcomer_at_a_retired_slug(site: Path) -> None:
    write(site, f"{RECORDS}/old-r03.md", record(20))


def _alias_removed(site: Path) -> None:
    write(site, ALIASES, "aliases: {}\n")


def _alias_pointed_elsewhere(site: Path) -> None:
    write(site, ALIASES, f"aliases:\n  old-r03: SRCH:{0x1008:08X}\n")


def _id_changed(site: Path) -> None:
    write(site, f"{RECORDS}/r05.md", record(5, id_line="id: SRCH:0000FFFF"))


def _id_taken_from_another(site: Path) -> None:
    write(site, f"{RECORDS}/r05.md", record(5, id_line=f"id: SRCH:{0x1009:08X}"))


def _id_removed_beside_a_published_record_without_one(site: Path) -> None:
    # r10 has no id at the base (main is broken), and this change removes r05's: the comparison
    # treats the two files alike whether or not it reads them all.
    write(site, f"{RECORDS}/r10.md", record(10, id_line="# no id"))
    git(site, "commit", "-q", "-am", "r10 loses its id on main")
    git(site, "checkout", "-q", "-b", "feature")
    write(site, f"{RECORDS}/r05.md", record(5, id_line="# no id either"))


def _id_written_after_a_quoted_title(site: Path) -> None:
    moved = record(8).replace(f"id: SRCH:{0x1008:08X}\ntitle: Record 08\n", f'title: "Record 08"\nid: SRCH:{0x1008:08X}\n')
    write(site, f"{RECORDS}/r08.md", moved)
    git(site, "commit", "-q", "-am", "r08's id below its title on main")
    git(site, "checkout", "-q", "-b", "feature")
    write(site, f"{RECORDS}/aa.md", record(8))


def _alias_removed_whose_record_writes_its_id_late(site: Path) -> None:
    late = record(3).replace(f"id: SRCH:{0x1003:08X}\ntitle: Record 03\n", f'title: "Record 03"\nid: SRCH:{0x1003:08X}\n')
    write(site, f"{RECORDS}/r03.md", late)
    git(site, "commit", "-q", "-am", "r03's id below its title on main")
    git(site, "checkout", "-q", "-b", "feature")
    write(site, ALIASES, "aliases: {}\n")


def _alias_removed_that_was_a_record_s_slug(site: Path) -> None:
    # main is broken: the alias r05 is also r05.md's slug (alias-taken). Removing it loses no address.
    write(site, ALIASES, f"aliases:\n  old-r03: SRCH:{0x1003:08X}\n  r05: SRCH:{0x1003:08X}\n")
    git(site, "commit", "-q", "-am", "an alias at a record's slug on main")
    git(site, "checkout", "-q", "-b", "feature")
    write(site, ALIASES, f"aliases:\n  old-r03: SRCH:{0x1003:08X}\n")


def _a_published_symbolic_link(site: Path) -> None:
    # git holds a link as where it points: at the base it does not read as a record, so it is new here.
    (site / "content" / "shared").mkdir()
    write(site, "content/shared/linked.md", record(30))
    (site / RECORDS / "linked.md").symlink_to("../shared/linked.md")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "a linked record on main")
    git(site, "checkout", "-q", "-b", "feature")
    _edit_body(site)


def _committed_on_a_branch_and_staged(site: Path) -> None:
    git(site, "checkout", "-q", "-b", "feature")
    git(site, "mv", f"{RECORDS}/r07.md", f"{RECORDS}/r07-renamed.md")
    git(site, "commit", "-q", "-m", "rename")
    write(site, f"{RECORDS}/r01.md", record(1).replace("The body of the report.", "Staged body."))
    git(site, "add", f"{RECORDS}/r01.md")


def _two_records_swap_files(site: Path) -> None:
    (site / RECORDS / "r00.md").rename(site / RECORDS / "tmp.md")
    (site / RECORDS / "r11.md").rename(site / RECORDS / "r00.md")
    (site / RECORDS / "tmp.md").rename(site / RECORDS / "r11.md")


CHANGES: list[Callable[[Path], None]] = [
    _edit_body, _rename_without_alias, _rename_with_alias, _delete, _duplicate_id, _newcomer_at_a_retired_slug,
    _alias_removed, _alias_pointed_elsewhere, _id_changed, _id_taken_from_another,
    _id_removed_beside_a_published_record_without_one, _id_written_after_a_quoted_title,
    _alias_removed_whose_record_writes_its_id_late, _alias_removed_that_was_a_record_s_slug, _a_published_symbolic_link,
    _committed_on_a_branch_and_staged, _two_records_swap_files,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__.strip("_"))
def test_reading_what_the_change_reaches_reports_what_reading_everything_reports(repo, change, monkeypatch):
    change(repo)
    check, full = compared(repo), everything_read(repo, monkeypatch)
    assert shown(check) == shown(full)
    assert check.new_since == full.new_since
    assert shown(full) or full.new_since.files or change in (_rename_with_alias, _alias_removed_that_was_a_record_s_slug)
    assert check.compared < full.compared


# -- the first lines of an unchanged file ----------------------------------------------------

@pytest.mark.parametrize("head, expected", [
    ("---\ncontract: paper-manifest-v1.1\nid: SRCH:0000AAAA\n", "SRCH:0000AAAA"),
    ("---\nid: SRCH:0000AAAA  # minted by `sitegen new`; never change it once published\n", "SRCH:0000AAAA"),
    ('---\nid: "SRCH:0000AAAA"\n', "SRCH:0000AAAA"),
    ("---\nid: 'SRCH:0000AAAA'\n", "SRCH:0000AAAA"),
    ("\ufeff---\r\ncontract: paper-manifest-v1.1\r\nid: SRCH:0000AAAA\r\n", "SRCH:0000AAAA"),
    ("---\n# a comment\n\nsubmitted: 2026-07-01\nid: SRCH:0000AAAA\n", "SRCH:0000AAAA"),
    # Not for certain: YAML might read these otherwise, so the file is read in full.
    ('---\ntitle: "A title\nid: SRCH:0000BBBB"\nid: SRCH:0000AAAA\n', None),
    ("---\ntitle: >-\n  A folded\n  title\nid: SRCH:0000AAAA\n", None),
    ("---\ngate:\n  status: verified\nid: SRCH:0000AAAA\n", None),
    ("---\nid: 12345678\n", None),
    ("---\nid: true\n", None),
    ("---\nid:\tSRCH:0000AAAA\n", None),
    ("---\nid: &anchor SRCH:0000AAAA\n", None),
    ("---\nid: SRCH:0000AAAA extra\n", None),
    ("---\ntitle: A record\n---\nid: SRCH:0000AAAA\n", None),
    ("contract: paper-manifest-v1.1\nid: SRCH:0000AAAA\n", None),
    ("---\ncontract: paper-manifest-v1.1\n", None),
])
def test_quick_id_tells_an_id_only_when_it_is_certain(tmp_path, head, expected):
    path = tmp_path / "r.md"
    path.write_bytes(head.encode("utf-8"))
    assert quick_id(path) == expected


def test_quick_id_agrees_with_yaml_on_the_records_sitegen_new_writes(make_site):
    site = make_site(with_layouts=False)
    assert main(["new", "--root", str(site), "--title", "Subword Tokenisation"]) == 0
    (path,) = (site / RECORDS).glob("*.md")
    assert quick_id(path) is not None and f"id: {quick_id(path)}" in path.read_text(encoding="utf-8")


# -- through the command line -----------------------------------------------------------------

def test_check_base_takes_unchanged_records_from_main_s_build_cache(make_site, capsys):
    site = publish(make_site({f"{RECORDS}/r{n:02d}.md": record(n) for n in range(3)}))
    assert build(load_config(site), search=False).ok
    git(site, "checkout", "-q", "-b", "feature")
    assert main(["correct", "r01", "--root", str(site), "--kind", "clarification", "--summary", "Reworded.",
                 "--field", "body"]) == 0
    write(site, f"{RECORDS}/r01.md", (site / RECORDS / "r01.md").read_text(encoding="utf-8") + "A sentence more.\n")
    capsys.readouterr()
    assert main(["check", "--root", str(site), "--base", "main"]) == 0
    err = capsys.readouterr().err
    assert "2 unchanged record(s): results taken from the build cache .public.cache\n" in err
    summary = diff_text(summarise_changes(load_config(site), "main"))
    assert summary.splitlines()[1].startswith(f"  corrected  SRCH:{0x1001:08X} {RECORDS}/r01.md: C1 clarification")
