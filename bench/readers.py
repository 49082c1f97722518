"""What a reader's browser pays on a large registry: page loads, searches, filters, heap, bytes.

    python bench/readers.py --n 10000            # generate, build with search, measure
    python bench/readers.py --n 10000 --reuse    # measure the build left in bench/out/readers-N/
    python bench/readers.py --n 100000 --build-only   # build now, measure later (on a quiet machine) with --reuse

For each of http (a local server) and file:// it opens index.html in Debian's
Chromium and measures, over --runs rounds (the median is reported):
  load      navigation start to the load event of index.html
  search    from typing a word (one second after clicking into the box, when the
            page starts loading the engine) to the results shown
  filter    from choosing a filter value to the results shown
  heap      JS heap in use after the search and the filter
  ranked    the same search for a rarer word (1-2 % of the records), alone: over HTTP the
            word Pagefind ranks, where the first word may have more matches than
            limits.search_rank_limit and be answered by the offline index (the engine is reported)
  bytes     bytes the page fetched for the search and the filter (over HTTP what
            the server sent, and what a host that gzips text would send; from disk
            the size of every file loaded)
and from the output: the index page's size, the largest HTML page, the largest
script, and the build's time and peak memory (whole process tree, search index
included). Results go to bench/out/readers-N.json and a table on stdout.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from browser import _QuietHandler, browser_page, serve_folder  # noqa: E402

WORDS = ["transfer", "kazakh", "sandbox", "adapter"]  # one per round, so no round reuses another's cache
# Words in about 1-2 % of the generated records: fewer matches than limits.search_rank_limit (5,000) even
# at 100,000 records, so a served search ranks them with Pagefind (the words above match 15-99 %).
RANKED_WORDS = ["grounding", "concerns", "central", "citation"]
FILTER = ("#finder-gate", "verified")


def build(n: int, work: Path) -> dict:
    site = work / "site"
    if work.exists():
        shutil.rmtree(work)
    subprocess.run([sys.executable, str(REPO / "bench/generate.py"), str(n), str(site)], check=True, capture_output=True)
    for folder in ("layouts", "assets", "content/pages"):
        shutil.copytree(REPO / folder, site / folder)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(work / "www"),
                           "--no-cache"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(done.stderr[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return {"build_s": round(elapsed, 1), "build_peak_bytes": peak}


class _Counting(_QuietHandler):
    """Serves the folder and counts the bytes of every file it sends (Pagefind fetches from a worker,
    which the page's own network events do not see). Uncompressed: a real host's gzip sends less."""

    served = 0
    gzipped = 0  # what a host that gzips text would send (Pagefind's own files are gzip already)

    def copyfile(self, source, outputfile) -> None:  # noqa: ANN001 - the stdlib's signature
        data = source.read()
        type(self).served += len(data)
        type(self).gzipped += len(data) if data[:2] == b"\x1f\x8b" else len(gzip.compress(data, 6))
        outputfile.write(data)


def wait_shown(page, before: str | None) -> None:
    page.wait_for_function("before => { const f = document.getElementById('finder');"
                           " return f.dataset.shown !== before && !f.hasAttribute('aria-busy'); }", arg=before,
                           timeout=180_000)  # a miss is measured, not cut off


def measure(base: str, out: Path, word: str, filter_too: bool = True) -> dict:
    from_disk = base.startswith("file:")
    with browser_page() as (page, errors):
        client = page.context.new_cdp_session(page)
        loaded: list[str] = []
        page.on("requestfinished", lambda r: loaded.append(r.url))
        page.goto(base + "index.html", wait_until="load")
        load_ms = page.evaluate("() => performance.getEntriesByType('navigation')[0].loadEventEnd")
        page.wait_for_function("() => document.getElementById('finder').dataset.ready === 'true'")
        _Counting.served = _Counting.gzipped = 0
        loaded.clear()
        # A reader clicks into the box, then types: the page starts loading the search engine on focus.
        page.focus("#finder-q")
        page.wait_for_timeout(1000)
        before = page.get_attribute("#finder", "data-shown")
        started = time.perf_counter()
        page.fill("#finder-q", word)
        wait_shown(page, before)
        search_ms = (time.perf_counter() - started) * 1000 - 160  # site.js waits 160 ms for the typing to pause
        engine = page.get_attribute("#finder", "data-engine")
        filter_ms = 0.0
        if filter_too:
            before = page.get_attribute("#finder", "data-shown")
            started = time.perf_counter()
            page.select_option(*FILTER)
            wait_shown(page, before)
            filter_ms = (time.perf_counter() - started) * 1000
        heap = client.send("Runtime.getHeapUsage")["usedSize"]
        if from_disk:
            paths = [Path(u.removeprefix("file://")) for u in loaded if u.startswith("file://")]
            bytes_fetched = sum(p.stat().st_size for p in paths if p.is_file())
            gzip_bytes = bytes_fetched
        else:
            bytes_fetched = _Counting.served
            gzip_bytes = _Counting.gzipped
        status = page.text_content("#finder-count")
        return {"load_ms": round(load_ms), "search_ms": round(search_ms), "filter_ms": round(filter_ms),
                "heap_bytes": heap, "query_bytes": bytes_fetched, "query_gzip_bytes": gzip_bytes, "status": status,
                "engine": engine, "errors": errors}


def largest(out: Path, suffix: str) -> tuple[int, str]:
    size, path = max((p.stat().st_size, p) for p in out.rglob(f"*{suffix}"))
    return size, path.relative_to(out).as_posix()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="measure the build already in bench/out/readers-N/")
    parser.add_argument("--build-only", action="store_true", help="generate and build, record the build's figures, stop")
    args = parser.parse_args()
    work = REPO / "bench/out" / f"readers-{args.n}"
    report = REPO / "bench/out" / f"readers-{args.n}.json"
    result: dict = {"records": args.n, "date": time.strftime("%Y-%m-%d"), "cpus": os.cpu_count()}
    if not args.reuse:
        result.update(build(args.n, work))
    elif report.is_file():  # keep the figures of the build being measured
        earlier = json.loads(report.read_text())
        result.update({key: earlier[key] for key in ("build_s", "build_peak_bytes") if key in earlier})
    if args.build_only:
        report.parent.mkdir(exist_ok=True)
        report.write_text(json.dumps(result, indent=2))
        print(f"build with search: {result['build_s']} s, peak {result['build_peak_bytes'] / 2**20:.0f} MiB")
        return 0
    out = work / "www"
    result["index_html_bytes"] = (out / "index.html").stat().st_size
    result["largest_html"] = largest(out, ".html")
    result["largest_script"] = largest(out, ".js")
    with serve_folder(out, _Counting) as http_base:
        for where, base in (("http", http_base), ("file", out.resolve().as_uri() + "/")):
            rounds = [measure(base, out, WORDS[i % len(WORDS)]) for i in range(args.runs)]
            result[where] = {key: statistics.median(r[key] for r in rounds) for key in
                             ("load_ms", "search_ms", "filter_ms", "heap_bytes", "query_bytes", "query_gzip_bytes")}
            result[where]["max_query_bytes"] = max(r["query_bytes"] for r in rounds)
            result[where]["example"] = rounds[0]["status"]
            result[where]["engines"] = sorted({r["engine"] for r in rounds})
            result[where]["errors"] = sorted({e for r in rounds for e in r["errors"]})
            # A rarer word, alone: over HTTP the one Pagefind ranks.
            rounds = [measure(base, out, RANKED_WORDS[i % len(RANKED_WORDS)], filter_too=False) for i in range(args.runs)]
            result[where + "_ranked"] = {key: statistics.median(r[key] for r in rounds) for key in
                                         ("search_ms", "heap_bytes", "query_bytes", "query_gzip_bytes")}
            result[where + "_ranked"]["max_query_bytes"] = max(r["query_bytes"] for r in rounds)
            result[where + "_ranked"]["engines"] = sorted({r["engine"] for r in rounds})
            result[where + "_ranked"]["example"] = rounds[0]["status"]
            result[where]["errors"] += sorted({e for r in rounds for e in r["errors"]})
    report.parent.mkdir(exist_ok=True)
    report.write_text(json.dumps(result, indent=2))
    print(f"{args.n:,} records, {result['cpus']} CPUs, {result['date']}")
    if "build_s" in result:
        print(f"build with search: {result['build_s']} s, peak {result['build_peak_bytes'] / 2**20:.0f} MiB")
    print(f"index.html {result['index_html_bytes'] / 1024:.0f} KB; largest page {result['largest_html'][0] / 1024:.0f} KB "
          f"({result['largest_html'][1]}); largest script {result['largest_script'][0] / 1024:.0f} KB ({result['largest_script'][1]})")
    print("| | load | search | filter | JS heap | bytes per query (max) | gzip-served |  (engines: "
          + ", ".join(f"{w} {'/'.join(result[w]['engines'])}" for w in ("http", "file")) + ")")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for where in ("http", "file"):
        r = result[where]
        print(f"| {where} | {r['load_ms']:.0f} ms | {r['search_ms']:.0f} ms | {r['filter_ms']:.0f} ms | "
              f"{r['heap_bytes'] / 2**20:.1f} MB | {r['query_bytes'] / 1024:.0f} KB ({r['max_query_bytes'] / 1024:.0f} KB) | "
              f"{r['query_gzip_bytes'] / 1024:.0f} KB |")
        q = result[where + "_ranked"]
        print(f"| {where}, a rarer word ({'/'.join(q['engines'])}) | | {q['search_ms']:.0f} ms | | "
              f"{q['heap_bytes'] / 2**20:.1f} MB | {q['query_bytes'] / 1024:.0f} KB ({q['max_query_bytes'] / 1024:.0f} KB) | "
              f"{q['query_gzip_bytes'] / 1024:.0f} KB |")
        if r["errors"]:
            print(f"  console errors over {where}: {r['errors']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
