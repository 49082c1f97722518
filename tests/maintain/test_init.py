"""sitegen init: a new registry that checks and builds, refusing a folder that holds anything."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from sitegen import __version__
from sitegen.cli import main
from sitegen.config import load_config
from sitegen.maintain.starter import UNKNOWN_REPOSITORY, commented_site_yaml, registry_workflow

SCHEMA = json.loads((ROOT / "sitegen/contracts/site-config.json").read_text())
DEFAULTS = yaml.safe_load((ROOT / "sitegen/defaults/site.yaml").read_text())


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=300,
                          cwd=cwd)


def uncommented(text: str) -> str:
    """site.yaml with every commented-out setting restored: the '#' right before a key goes, '# ' stays."""
    return re.sub(r"^#(?=\s*[A-Za-z0-9_-]+:)", "", text, flags=re.M)


def test_init_writes_a_registry_that_checks_clean(tmp_path, capsys):
    assert main(["init", str(tmp_path / "reg"), "--title", "Test: Registry"]) == 0
    out = capsys.readouterr().out
    reg = tmp_path / "reg"
    written = sorted(p.relative_to(reg).as_posix() for p in reg.rglob("*") if p.is_file())
    assert written == [".github/workflows/check.yml", ".github/workflows/deploy.yml", ".gitignore",
                       ".pre-commit-config.yaml", "README.md", "content/pages/about.md", "content/pages/guide.md",
                       "content/records/example-record.md", "requirements.txt", "site.yaml"]
    assert out.startswith(f"created a registry in ") and f"with sitegen {__version__}:\n  site.yaml\n" in out
    done = run("check", "--root", str(reg))
    assert done.returncode == 0, done.stdout
    assert done.stdout == "" and "0 error(s), 0 warning(s)" in done.stderr  # clean: not even a warning
    assert load_config(reg).title == "Test: Registry"
    record = (reg / "content/records/example-record.md").read_text()
    assert re.search(r"^id: SRCH:[0-9A-F]{8} ", record, re.M) and "submitted: 2026-12-01\n" in record
    assert 'publisher: "Test: Registry"' in record


def test_the_commented_site_yaml_names_every_setting_of_the_contract_at_its_default():
    text = commented_site_yaml("A registry")
    assert yaml.safe_load(text) == {"title": "A registry"}  # everything else is commented out
    restored = yaml.safe_load(uncommented(text))
    assert restored == {**DEFAULTS, "title": "A registry"}
    assert set(restored) == set(SCHEMA["properties"])
    for block, node in SCHEMA["properties"].items():
        for key in node.get("properties", {}):  # the settings inside a block of settings (limits)
            assert key in restored[block], f"{block}.{key}"
    # Every setting is explained: each top-level key has a comment line right above it.
    lines = text.split("\n")
    for key in SCHEMA["properties"]:
        at = next(i for i, line in enumerate(lines) if re.match(rf"#?{key}:", line))
        assert lines[at - 1].startswith("# "), key


def test_init_refuses_a_folder_that_holds_anything(tmp_path, capsys):
    reg = tmp_path / "reg"
    reg.mkdir()
    (reg / "notes.txt").write_text("mine\n")
    assert main(["init", str(reg)]) == 2
    assert "is not empty (it holds notes.txt)" in capsys.readouterr().err
    assert main(["init", "--force", str(reg)]) == 2
    assert "--force only allows an empty git repository" in capsys.readouterr().err
    assert sorted(p.name for p in reg.iterdir()) == ["notes.txt"]  # nothing written


def test_init_makes_the_registry_in_an_empty_git_repository_only_with_force(tmp_path, capsys):
    reg = tmp_path / "reg"
    subprocess.run(["git", "init", "-q", str(reg)], check=True)
    assert main(["init", str(reg)]) == 2
    assert "is a git repository with nothing else in it; to make the registry there, pass --force" in capsys.readouterr().err
    assert [p.name for p in reg.iterdir()] == [".git"]
    assert main(["init", "--force", str(reg)]) == 0
    assert (reg / "site.yaml").is_file() and (reg / ".git").is_dir()
    (reg / "public").mkdir()
    (reg / "public" / "index.html").write_text("built\n")
    (reg / ".public.cache").write_text("cache\n")
    status = subprocess.run(["git", "-C", str(reg), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    assert "content/records/example-record.md" in status and "public" not in status  # the output is ignored


def test_the_workflows_and_pre_commit_install_the_running_version(tmp_path, capsys):
    assert main(["init", str(tmp_path / "reg"), "--sitegen-repository", "https://git.example.org/sitegen.git"]) == 0
    reg = tmp_path / "reg"
    hooks = yaml.safe_load((reg / ".pre-commit-config.yaml").read_text())
    assert hooks["repos"] == [{"repo": "https://git.example.org/sitegen.git", "rev": f"v{__version__}",
                               "hooks": [{"id": "sitegen-check"}]}]
    for name in ("check.yml", "deploy.yml"):
        workflow = yaml.safe_load((reg / ".github/workflows" / name).read_text())
        runs = "\n".join(step.get("run", "") for job in workflow["jobs"].values() for step in job.get("steps", []))
        assert "pip install --require-hashes --no-deps -r requirements.txt" in runs
        assert f'"sitegen @ git+https://git.example.org/sitegen.git@v{__version__}"' in runs
        assert "build.py" not in runs and "requirements/" not in runs
    assert "sitegen build --base-url" in (reg / ".github/workflows/deploy.yml").read_text()
    assert (reg / "requirements.txt").read_text().endswith((ROOT / "requirements/site.txt").read_text())
    assert f"git+https://git.example.org/sitegen.git@v{__version__}" in (reg / "README.md").read_text()
    assert "placeholder" not in capsys.readouterr().err


def test_without_a_known_repository_init_says_the_placeholder_must_be_replaced(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("sitegen.maintain.starter.source_repository", lambda: None)
    assert main(["init", str(tmp_path / "reg")]) == 0
    assert f"install sitegen from {UNKNOWN_REPOSITORY}, a placeholder" in capsys.readouterr().err
    assert UNKNOWN_REPOSITORY in (tmp_path / "reg/.pre-commit-config.yaml").read_text()


def test_a_change_to_the_install_step_upstream_fails_loudly():
    with pytest.raises(AssertionError):
        registry_workflow("steps:\n  - run: pip install sitegen\n", "https://x.example/s.git", "1.0.0")
