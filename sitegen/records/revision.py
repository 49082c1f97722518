"""The git side of `--base`: which commit to compare with, which files differ from it, and the files at it.

Git runs as a subprocess (`git rev-parse`, `git merge-base`, `git ls-tree`,
`git diff`, `git cat-file`); nothing here needs a network. When the clone
lacks what the comparison needs, the error says exactly what to fetch, rather
than comparing with something else and blaming the change for the difference.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from ..config import SiteConfig
from ..errors import UsageError

ACTIONS_ADVICE = "In GitHub Actions, check out with `fetch-depth: 0` (actions/checkout)."


def git(repo: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run git in repo; its output as bytes, never raising on a failed command."""
    try:
        return subprocess.run(["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise UsageError("--base compares with a git revision, but git is not installed (or not on PATH)") from None


def toplevel(config: SiteConfig) -> Path:
    """The top folder of the git work tree holding the site."""
    done = git(config.root, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise UsageError(f"{config.root} is not inside a git repository; --base compares the records with a git revision")
    return Path(done.stdout.decode().strip()).resolve()


def is_shallow(repo: Path) -> bool:
    """Whether the clone was fetched with a limited depth, so older commits are missing."""
    return git(repo, "rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"


def _remote_of(repo: Path, ref: str) -> tuple[str, str]:
    """(remote, branch) that ref names, e.g. origin/main -> (origin, main); branch is '' when ref names none."""
    remotes = sorted(set(git(repo, "remote").stdout.decode().split()))
    remote, _, branch = ref.removeprefix("refs/remotes/").partition("/")
    if remote in remotes and branch:
        return remote, branch
    return ("origin" if "origin" in remotes or not remotes else remotes[0]), ""


def fetch_advice(repo: Path, ref: str) -> str:
    """The command that makes ref available in this clone, as precisely as we can tell."""
    # The comparison needs the merge base as well as ref, so a shallow clone fetches the
    # whole history: a depth-1 fetch of ref alone would only move the problem.
    deep = "--unshallow " if is_shallow(repo) else ""
    remote, branch = _remote_of(repo, ref)
    if branch:
        return (f"    git fetch --no-tags {deep}{remote} {branch}:refs/remotes/{remote}/{branch}\n" + ACTIONS_ADVICE)
    if re.fullmatch(r"[0-9a-f]{7,40}", ref):
        return f"    git fetch --no-tags {deep}{remote} {ref}"
    return (f"    git fetch --no-tags {deep}{remote} {ref}:refs/remotes/{remote}/{ref}\n"
            f"and pass --base {remote}/{ref}")


def history_advice(repo: Path, ref: str) -> str:
    """The commands that bring a shallow clone's history back to the merge base."""
    remote, _ = _remote_of(repo, ref)
    return (f"    git fetch --no-tags --unshallow {remote}\n"
            f"(or, to fetch less of a very large repository: git fetch --no-tags --deepen=200 {remote}; "
            "repeat it until the check runs)\n" + ACTIONS_ADVICE)


def _named_parents(repo: Path, commit: str) -> list[str]:
    """The parents a commit object names, including those a shallow clone does not hold."""
    header = git(repo, "cat-file", "commit", commit).stdout.split(b"\n\n", 1)[0]
    return [line.split()[1].decode() for line in header.split(b"\n") if line.startswith(b"parent ")]


def resolve_base(repo: Path, ref: str) -> str:
    """The commit to compare with: the merge base of ref and HEAD.

    Comparing with the merge base keeps a branch made before another change landed
    on ref from looking as if it undid that change. Without one (a shallow clone,
    or histories that never met) this is an error, never a comparison with the tip
    of ref, which would blame the branch for everything ref gained since it branched.
    """
    if ref.startswith("-") or not ref.strip():
        raise UsageError(f"'{ref}' is not a git revision")
    done = git(repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if done.returncode != 0:
        raise UsageError(f"the base revision '{ref}' is not in this clone, so the correction history cannot be compared.\n"
                         f"Fetch it, then run the check again:\n{fetch_advice(repo, ref)}")
    commit = done.stdout.decode().strip()
    merge_base = git(repo, "merge-base", commit, "HEAD")
    if merge_base.returncode == 0 and merge_base.stdout.strip():
        return merge_base.stdout.decode().strip().split()[0]
    head = git(repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if head.returncode != 0:
        raise UsageError("there is no commit checked out (HEAD), so there is nothing to compare with "
                         f"'{ref}'; commit first, or check out the branch to check")
    if commit in _named_parents(repo, head.stdout.decode().strip()):
        # GitHub checks a pull request out as a merge commit whose first parent is the base
        # branch's tip; a depth-1 clone hides the parents, but the commit still names them.
        # A parent of HEAD is its own merge base with HEAD.
        return commit
    if is_shallow(repo):
        raise UsageError(
            f"this clone is shallow: it does not reach back to the commit where HEAD and '{ref}' meet (their merge "
            "base), so the correction history cannot be compared. Comparing with the tip of "
            f"'{ref}' instead would blame this change for everything '{ref}' gained since it branched.\n"
            f"Fetch the history, then run the check again:\n{history_advice(repo, ref)}")
    raise UsageError(f"HEAD and '{ref}' have no commit in common, so the correction history cannot be compared; "
                     "pass as --base the branch this one was made from, e.g. origin/main")


def changed_files(repo: Path, commit: str, folder: str) -> list[str]:
    """The files under folder (a path from the top of repo) whose content in the working tree differs from
    commit's: modified, deleted, added to the index or changed in kind, committed or not (`git diff`, which
    compares by content, as git's index knows it). Files git does not track are not among them."""
    done = git(repo, "diff", "--no-renames", "--no-ext-diff", "--name-only", "-z", commit, "--", f":(literal){folder}/")
    if done.returncode != 0:
        raise UsageError(f"git diff failed: {done.stderr.decode(errors='replace').strip()}")
    return [path for path in done.stdout.decode("utf-8", "replace").split("\0") if path]


def tree_files(repo: Path, commit: str, folder: str) -> list[tuple[str, str]]:
    """(path, mode) of every file under folder at commit, in git's order (sorted by path); mode 120000 is a
    symbolic link."""
    listed = git(repo, "ls-tree", "-r", "-z", commit, "--", folder + "/")
    if listed.returncode != 0:
        raise UsageError(f"git ls-tree failed: {listed.stderr.decode(errors='replace').strip()}")
    out = []
    for entry in listed.stdout.decode("utf-8", "replace").split("\0"):
        info, tab, path = entry.partition("\t")
        if tab:
            out.append((path, info.split(" ", 1)[0]))
    return out


def cat_files(repo: Path, objects: list[str]) -> list[bytes | None]:
    """The contents of many blobs with one `git cat-file --batch` (one process, not one per file); None where missing."""
    if not objects:
        return []
    done = git(repo, "cat-file", "--batch", stdin="".join(o + "\n" for o in objects).encode())
    out, pos, result = done.stdout, 0, []
    for _ in objects:
        header_end = out.index(b"\n", pos)
        header = out[pos:header_end].split()
        pos = header_end + 1
        if len(header) != 3:  # "<object> missing": nothing follows
            result.append(None)
            continue
        size = int(header[2])
        result.append(out[pos:pos + size] if header[1] == b"blob" else None)
        pos += size + 1  # the contents are followed by a newline
    return result
