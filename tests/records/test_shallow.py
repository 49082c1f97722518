"""`check --base` in shallow clones: it compares with the merge base or stops and says what
to fetch, never blames a branch for what the base gained after it branched. Real git:
a scratch repository, depth-1 clones over file://, a branch made before main moved."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import VALID_RECORD, record_with
from gitrepo import git, publish

from sitegen.cli import main

OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))


@pytest.fixture
def origin(make_site) -> Path:
    """main publishes rec; feature adds a record; then main gains correction C1 of rec, which feature lacks."""
    site = publish(make_site({"content/records/rec.md": VALID_RECORD}, with_layouts=False))
    git(site, "checkout", "-q", "-b", "feature")
    (site / "content/records/other.md").write_text(OTHER, encoding="utf-8")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "add other")
    git(site, "checkout", "-q", "main")
    assert main(["correct", "rec", "--root", str(site), "--kind", "erratum", "--summary", "A typo.", "--date", "2026-07-20"]) == 0
    git(site, "commit", "-q", "-am", "C1 on main")
    return site


def check(clone: Path, capsys, base: str = "origin/main") -> tuple[int, str]:
    capsys.readouterr()
    status = main(["check", "--root", str(clone), "--base", base])
    return status, capsys.readouterr().err


def test_a_full_clone_compares_with_the_merge_base(origin, tmp_path, capsys):
    clone = tmp_path / "full"
    git(tmp_path, "clone", "-q", "--branch", "feature", origin.as_uri(), str(clone))
    status, err = check(clone, capsys)
    assert (status, err.splitlines()[-1].split(" in ")[0]) == (0, "checked 2 record file(s): 0 error(s), 0 warning(s)")


def test_a_depth_1_clone_says_the_merge_base_is_missing_instead_of_blaming_the_branch(origin, tmp_path, capsys):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(clone))
    git(clone, "fetch", "-q", "--no-tags", "--depth=1", "origin", "main:refs/remotes/origin/main")
    status, err = check(clone, capsys)
    assert status == 2
    assert "correction-removed" not in err
    assert err == (
        "sitegen: error: this clone is shallow: it does not reach back to the commit where HEAD and 'origin/main' meet "
        "(their merge base), so the correction history cannot be compared. Comparing with the tip of 'origin/main' "
        "instead would blame this change for everything 'origin/main' gained since it branched.\n"
        "Fetch the history, then run the check again:\n"
        "    git fetch --no-tags --unshallow origin\n"
        "(or, to fetch less of a very large repository: git fetch --no-tags --deepen=200 origin; repeat it until the "
        "check runs)\n"
        "In GitHub Actions, check out with `fetch-depth: 0` (actions/checkout).\n")
    # `sitegen diff` compares with the same commit, so it stops the same way.
    capsys.readouterr()
    assert main(["diff", "--root", str(clone), "--base", "origin/main"]) == 2
    assert "this clone is shallow" in capsys.readouterr().err


@pytest.mark.parametrize("fetch", ["--unshallow", "--deepen=200"])
def test_the_advised_fetch_makes_the_check_run(origin, tmp_path, capsys, fetch):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(clone))
    git(clone, "fetch", "-q", "--no-tags", "--depth=1", "origin", "main:refs/remotes/origin/main")
    git(clone, "fetch", "-q", "--no-tags", fetch, "origin")
    status, err = check(clone, capsys)
    assert (status, err.splitlines()[-1].split(" in ")[0]) == (0, "checked 2 record file(s): 0 error(s), 0 warning(s)")


def test_a_missing_base_in_a_shallow_clone_is_fetched_with_its_history(origin, tmp_path, capsys):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", origin.as_uri(), str(clone))
    status, err = check(clone, capsys)
    assert status == 2
    command = "git fetch --no-tags --unshallow origin main:refs/remotes/origin/main"
    assert f"\n    {command}\n" in err
    git(clone, *command.split()[1:])
    assert check(clone, capsys)[0] == 0


def pull_request_checkout(origin: Path, tmp_path: Path, depth: int) -> Path:
    """What actions/checkout does for a pull request: GitHub's merge commit of the branch into the
    base's tip (refs/pull/1/merge), fetched at a depth, then the base branch fetched at depth 1."""
    git(origin, "checkout", "-q", "--detach", "main")
    git(origin, "merge", "-q", "--no-ff", "-m", "Merge feature into main", "feature")
    git(origin, "update-ref", "refs/pull/1/merge", "HEAD")
    git(origin, "checkout", "-q", "main")
    ci = tmp_path / "ci"
    ci.mkdir()
    git(ci, "init", "-q")
    git(ci, "remote", "add", "origin", origin.as_uri())
    git(ci, "fetch", "-q", "--no-tags", f"--depth={depth}", "origin", "+refs/pull/1/merge:refs/remotes/pull/1/merge")
    git(ci, "checkout", "-q", "--detach", "refs/remotes/pull/1/merge")
    return ci


@pytest.mark.parametrize("depth", [1, 2])
def test_a_pull_request_merge_commit_needs_only_the_base_tip(origin, tmp_path, capsys, depth):
    # The merge commit's first parent is the base's tip, which is then its merge base with
    # the base: the depth-1 checkout and a depth-1 fetch of the base are enough.
    ci = pull_request_checkout(origin, tmp_path, depth)
    git(ci, "fetch", "-q", "--no-tags", "--depth=1", "origin", "main:refs/remotes/origin/main")
    status, err = check(ci, capsys)
    assert (status, err.splitlines()[-1].split(" in ")[0]) == (0, "checked 2 record file(s): 0 error(s), 0 warning(s)")


def test_a_pull_request_whose_base_moved_on_says_what_to_fetch(origin, tmp_path, capsys):
    ci = pull_request_checkout(origin, tmp_path, 1)
    # main gains a second correction after GitHub made the merge commit; comparing with main's
    # new tip would call that correction removed.
    assert main(["correct", "rec", "--root", str(origin), "--kind", "erratum", "--summary", "Another typo.",
                 "--date", "2026-07-21"]) == 0
    git(origin, "commit", "-q", "-am", "C2 on main")
    git(ci, "fetch", "-q", "--no-tags", "--depth=1", "origin", "main:refs/remotes/origin/main")
    status, err = check(ci, capsys)
    assert status == 2
    assert err.startswith("sitegen: error: this clone is shallow: it does not reach back to the commit where HEAD and "
                          "'origin/main' meet (their merge base)")
    assert "correction-removed" not in err


def test_histories_that_never_met_are_a_clear_error(origin, capsys):
    git(origin, "checkout", "-q", "--orphan", "unrelated")
    git(origin, "commit", "-q", "-m", "a fresh start")
    status, err = check(origin, capsys, "main")
    assert (status, err) == (2, "sitegen: error: HEAD and 'main' have no commit in common, so the correction history "
                                "cannot be compared; pass as --base the branch this one was made from, e.g. origin/main\n")


def test_a_missing_base_in_a_full_clone_is_fetched_without_a_depth(origin, tmp_path, capsys):
    clone = tmp_path / "single"
    git(tmp_path, "clone", "-q", "--single-branch", "--branch", "feature", origin.as_uri(), str(clone))
    status, err = check(clone, capsys)
    assert status == 2
    command = "git fetch --no-tags origin main:refs/remotes/origin/main"
    assert f"\n    {command}\n" in err
    git(clone, *command.split()[1:])
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "false"
    assert check(clone, capsys)[0] == 0
