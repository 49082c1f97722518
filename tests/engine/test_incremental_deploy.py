"""Incremental deploys: a fresh clone (as on a CI runner) with the previous run's output and build cache
restored renders only the records that changed, and publishes what a clean build publishes."""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
from pathlib import Path

import yaml
from conftest import ROOT
from helpers import assert_same_as_clean, basic_site, build_cli as build, edit, reused

EDITED = "content/records/pending-lexicon-study.md"
UNCHANGED = ("arabic-ner-survey", "quokka-transfer-verified", "retracted-synthesis")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=Registry", "-c", "user.email=registry@example.org", *args], cwd=cwd,
                   check=True, capture_output=True, timeout=60)


def save_cache(work: Path, archive: Path) -> None:
    """What the deploy workflow's actions/cache step saves: the output folder and the cache beside it, as a tar."""
    with tarfile.open(archive, "w") as tar:
        for name in ("public", ".public.cache"):
            tar.add(work / name, arcname=name)


def restore_cache(archive: Path, work: Path) -> None:
    """What it restores on the next runner: new files (new inodes), the archive's modification times."""
    with tarfile.open(archive) as tar:
        tar.extractall(work, filter="tar")


def test_a_fresh_clone_with_the_restored_output_and_cache_renders_only_the_changed_record(tmp_path):
    repo = basic_site(tmp_path / "repo")
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "The registry", cwd=repo)

    # First deploy: a fresh runner, nothing restored.
    first = tmp_path / "run1"
    git("clone", "-q", str(repo), str(first), cwd=tmp_path)
    log = build(first, first / "public")
    assert reused(log) == 0
    save_cache(first, tmp_path / "cache.tar")

    # A change is merged; the next deploy runs on another fresh runner.
    edit(repo / EDITED, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
    git("commit", "-qam", "Correct a title", cwd=repo)
    second = tmp_path / "run2"
    git("clone", "-q", str(repo), str(second), cwd=tmp_path)
    restore_cache(tmp_path / "cache.tar", second)
    restored = {slug: os.stat(second / "public" / "records" / f"{slug}.html").st_ino for slug in (*UNCHANGED, "pending-lexicon-study")}

    log = build(second, second / "public")
    assert reused(log) == 3, log
    assert "rendering records: 1/1" in log
    assert "indexing 4 record(s) with Pagefind" in log  # a title changed: its words did too
    # The unchanged records' pages are the restored files themselves, linked; the changed one is new.
    after = {slug: os.stat(second / "public" / "records" / f"{slug}.html").st_ino for slug in restored}
    assert [slug for slug in restored if after[slug] == restored[slug]] == list(UNCHANGED)
    assert_same_as_clean(second, second / "public", tmp_path)

    # Nothing changed at all: every record and the search index come from the previous run.
    save_cache(second, tmp_path / "cache2.tar")
    third = tmp_path / "run3"
    git("clone", "-q", str(repo), str(third), cwd=tmp_path)
    restore_cache(tmp_path / "cache2.tar", third)
    log = build(third, third / "public")
    assert reused(log) == 4 and "search index unchanged: taken from the previous build" in log
    assert_same_as_clean(third, third / "public", tmp_path)


def test_the_deploy_workflow_restores_the_output_and_cache_of_main_only():
    text = (ROOT / ".github/workflows/deploy.yml").read_text()
    steps = [s for job in yaml.safe_load(text)["jobs"].values() for s in job.get("steps", [])]
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in steps]
    cache = steps[names.index("actions/cache")]
    assert names.index("actions/cache") < names.index("Build the site")
    # Pinned to a full commit, its release named beside it.
    assert re.search(r"uses: actions/cache@[0-9a-f]{40} # v\d+\.\d+\.\d+\n", text)
    # The output the build writes, and the cache beside it, travel together.
    assert "--output public" in steps[names.index("Build the site")]["run"]
    assert cache["with"]["path"].split() == ["public", ".public.cache"]
    # Saved under the ref it was made on; restored only from main's.
    assert "${{ github.ref }}" in cache["with"]["key"] and "${{ github.sha }}" in cache["with"]["key"]
    restore = [line.strip() for line in cache["with"]["restore-keys"].splitlines() if line.strip()]
    assert restore and all(key.endswith("-refs/heads/main-") for key in restore)
    assert cache["with"]["key"].startswith(restore[0][: -len("refs/heads/main-")])
