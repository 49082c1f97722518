"""`sitegen serve`: a real server on a free loopback port, real edits, a real browser that reloads by itself."""

from __future__ import annotations

import hashlib
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from browser import browser_page
from conftest import ROOT

BASIC = Path(__file__).parent.parent / "sites" / "basic"
RECORD = "content/records/pending-lexicon-study.md"
PAGE = "records/pending-lexicon-study.html"
OLD_TITLE = "Bilingual Lexicons as Anchors for Zero-Shot Entity Transfer"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site(tmp_path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    return site


class Server:
    """`sitegen serve` in a subprocess; its stderr is collected as it runs."""

    def __init__(self, site: Path, *extra: str):
        self.process = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--root", str(site), "--port", "0", *extra],
                                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)
        self.lines: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            match = re.search(r"serving the site at (http://\S+)", line)
            if match:
                self.url = match.group(1)
                self.lines.append(self.process.stderr.readline().rstrip("\n"))  # who can reach it
                # Keep reading, so the server never blocks on a full pipe.
                self.reader = threading.Thread(target=self._drain, daemon=True)
                self.reader.start()
                return
        raise AssertionError("the server did not start:\n" + "\n".join(self.lines))

    def _drain(self) -> None:
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(timeout=10)
        return code


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_edits_reload_the_open_page_and_errors_show_over_it(site):
    server = Server(site)
    try:
        assert "only this computer can open it (bound to the loopback address)" in server.lines
        with browser_page() as (page, errors):
            page.goto(server.url + PAGE)
            assert page.text_content("h1") == OLD_TITLE
            # A good edit: the page reloads by itself and shows it.
            edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
            page.wait_for_function("() => document.querySelector('h1').textContent.includes('Firm Anchors')", timeout=15000)
            # A broken edit: an overlay names the file and line; the last good page stays.
            edit(site / RECORD, "verification:\n", "review_score: 70\nverification:\n")
            overlay = page.locator("#sitegen-error-overlay")
            overlay.wait_for(timeout=15000)
            line = (site / RECORD).read_text().splitlines().index("review_score: 70") + 1
            assert f"{RECORD}:{line}:15: error: 'review_score' must be at most 10" in overlay.text_content()
            assert "Firm Anchors" in page.text_content("h1")
            # Fixing it clears the overlay and shows the fixed page.
            edit(site / RECORD, "review_score: 70\n", "review_score: 7\n")
            overlay.wait_for(state="detached", timeout=15000)
            page.wait_for_function("() => document.body.textContent.includes('7.00/10')", timeout=15000)
            assert errors == []
    finally:
        assert server.stop() == 0
    assert "stopped" in server.lines


def test_the_incremental_result_equals_a_clean_build(site, tmp_path):
    server = Server(site)
    try:
        edit(site / RECORD, "Bilingual Lexicons as Anchors", "Bilingual Lexicons as Firm Anchors")
        clean = tmp_path / "clean"
        done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(clean),
                               "--no-cache"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        expected = tree(clean)
        deadline = time.monotonic() + 60  # the search index is rebuilt in the background
        while tree(site / "public") != expected and time.monotonic() < deadline:
            time.sleep(0.2)
        assert tree(site / "public") == expected
    finally:
        server.stop()


def test_a_port_in_use_is_a_clear_error(site):
    server = Server(site)
    try:
        port = server.url.rsplit(":", 1)[1].strip("/")
        done = subprocess.run([sys.executable, "-m", "sitegen", "serve", "--root", str(site), "--port", port],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert f"port {port} on 127.0.0.1 is already in use" in done.stderr and "Traceback" not in done.stderr
    finally:
        server.stop()
