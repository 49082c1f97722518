"""The package's layers (pyproject.toml, [tool.importlinter]) hold, and a wrong-way import fails them by name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}  # grimp imports the package it analyses from here
    return subprocess.run([str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")],
                          capture_output=True, text=True, cwd=root, env=env, timeout=120)


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sitegen", tmp_path / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_layers_hold():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_a_wrong_way_import_fails_naming_both_modules(tmp_path):
    root = copy_of_the_package(tmp_path)
    load = root / "sitegen/records/load.py"
    # Reading records must never depend on how they are rendered.
    load.write_text(load.read_text() + "\nfrom ..site.render import template_env  # noqa: E402\n")
    done = lint(root)
    assert done.returncode == 1, done.stdout
    assert "1 kept, 1 broken" in done.stdout
    assert "sitegen.records.load -> sitegen.site.render" in done.stdout


def test_the_model_imports_nothing_of_sitegen(tmp_path):
    root = copy_of_the_package(tmp_path)
    model = root / "sitegen/model.py"
    model.write_text(model.read_text() + "\nfrom .errors import SitegenError  # noqa: E402\n")
    done = lint(root)
    assert done.returncode == 1
    assert "sitegen.model -> sitegen.errors" in done.stdout
