#!/usr/bin/env python3
"""Time from saving a record to the open browser showing it, with `sitegen serve`.

    python bench/serve_latency.py --n 1000 10000 [--edits 5]

For each size: generate the corpus (bench/generate.py), start `sitegen serve`
on a free loopback port, open one record page in Debian's Chromium, then edit
that record's title several times. Each figure is the wall time from the
write of the file to the reloaded page showing the new title: watcher,
debounce, rebuild, reload and render together. Edits are spaced so that the
background search re-index of one edit does not overlap the next edit.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "tests"))

from generate import generate_site  # noqa: E402

from browser import browser_page  # noqa: E402


def measure(n: int, edits: int, gap: float, search: bool) -> list[float]:
    work = Path(tempfile.mkdtemp(prefix=f"serve-latency-{n}-"))
    try:
        site = work / "site"
        generate_site(site, n)
        for name in ("layouts", "assets"):
            (site / name).symlink_to(REPO / name)
        record = sorted((site / "content" / "records").glob("*.md"))[n // 2]
        args = [sys.executable, "-m", "sitegen", "serve", "--root", str(site), "--port", "0"]
        if not search:
            args.append("--no-search")
        log = open(work / "serve.log", "w")
        server = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=REPO)
        try:
            url = None
            while url is None:
                line = server.stderr.readline()
                if not line:
                    raise SystemExit("the server stopped before it was ready")
                found = re.search(r"serving the site at (http://\S+)", line)
                url = found.group(1) if found else None
            # Keep draining the server's messages (its warnings on every rebuild), or it blocks once the pipe is full.
            threading.Thread(target=lambda: [log.write(line) for line in server.stderr], daemon=True).start()
            time.sleep(gap)  # let the first search index finish
            figures = []
            with browser_page() as (page, _errors):
                page.goto(url + "records/" + record.stem + ".html")
                title = page.text_content("h1")
                anchor = title.split()[0]  # the title's first word, wherever YAML put it (plain, quoted, folded)
                for i in range(edits):
                    text = record.read_text(encoding="utf-8")
                    marker = f"Edit{i}x"
                    head, rest = text.split("\ntitle:", 1)
                    new = head + "\ntitle:" + rest.replace(anchor, f"{marker} {anchor}", 1)
                    started = time.perf_counter()
                    record.write_text(new, encoding="utf-8")
                    page.wait_for_function(f"() => document.querySelector('h1').textContent.includes('{marker}')",
                                           timeout=120_000)
                    figures.append(time.perf_counter() - started)
                    time.sleep(gap)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="site sizes (default: 1000 10000)")
    parser.add_argument("--edits", type=int, default=5, help="edits per size (default: 5)")
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between edits (default: 3)")
    parser.add_argument("--no-search", action="store_true", help="serve without the Pagefind index")
    args = parser.parse_args()
    print(f"save-to-reload latency of `sitegen serve` ({'no search index' if args.no_search else 'with search index'})")
    for n in args.n:
        figures = measure(n, args.edits, args.gap, not args.no_search)
        print(f"{n:>6} records: median {statistics.median(figures):.3f} s, "
              f"min {min(figures):.3f} s, max {max(figures):.3f} s over {len(figures)} edits")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
