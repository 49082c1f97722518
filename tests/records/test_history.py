"""The append-only rules of `sitegen check --base`, on real git repositories made in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import record_with
from gitrepo import git

from sitegen.cli import main
from sitegen.config import load_config
from sitegen.errors import UsageError
from sitegen.errors import format_text as format_diagnostic
from sitegen.maintain.changes import format_markdown, format_text, summarise_changes
from sitegen.records.history import check_history

F = "content/records/rec.md"

PUBLISHED = record_with("  status: current\n  entries: []", """\
  status: corrected
  entries:
    # The first correction, published with the record's first revision.
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: Fixed a claim count.
      fields: [verification.source_grounded_claims]
    - id: C2
      date: 2026-07-12
      kind: clarification
      summary: Clarified the research question.""")

OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))

@pytest.fixture
def repo(make_site) -> Path:
    """A site in a git repository whose main branch publishes two records, one with two corrections."""
    site = make_site({F: PUBLISHED, "content/records/other.md": OTHER}, with_layouts=False)
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "publish")
    return site


def write(site: Path, text: str, rel: str = F) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def at(text: str, needle: str, nth: int = 1) -> str:
    """'line:col' of the nth occurrence of needle in text, both 1-based."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def history(site: Path, base: str = "main") -> list[str]:
    return [format_diagnostic(d).split("\n")[0] for d in check_history(load_config(site), base)]


def test_unchanged_records_pass(repo):
    assert history(repo) == []


def test_appended_correction_passes(repo, capsys):
    assert main(["correct", "rec", "--root", str(repo), "--kind", "erratum", "--summary", "A typo in the abstract.",
                 "--field", "abstract", "--date", "2026-07-20"]) == 0
    assert history(repo) == []
    assert main(["check", "--root", str(repo), "--base", "main"]) == 0
    assert "0 error(s)" in capsys.readouterr().err


def test_edited_entry_is_reported_at_the_changed_field(repo):
    edited = PUBLISHED.replace("summary: Fixed a claim count.", "summary: Fixed the claim count.")
    write(repo, edited)
    assert history(repo) == [
        f"{F}:{at(edited, 'summary: Fixed')}: error: published correction C1 was edited: its 'summary' changed from "
        "'Fixed a claim count.' to 'Fixed the claim count.' [correction-edited]"]


def test_edited_date_and_removed_key_are_each_reported(repo):
    edited = PUBLISHED.replace("      fields: [verification.source_grounded_claims]\n", "").replace("2026-07-12", "2026-07-13")
    write(repo, edited)
    assert history(repo) == [
        f"{F}:{at(edited, 'id: C1')}: error: published correction C1 was edited: its 'fields' was removed "
        "(was ['verification.source_grounded_claims']) [correction-edited]",
        f"{F}:{at(edited, 'date: 2026-07-13')}: error: published correction C2 was edited: its 'date' changed from "
        "'2026-07-12' to '2026-07-13' [correction-edited]"]


def test_removed_entry_is_reported_at_the_entries_key(repo):
    removed = PUBLISHED.split("    - id: C2")[0].rstrip("\n") + "\n" + PUBLISHED.split("summary: Clarified the research question.\n")[1]
    write(repo, removed)
    assert history(repo) == [
        f"{F}:{at(removed, 'entries:')}: error: published correction C2 (clarification, dated 2026-07-12) was removed "
        "[correction-removed]"]


C1 = """\
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: Fixed a claim count.
      fields: [verification.source_grounded_claims]
"""
C2 = """\
    - id: C2
      date: 2026-07-12
      kind: clarification
      summary: Clarified the research question.
"""


def test_reordered_entries_are_reported(repo):
    assert C1 + C2 in PUBLISHED
    swapped = PUBLISHED.replace(C1 + C2, C2 + C1)
    write(repo, swapped)
    assert history(repo) == [
        f"{F}:{at(swapped, 'id: C2')}: error: published correction C2 now stands before an entry published before it "
        "[correction-reordered]"]


def test_renumbered_swap_is_reported_as_reordered(repo):
    # The entries swapped places and were renumbered so the ids still read C1, C2.
    swapped = PUBLISHED.replace(C1 + C2, C2.replace("C2", "C1") + C1.replace("C1", "C2"))
    write(repo, swapped)
    assert history(repo) == [
        f"{F}:{at(swapped, 'id: C1')}: error: published correction C2 now stands at position 1 as C1 [correction-reordered]",
        f"{F}:{at(swapped, 'id: C2')}: error: published correction C1 now stands at position 2 as C2 [correction-reordered]"]


def test_new_entry_inserted_before_published_ones_is_reported(repo):
    inserted = PUBLISHED.replace("    - id: C2", "    - id: C3\n      date: 2026-07-20\n      kind: erratum\n"
                                 "      summary: Squeezed in.\n    - id: C2")
    write(repo, inserted)
    assert history(repo) == [
        f"{F}:{at(inserted, 'id: C3')}: error: new correction C3 is inserted before published entries [correction-reordered]"]


def test_backdated_new_entry_is_reported_at_its_date(repo):
    backdated = PUBLISHED.replace("summary: Clarified the research question.", "summary: Clarified the research question.\n"
                                  "    - id: C3\n      date: 2026-07-11\n      kind: erratum\n      summary: Late.")
    write(repo, backdated)
    assert history(repo) == [
        f"{F}:{at(backdated, '2026-07-11')}: error: new correction C3 is dated 2026-07-11, before the last published "
        "correction C2 (2026-07-12) [correction-backdated]"]


def test_deleted_record_is_reported(repo):
    (repo / "content/records/other.md").unlink()
    assert history(repo) == [
        "content/records/other.md:1:1: error: the published record SRCH:0000BBBB ('Another record') was deleted; "
        "records stay published so that links and citations keep working [record-deleted]"]


def test_changed_id_is_reported_at_the_id(repo):
    changed = PUBLISHED.replace("id: SRCH:0000AAAA", "id: SRCH:0000CCCC")
    write(repo, changed)
    assert history(repo) == [
        f"{F}:3:5: error: the id changed from SRCH:0000AAAA to SRCH:0000CCCC; a published id never changes [id-changed]"]


def test_renamed_record_is_matched_by_id(repo):
    (repo / F).rename(repo / "content/records/renamed.md")
    write(repo, "aliases:\n  rec: SRCH:0000AAAA\n", "content/aliases.yaml")  # the old address stays (test_addresses.py)
    assert history(repo) == []
    edited = PUBLISHED.replace("Fixed a claim count.", "Fixed nothing.")
    write(repo, edited, "content/records/renamed.md")
    assert history(repo) == [
        f"content/records/renamed.md:{at(edited, 'summary: Fixed')}: error: published correction C1 was edited: its "
        "'summary' changed from 'Fixed a claim count.' to 'Fixed nothing.' [correction-edited]"]


def test_branch_made_before_a_later_correction_is_compared_with_its_merge_base(repo):
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, OTHER.replace("id: SRCH:0000BBBB", "id: SRCH:0000DDDD"), "content/records/new.md")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "add a record")
    git(repo, "checkout", "-q", "main")
    assert main(["correct", "rec", "--root", str(repo), "--kind", "erratum", "--summary", "Later.", "--date", "2026-07-20"]) == 0
    git(repo, "commit", "-q", "-am", "C3 on main")
    git(repo, "checkout", "-q", "feature")
    # The feature branch lacks C3 only because it branched off before C3 landed: not a removal.
    assert history(repo) == []


def test_uncommitted_changes_are_checked(repo):
    write(repo, PUBLISHED.replace("Fixed a claim count.", "Fixed it."))
    assert [line.rsplit(" [", 1)[1] for line in history(repo, "HEAD")] == ["correction-edited]"]


def test_github_format_annotates_the_line(repo, capsys):
    write(repo, PUBLISHED.replace("id: SRCH:0000AAAA", "id: SRCH:0000CCCC"))
    assert main(["check", "--root", str(repo), "--base", "main", "--format", "github"]) == 1
    assert f"::error file={F},line=3,col=5,title=id-changed::the id changed" in capsys.readouterr().out


def test_shallow_clone_without_the_base_says_what_to_fetch(repo, tmp_path):
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, PUBLISHED.replace("Fixed a claim count.", "Rewritten."))
    git(repo, "commit", "-q", "-am", "rewrite history")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch", "feature", repo.as_uri(), str(clone))
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    with pytest.raises(UsageError) as caught:
        check_history(load_config(clone), "origin/main")
    message = str(caught.value)
    assert "the base revision 'origin/main' is not in this clone" in message
    # The whole history: the comparison needs the merge base, which a depth-1 fetch of main would not bring.
    command = "git fetch --no-tags --unshallow origin main:refs/remotes/origin/main"
    assert command in message
    # The advice works: after exactly that fetch the comparison runs and finds the rewrite.
    git(clone, *command.split()[1:])
    assert [line.split(" [")[-1] for line in history(clone, "origin/main")] == ["correction-edited]"]


def test_shallow_clone_cli_exits_2_with_the_advice(repo, tmp_path, capsys):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth=1", repo.as_uri(), str(clone))
    assert main(["check", "--root", str(clone), "--base", "origin/gone"]) == 2
    assert "git fetch --no-tags --unshallow origin gone:refs/remotes/origin/gone" in capsys.readouterr().err


def test_outside_a_git_repository_is_a_clear_error(make_site):
    site = make_site({F: PUBLISHED}, with_layouts=False)
    with pytest.raises(UsageError, match="is not inside a git repository"):
        check_history(load_config(site), "main")


PROMOTED = record_with("review_score: 7.5", "review_score: 8.5", PUBLISHED).replace(
    "  source_grounded_claims: 3", "  source_grounded_claims: 12").replace(
    "  claim_lineage: 3", "  claim_lineage: 12").replace("  tier: watchlist", "  tier: flagship-candidate")


def test_diff_lists_added_corrected_retracted_and_badge_transitions(repo):
    write(repo, PROMOTED)
    assert main(["correct", "rec", "--root", str(repo), "--kind", "correction", "--summary", "Recounted the claims.",
                 "--field", "verification.source_grounded_claims", "--field", "provenance.claim_lineage",
                 "--date", "2026-07-20"]) == 0
    assert main(["correct", "other", "--root", str(repo), "--kind", "retraction", "--summary", "The sources were misread.",
                 "--date", "2026-07-21"]) == 0
    write(repo, record_with("id: SRCH:0000AAAA", "id: SRCH:0000DDDD", record_with("title: A valid record", "title: New one")),
          "content/records/new.md")
    summary = summarise_changes(load_config(repo), "main")
    text = format_text(summary)
    assert "  added      SRCH:0000DDDD content/records/new.md: New one" in text
    assert "  corrected  SRCH:0000AAAA content/records/rec.md: C3 correction (2026-07-20): Recounted the claims." in text
    assert "  badge      SRCH:0000AAAA tier watchlist -> flagship-candidate" in text
    assert "  badge      SRCH:0000BBBB corrections current -> retracted" in text
    assert "  edited     SRCH:0000AAAA review_score, tier.tier (not named by a new correction entry)" in text
    markdown = format_markdown(summary)
    assert "1 added · 2 corrected · 1 retracted, withdrawn or of concern · 2 badge change(s)" in markdown
    assert "| `SRCH:0000AAAA` A valid record | tier | `watchlist` | `flagship-candidate` |" in markdown
    assert "- `SRCH:0000BBBB` Another record: **retracted** (was current)" in markdown


def test_diff_markdown_makes_record_text_inert(repo):
    write(repo, PUBLISHED.replace("title: A valid record", "title: \"@admin see [x](https://evil.example) <b>|</b> #1\""))
    markdown = format_markdown(summarise_changes(load_config(repo), "main"))
    assert r"\@admin see \[x\](https://evil.example) \<b\>\|\</b\> \#1" in markdown
    assert "@admin see [" not in markdown


def test_diff_without_changes_says_so(repo, capsys):
    assert main(["diff", "--root", str(repo), "--base", "main", "--format", "markdown"]) == 0
    assert "No record changed." in capsys.readouterr().out


def test_edited_long_text_shows_where_it_differs(repo):
    long_text = "The review score was recomputed after a reviewer run used an outdated rubric; it changed from 7.9 to 8.4."
    write(repo, PUBLISHED.replace("summary: Fixed a claim count.", f"summary: {long_text}"))
    git(repo, "commit", "-q", "-am", "long summary")
    write(repo, PUBLISHED.replace("summary: Fixed a claim count.", f"summary: {long_text.replace('8.4', '8.5')}"))
    assert [line.split(" was edited: ")[1] for line in history(repo, "HEAD")] == [
        "its 'summary' changed from '...anged from 7.9 to 8.4.' to '...anged from 7.9 to 8.5.' "
        "[correction-edited]"]
