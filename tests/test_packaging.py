"""The wheel: it holds every package and the one copy of the default look, and a plain install of it
makes, checks and builds a new registry, from a fresh virtual environment and away from this checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from sitegen import __version__

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_of_the_source_is_listed_for_the_wheel():
    """pyproject lists the packages by hand (package-dir maps the default look in): a new one must be added."""
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sitegen").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)


def test_the_default_look_has_one_copy_in_the_source():
    mapped = PYPROJECT["tool"]["setuptools"]["package-dir"]
    assert mapped["sitegen.defaults.layouts"] == "layouts" and mapped["sitegen.defaults.assets"] == "assets"
    for name in ("layouts", "assets", "requirements", "pages", "workflows"):
        assert not (ROOT / "sitegen" / "defaults" / name).exists(), f"a second copy: sitegen/defaults/{name}"


def _source_copy(dest: Path) -> Path:
    """The checkout's files as git sees them (committed or not, ignored ones left out): what a clone would build."""
    listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = ROOT / rel
        if source.is_file() and not rel.startswith(("tests/", "bench/")):
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    return dest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    source = _source_copy(base / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(base / "dist"), str(source)], check=True, capture_output=True, timeout=600)
    (built,) = (base / "dist").glob("*.whl")
    return built


def test_the_wheel_holds_the_default_look_the_starter_and_the_version(wheel):
    assert wheel.name == f"sitegen-{__version__}-py3-none-any.whl"
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("layouts", "assets"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                assert f"sitegen/defaults/{folder}/{path.relative_to(ROOT / folder).as_posix()}" in names
    for rel in ("sitegen/defaults/requirements/site.txt", "sitegen/defaults/pages/guide.md",
                "sitegen/defaults/workflows/check.yml", "sitegen/defaults/workflows/deploy.yml",
                "sitegen/starter/content/records/example-record.md", "sitegen/starter/README.md",
                "sitegen/starter/gitignore", "sitegen/starter/pre-commit-config.yaml",
                "sitegen/contracts/site-config.json", "sitegen/defaults/site.yaml"):
        assert rel in names, rel
    assert not any(n.startswith(("sitegen/defaults/requirements/test", "tests/", "layouts/")) for n in names)


def test_init_check_and_build_from_a_plain_install_of_the_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "--no-deps", "-r", str(ROOT / "requirements/site.txt")],
                   check=True, capture_output=True, timeout=600)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True, timeout=300)
    # Away from the checkout: nothing of it on the path, the current folder outside it.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    work = tmp_path / "work"
    work.mkdir()

    def sitegen(*args: str, cwd: Path = work) -> subprocess.CompletedProcess:
        done = subprocess.run(["sitegen", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    assert sitegen("--version").stdout == f"sitegen {__version__}\n"
    where = subprocess.run([str(python), "-c", "import sitegen.config as c; print(c.packaged_folder('layouts'))"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(where).is_relative_to(venv) and where.endswith("sitegen/defaults/layouts")
    sitegen("init", "reg", "--title", "Wheel Registry")
    reg = work / "reg"
    assert not (reg / "layouts").exists() and not (reg / "assets").exists()
    check = sitegen("check", cwd=reg)
    assert check.stdout == "" and "0 error(s), 0 warning(s)" in check.stderr
    sitegen("build", "--no-search", cwd=reg)
    record = (reg / "public/records/example-record.html").read_text()
    assert f'<meta name="generator" content="sitegen {__version__}">' in record
    index = (reg / "public/index.html").read_text()
    assert "Wheel Registry" in index and "records/example-record.html" in index
    assert (reg / "public/assets/site.css").read_bytes() == (ROOT / "assets/site.css").read_bytes()
    # The example site's pages, from the packaged templates: the same pages the repository's own site has.
    built = {p.relative_to(reg / "public").as_posix() for p in (reg / "public").rglob("*.html")}
    assert {"index.html", "404.html", "about.html", "guide.html", "statistics.html", "browse/index.html"} <= built
    statistics = (reg / "public/statistics.html").read_text()
    assert 'href="statistics.html"' in index and "statistics/records-over-time.svg" in statistics
    assert (reg / "public/statistics/records-over-time.svg").read_text().startswith("<svg")
    sitegen("build", cwd=reg)  # with the Pagefind index, as the deployment builds
    assert (reg / "public/pagefind/pagefind.js").is_file()


def test_the_changelogs_newest_release_is_this_version():
    import re

    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases, "CHANGELOG.md lists no release"
    assert releases[0][0] == __version__, "bump CHANGELOG.md and sitegen/__init__.py together"
    versions = [tuple(map(int, v.split("."))) for v, _ in releases]
    assert versions == sorted(versions, reverse=True) and len(set(versions)) == len(versions)
    assert PYPROJECT["project"]["dynamic"] == ["version"] and "version" not in PYPROJECT["project"]
