"""`sitegen diff` is the reviewer's truth: whatever makes `check --base` fail shows in the diff, as text and Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_RECORD, record_with
from gitrepo import git, publish as git_site

from sitegen.cli import main

REC = "content/records/rec.md"
CORRECTED = record_with("  status: current\n  entries: []", """\
  status: corrected
  entries:
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: Fixed a claim count.""")
RETRACTED = record_with("  status: current\n  entries: []", """\
  status: retracted
  entries:
    - id: C1
      date: 2026-07-10
      kind: retraction
      summary: The sources were misread.""")
OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))


def published(make_site, record: str) -> Path:
    return git_site(make_site({REC: record, "content/records/other.md": OTHER}, with_layouts=False))


def write(site: Path, rel: str, text: str) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def run(site: Path, capsys, *args: str) -> tuple[int, str]:
    code = main([*args, "--root", str(site), "--base", "main"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def diff(site: Path, capsys) -> tuple[str, str]:
    """`check --base main` fails; the diff as text and as Markdown."""
    code, _ = run(site, capsys, "check")
    assert code == 1
    text, markdown = run(site, capsys, "diff")[1], run(site, capsys, "diff", "--format", "markdown")[1]
    assert "none" not in text.split("\n")[0] and "No record changed." not in markdown
    return text, markdown


def at(text: str, needle: str) -> str:
    """'line:col' of the first occurrence of needle in text, both 1-based."""
    index = text.index(needle)
    return f"{text.count(chr(10), 0, index) + 1}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def commit(site: Path) -> str:
    return git(site, "rev-parse", "--short=12", "HEAD").strip()


def test_edited_published_correction_shows_in_the_diff(make_site, capsys):
    site = published(make_site, CORRECTED)
    edited = CORRECTED.replace("Fixed a claim count.", "Fixed the claim count.")
    write(site, REC, edited)
    where = at(edited, "summary: Fixed")
    text, markdown = diff(site, capsys)
    assert text == (
        f"Record changes since main ({commit(site)}):\n"
        "  REWRITTEN  SRCH:0000AAAA published correction C1 edited: corrections are append-only\n"
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)\n"
        f"  {REC}:{where}: error: published correction C1 was edited: its 'summary' changed from 'Fixed a claim count.' "
        "to 'Fixed the claim count.' [correction-edited]\n"
        "      hint: restore it exactly as it is in main; to change what it says, append a new entry (sitegen correct)\n")
    assert markdown == (
        f"## Registry changes since `main` ({commit(site)})\n\n"
        "0 added · 0 corrected · 0 retracted, withdrawn or of concern · 0 badge change(s) · **1 error(s)**\n\n"
        "### :x: Problems\n\n"
        "`sitegen check --base main` fails until the errors are fixed: 1 error(s), 0 warning(s).\n\n"
        f"- **error** `{REC}:{where}` published correction C1 was edited: its 'summary' changed from 'Fixed a claim "
        "count.' to 'Fixed the claim count.' (`correction-edited`)\n"
        "  - hint: restore it exactly as it is in main; to change what it says, append a new entry (sitegen correct)\n\n"
        "### Other edits\n\n"
        "- `SRCH:0000AAAA` A valid record: **published correction C1 edited**: corrections are append-only\n")


def test_removed_retraction_shows_more_than_the_status_change(make_site, capsys):
    site = published(make_site, RETRACTED)
    write(site, REC, VALID_RECORD)
    text, markdown = diff(site, capsys)
    assert text.split("\n")[1:5] == [
        "  badge      SRCH:0000AAAA corrections retracted -> current",
        "  REWRITTEN  SRCH:0000AAAA published correction C1 removed: corrections are append-only",
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)",
        f"  {REC}:{at(VALID_RECORD, 'entries:')}: error: published correction C1 (retraction, dated 2026-07-10) "
        "was removed [correction-removed]"]
    assert (f"- **error** `{REC}:{at(VALID_RECORD, 'entries:')}` published correction C1 (retraction, dated 2026-07-10) was removed "
            "(`correction-removed`)") in markdown
    assert "- `SRCH:0000AAAA` A valid record: **published correction C1 removed**: corrections are append-only" in markdown


def test_record_whose_yaml_no_longer_parses_shows_in_the_diff(make_site, capsys):
    site = published(make_site, VALID_RECORD)
    write(site, REC, VALID_RECORD.replace("title: A valid record", "title: [A valid record"))
    text, markdown = diff(site, capsys)
    lines = text.split("\n")
    assert lines[1:3] == [
        f"  UNREADABLE SRCH:0000AAAA {REC}: the file does not read as a record",
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)"]
    assert lines[3].startswith(f"  {REC}:") and lines[3].endswith("[yaml-syntax]")
    assert f"- `SRCH:0000AAAA` A valid record (`{REC}`): **does not read as a record**" in markdown
    assert "(`yaml-syntax`)" in markdown


@pytest.mark.parametrize("broken, line", [
    (record_with("id: SRCH:0000AAAA", "id: SRCH:0000DDDD\nbogus: 1"),
     "  added      SRCH:0000DDDD content/records/new.md: A valid record"),
    ("---\ntitle: [unclosed\n---\n", "  UNREADABLE content/records/new.md: the file does not read as a record"),
])
def test_new_broken_record_shows_in_the_diff(make_site, capsys, broken, line):
    site = published(make_site, VALID_RECORD)
    write(site, "content/records/new.md", broken)
    text, markdown = diff(site, capsys)
    assert text.split("\n")[1] == line
    assert "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)" in text
    assert "\n  content/records/new.md:" in text
    assert "### :x: Problems" in markdown and "- **error** `content/records/new.md:" in markdown


def test_new_file_that_does_not_parse_lists_the_error_exactly(make_site, capsys):
    site = published(make_site, VALID_RECORD)
    write(site, "content/records/new.md", "---\ntitle: [unclosed\n---\n")
    text, markdown = diff(site, capsys)
    assert text.split("\n")[3] == ("  content/records/new.md:3:1: error: invalid YAML: did not find expected ',' or ']' "
                                   "(while parsing a flow sequence) [yaml-syntax]")
    assert "- `content/records/new.md`: **does not read as a record**" in markdown


def test_new_record_with_a_schema_error_lists_the_error_exactly(make_site, capsys):
    site = published(make_site, VALID_RECORD)
    write(site, "content/records/new.md", record_with("id: SRCH:0000AAAA", "id: SRCH:0000DDDD\nbogus: 1"))
    text, _ = diff(site, capsys)
    assert text.split("\n")[1:5] == [
        "  added      SRCH:0000DDDD content/records/new.md: A valid record",
        "             level L2, gate unverified, tier watchlist, provenance L3, corrections current",
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)",
        "  content/records/new.md:4:1: error: unknown field 'bogus' [schema:paper-manifest-v1.1]"]


def test_rename_shows_whether_the_redirect_is_kept(make_site, capsys):
    site = published(make_site, VALID_RECORD)
    git(site, "mv", REC, "content/records/moved.md")
    text, markdown = diff(site, capsys)
    assert text.split("\n")[1:4] == [
        f"  renamed    SRCH:0000AAAA {REC} -> content/records/moved.md (redirect missing)",
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)",
        "  content/records/moved.md:1:1: error: SRCH:0000AAAA was renamed from rec.md, so its published address "
        "records/rec.html would stop working; published addresses stay, so that links and citations keep working "
        "[address-missing]"]
    assert (f"- `SRCH:0000AAAA` A valid record: renamed `{REC}` → `content/records/moved.md` (**redirect missing**)"
            in markdown)
    write(site, "content/aliases.yaml", "aliases:\n  rec: SRCH:0000AAAA\n")
    assert run(site, capsys, "check")[0] == 0
    text = run(site, capsys, "diff")[1]
    assert text == (f"Record changes since main ({commit(site)}):\n"
                    f"  renamed    SRCH:0000AAAA {REC} -> content/records/moved.md (redirect kept)\n")


def test_a_newcomer_at_a_published_address_shows_in_the_diff(make_site, capsys):
    site = published(make_site, VALID_RECORD)
    git(site, "mv", REC, "content/records/moved.md")
    write(site, REC, record_with("id: SRCH:0000AAAA", "id: SRCH:0000CCCC"))
    text, _ = diff(site, capsys)
    assert (f"  {REC}:3:5: error: records/rec.html was published for SRCH:0000AAAA ('A valid record') in main; it "
            "cannot show SRCH:0000CCCC: a published address never changes records [address-reused]") in text


def test_an_error_outside_the_changed_files_still_shows(make_site, capsys):
    # The aliases file is not a record, and nothing else changed: the check fails, so the diff says why.
    site = published(make_site, VALID_RECORD)
    write(site, "content/aliases.yaml", "aliases:\n  other: SRCH:0000AAAA\n")
    text, _ = diff(site, capsys)
    assert text == (
        f"Record changes since main ({commit(site)}):\n"
        "Problems: sitegen check --base main fails until the errors are fixed: 1 error(s), 0 warning(s)\n"
        "  content/aliases.yaml:2:3: error: the alias 'other' is the slug of content/records/other.md; "
        "records/other.html cannot be both that record's page and a redirect [alias-taken]\n"
        "      hint: an alias is a retired address: remove the line, or move that record to a slug of its own\n")


def test_warnings_of_unchanged_files_stay_out_of_the_diff(make_site, capsys):
    warned = record_with("doi: 10.5281/zenodo.1\n", "")  # a registered external record without a doi: a warning
    site = published(make_site, warned)
    assert run(site, capsys, "diff")[1] == f"Record changes since main ({commit(site)}): none\n"
    # A file the change touches shows its warnings: here a new record with the same gap.
    write(site, "content/records/another.md", warned.replace("id: SRCH:0000AAAA", "id: SRCH:0000CCCC"))
    text = run(site, capsys, "diff")[1]
    assert "Problems: sitegen check --base main passes; warnings do not fail it: 0 error(s), 1 warning(s)" in text
    assert "[doi-missing]" in text
