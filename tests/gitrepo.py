"""Real git repositories for the tests of `sitegen check --base` and `sitegen diff`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

# A fixed identity and no user or system configuration, so a developer's settings
# (signing, hooks, default branch) never change what a test sees.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    """Run git in repo and return its output; the test fails when git does."""
    done = subprocess.run(["git", "-C", str(repo), "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout


def publish(site: Path, message: str = "publish") -> Path:
    """Make site a git repository whose main branch holds everything in it."""
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", message)
    return site


def at(text: str, needle: str, nth: int = 1) -> str:
    """'line:col' of the nth occurrence of needle in text, both 1-based."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return f"{line}:{index - (text.rfind(chr(10), 0, index) + 1) + 1}"
