"""Small helpers shared by the test modules."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from sitegen.engine.pipeline import check
from sitegen.config import load_config
from sitegen.errors import format_text


def check_site(site: Path) -> list[str]:
    """Every diagnostic of a site as its formatted first line."""
    result = check(load_config(site))
    return [format_text(d).split("\n")[0] for d in result.diagnostics]


# ---- whole builds through the command line, for the build cache's tests ----

BASIC = Path(__file__).parent / "sites" / "basic"
CACHE_LINE = re.compile(r"^sitegen: the build cache (\S+) could not be used \((.+)\); rebuilding every record$", re.M)


def basic_site(folder: Path) -> Path:
    """A copy of tests/sites/basic with the project's layouts and assets, at folder."""
    from conftest import ROOT

    shutil.copytree(BASIC, folder)
    for name in ("layouts", "assets"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


def build_cli(site: Path, out: Path, *extra: str) -> str:
    """Build with `python -m sitegen build`; its stderr (the progress and summary), after asserting it succeeded."""
    from conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), *extra],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stderr


def build_killed_when(site: Path, out: Path, ready: Callable[[], bool], *extra: str) -> None:
    """Start `sitegen build` and kill it (SIGKILL) the moment ready() holds; asserts it was killed, not finished."""
    from conftest import ROOT

    process = subprocess.Popen([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out),
                                *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, killed = time.monotonic() + 120, False
    while process.poll() is None and time.monotonic() < deadline:
        if ready():
            process.send_signal(signal.SIGKILL)
            killed = True
            break
        time.sleep(0.001)
    process.wait(timeout=60)
    assert killed and process.returncode == -signal.SIGKILL, "the build finished before it could be killed"


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder: relative path -> sha256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def generated_site(folder: Path, records: int) -> Path:
    """bench/generate.py's corpus of that many records at folder/site, with the project's layouts, assets and pages."""
    from conftest import ROOT

    site = folder / "site"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(records), str(site)], check=True,
                   capture_output=True)
    for name in ("layouts", "assets", "content/pages"):
        shutil.copytree(ROOT / name, site / name)
    return site


def reused(log: str) -> int:
    """How many records a build took from the previous one, from its progress line."""
    for line in log.splitlines():
        if line.endswith("unchanged record(s) taken from the previous build"):
            return int(line.split()[0])
    return 0


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first old with new in a text file, asserting old is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def assert_same_as_clean(site: Path, out: Path, tmp_path: Path, *extra: str) -> None:
    """out holds exactly what a build without any cache makes, byte for byte."""
    clean = tmp_path / "clean"
    shutil.rmtree(clean, ignore_errors=True)
    build_cli(site, clean, "--no-cache", *extra)
    got, want = tree(out), tree(clean)
    differ = sorted(p for p in got.keys() | want.keys() if got.get(p) != want.get(p))
    assert not differ, f"{len(differ)} file(s) differ from a clean build's: " + ", ".join(
        f"{p} ({'extra' if p not in want else 'missing' if p not in got else 'other bytes'})" for p in differ[:8])
