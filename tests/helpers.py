"""Small helpers shared by the test modules."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sitegen.engine.pipeline import check
from sitegen.config import load_config
from sitegen.errors import format_text


def check_site(site: Path) -> list[str]:
    """Every diagnostic of a site as its formatted first line."""
    result = check(load_config(site))
    return [format_text(d).split("\n")[0] for d in result.diagnostics]


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> str:
    """Run git in repo with a fixed identity and no user or system configuration."""
    done = subprocess.run(["git", "-C", str(repo), "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    assert done.returncode == 0, done.stderr
    return done.stdout


def git_site(site: Path) -> Path:
    """site made a git repository whose main branch has one commit holding everything."""
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "publish")
    return site
