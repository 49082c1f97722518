"""The index of a registry too large for one page, in a real browser, served and from disk.

A few thousand generated records (bench/generate.py), built once with the real
Pagefind index: many listing pages, many chunks of the offline index. What the
page shows is checked against what Python computes from the records.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from browser import browser_page, serve_folder
from conftest import ROOT

from sitegen.config import load_config
from sitegen.engine.pipeline import build

RECORDS = 2000
UNIQUE_WORD = "quorblefrith"  # written into one report body below, and nowhere else


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """The generated records, with one word written into one report body, and what Python reads of them."""
    base = tmp_path_factory.mktemp("scale")
    site = base / "site"
    subprocess.run([sys.executable, str(ROOT / "bench/generate.py"), str(RECORDS), str(site)], check=True,
                   capture_output=True, timeout=600)
    for folder in ("layouts", "assets", "content/pages"):
        shutil.copytree(ROOT / folder, site / folder)
    files = sorted((site / "content/records").glob("*.md"))
    assert len(files) == RECORDS
    chosen = files[len(files) // 3]
    chosen.write_text(chosen.read_text() + f"\nOne later study calls this the {UNIQUE_WORD} effect.\n")
    records = []
    for path in files:
        front = yaml.safe_load(path.read_text().split("\n---\n")[0].removeprefix("---\n"))
        records.append({"url": f"records/{path.stem}.html", "title": front["title"], "date": str(front["submitted"]),
                         "score": front.get("review_score"), "level": front["verification"]["level"],
                         "gate": front["gate"]["status"], "tier": front["tier"]["tier"],
                         "language": front.get("language", "en")})
    # The index's order: newest first, then by title, then by file name.
    records.sort(key=lambda r: (-dt.date.fromisoformat(r["date"]).toordinal(), r["title"].casefold(), r["url"]))
    return {"base": base, "site": site, "records": records, "unique": f"records/{chosen.stem}.html"}


def built(corpus: dict, name: str, shard_size: int | None = None, rank_limit: int | None = None) -> Path:
    site = corpus["base"] / f"site-{name}"
    shutil.copytree(corpus["site"], site)
    limits = ([f"  search_shard_size: {shard_size}"] if shard_size else []) + ([f"  search_rank_limit: {rank_limit}"]
                                                                             if rank_limit is not None else [])
    if limits:
        (site / "site.yaml").write_text("limits:\n" + "\n".join(limits) + "\n")
    out = corpus["base"] / f"www-{name}"
    assert build(load_config(site, output_dir=out), search=True).ok
    return out


@pytest.fixture(scope="module")
def registry(corpus) -> dict:
    """The corpus built with the default settings: one Pagefind bundle."""
    return {**corpus, "out": built(corpus, "one-bundle")}


@pytest.fixture(scope="module")
def http_base(registry):
    with serve_folder(registry["out"]) as base:
        yield base


@pytest.fixture(scope="module")
def file_base(registry) -> str:
    return registry["out"].resolve().as_uri() + "/"


def ready(page) -> None:
    page.wait_for_function("() => document.getElementById('finder').dataset.ready === 'true'")


def settled(page, before: str | None) -> None:
    page.wait_for_function("before => { const f = document.getElementById('finder');"
                           " return f.dataset.shown !== before && !f.hasAttribute('aria-busy'); }", arg=before)


def act(page, action) -> None:
    """Do something to the form and wait for the index to show its outcome."""
    before = page.get_attribute("#finder", "data-shown")
    action()
    settled(page, before)


def results(page) -> list[str]:
    return page.eval_on_selector_all("#results > li.card", "cards => cards.map(c => c.dataset.url)")


def matched(page) -> int:
    """How many records the status line says match."""
    text = page.text_content("#finder-count")
    found = re.match(r"([\d,]+) of ([\d,]+) records match", text)
    assert found, text
    assert int(found.group(2).replace(",", "")) == RECORDS
    return int(found.group(1).replace(",", ""))


@pytest.mark.parametrize("where", ["http", "file"])
def test_a_word_from_one_report_body_finds_that_record(registry, http_base, file_base, where):
    with browser_page() as (page, errors):
        page.goto((http_base if where == "http" else file_base) + "index.html")
        ready(page)
        act(page, lambda: page.fill("#finder-q", UNIQUE_WORD))
        assert results(page) == [registry["unique"]], (page.text_content("#finder-count"), results(page)[:3])
        assert page.get_attribute("#finder", "data-engine") == ("pagefind" if where == "http" else "offline")
        assert matched(page) == 1
        assert errors == []


def test_a_served_query_with_more_matches_than_the_rank_limit_is_answered_newest_first(corpus):
    """Pagefind's time grows with the matches; past limits.search_rank_limit the offline index answers."""
    out = built(corpus, "rank-limit", rank_limit=300)
    common = "transfer"  # in nearly every generated record
    with serve_folder(out) as base, browser_page() as (page, errors):
        page.goto(out.resolve().as_uri() + "/index.html")
        ready(page)
        act(page, lambda: page.fill("#finder-q", common))
        from_disk, total = results(page), matched(page)
        assert total > 300
        page.goto(base + "index.html")
        ready(page)
        act(page, lambda: page.fill("#finder-q", common))
        assert page.get_attribute("#finder", "data-engine") == "offline"
        assert matched(page) == total and results(page) == from_disk  # the same records, newest first
        assert page.text_content("#finder-count").endswith(
            "; newest first, as there are too many to rank by relevance: add a word or a filter to narrow them")
        # Filters narrow the results, but Pagefind would still score every record the word matches.
        act(page, lambda: page.select_option("#finder-gate", "verified"))
        act(page, lambda: page.select_option("#finder-level", "L2"))
        act(page, lambda: page.select_option("#finder-tier", "watchlist"))
        assert 0 < matched(page) < 300 and page.get_attribute("#finder", "data-engine") == "offline"
        act(page, lambda: page.select_option("#finder-gate", ""))
        act(page, lambda: page.select_option("#finder-level", ""))
        act(page, lambda: page.select_option("#finder-tier", ""))
        act(page, lambda: page.fill("#finder-q", UNIQUE_WORD))  # one match: Pagefind ranks it
        assert page.get_attribute("#finder", "data-engine") == "pagefind"
        assert results(page) == [corpus["unique"]] and "rank" not in page.text_content("#finder-count")
        assert errors == []


@pytest.mark.parametrize("where", ["http", "file"])
def test_filters_count_and_sorts_order_over_the_whole_registry(registry, http_base, file_base, where):
    records = registry["records"]
    wanted = [r for r in records if r["level"] == "L2" and r["gate"] == "verified" and r["tier"] == "watchlist"]
    assert 25 < len(wanted) < len(records)  # more than one page of results, fewer than all
    by_score = sorted(wanted, key=lambda r: -(r["score"] if r["score"] is not None else -1))  # stable: index order
    by_title = sorted(wanted, key=lambda r: r["title"].casefold())
    with browser_page() as (page, errors):
        page.goto((http_base if where == "http" else file_base) + "index.html")
        ready(page)
        act(page, lambda: page.select_option("#finder-level", "L2"))
        act(page, lambda: page.select_option("#finder-gate", "verified"))
        act(page, lambda: page.select_option("#finder-tier", "watchlist"))
        assert matched(page) == len(wanted)
        assert results(page) == [r["url"] for r in wanted[:25]]  # newest first, as the index lists them
        act(page, lambda: page.select_option("#finder-sort", "score-desc"))
        assert results(page)[0] == by_score[0]["url"]
        act(page, lambda: page.select_option("#finder-sort", "title-asc"))
        assert results(page)[0] == by_title[0]["url"]
        # The next page of results, and back.
        first_page = results(page)
        act(page, lambda: page.click("#results-pager a[rel=next]"))
        assert "page=2" in page.url and results(page) == [r["url"] for r in by_title[25:50]]
        act(page, lambda: page.go_back())
        assert results(page) == first_page
        assert urlsplit(page.url).query == "level=L2&gate=verified&tier=watchlist&sort=title-asc"
        assert errors == []


@pytest.mark.parametrize("where", ["http", "file"])
def test_an_archive_page_counts_its_filters_from_the_offline_index(registry, http_base, file_base, where):
    """Archive pages carry no counts (a new record would change them all); site.js adds them, the registry's."""
    records = registry["records"]
    with browser_page() as (page, errors):
        page.goto((http_base if where == "http" else file_base) + "page/3.html")
        ready(page)
        for key in ("level", "gate", "tier", "language"):
            page.wait_for_function("key => [...document.querySelectorAll(`#finder-${key} option`)]"
                                   ".every(o => !o.value || / \\(\\d+\\)$/.test(o.textContent))", arg=key)
            shown = page.eval_on_selector_all(f"#finder-{key} option", "os => os.map(o => [o.value, o.textContent])")
            for value, text in shown:
                if value:
                    expected = sum(1 for r in records if r[key] == value)
                    assert text.endswith(f" ({expected})"), (key, value, text)
        assert errors == []
    html = (registry["out"] / "page" / "3.html").read_text(encoding="utf-8")
    assert 'data-counts="manifest"' in html and not re.search(r"<option value=\"\w+\">[^<]*\(\d+\)</option>", html)


@pytest.mark.parametrize("where", ["http", "file"])
def test_with_javascript_off_the_pages_list_every_record_once_in_order(registry, http_base, file_base, where):
    seen, pages = [], 0
    with browser_page(javascript=False) as (page, errors):
        url = (http_base if where == "http" else file_base) + "index.html"
        while url:
            page.goto(url)
            pages += 1
            seen += page.eval_on_selector_all("#records > li.card", "cards => cards.map(c => c.dataset.url)")
            older = page.locator("link[rel=next]")
            url = older.evaluate("l => l.href") if older.count() else None
        assert errors == []
    assert pages == RECORDS // 25 - 1  # 2,000 records: the first page holds 50, then 78 archive pages
    assert seen == [r["url"] for r in registry["records"]]


def test_every_listing_page_is_small(registry):
    html = [p for p in registry["out"].rglob("*.html") if p.parent.name in ("page", "www") or "browse" in p.parts]
    assert max(p.stat().st_size for p in html) < 300_000
    assert (registry["out"] / "index.html").stat().st_size < 300_000


# Queries that take every path of the matching rules: plain words, several words, a word found
# nowhere beside one found (left out), a word that starts no indexed word (its longest indexed
# prefix), punctuation and case (dropped, lowered), a hyphenated compound.
EDGE_QUERIES = ["transfer adapter", "kazakh", UNIQUE_WORD, "transfer zzqqxxww", "transferzz", "XLM-R",
                "zero-shot", "Fine-Tuning!", "(Belebele)"]


FULL_SET = 150  # up to this many matches, the test pages through every result and compares the records


def all_results(page) -> list[str]:
    """Every record of the current results, page by page through the results pager."""
    found = results(page)
    while page.locator("#results-pager a[rel=next]").count():
        act(page, lambda: page.click("#results-pager a[rel=next]"))
        found += results(page)
    return sorted(found)


def counts_by_engine(out: Path, queries: list[str]) -> dict[str, list]:
    """Per engine, for each query: how many records match, and which, when there are at most FULL_SET."""
    counts: dict[str, list] = {}
    with serve_folder(out) as http_base:
        for where, base in (("http", http_base), ("file", out.resolve().as_uri() + "/")):
            with browser_page() as (page, errors):
                page.goto(base + "index.html")
                ready(page)
                counts[where] = []
                for query in queries:
                    page.goto(base + "index.html")
                    ready(page)
                    act(page, lambda: page.fill("#finder-q", query))
                    total = matched(page)
                    assert page.get_attribute("#finder", "data-engine") == ("pagefind" if where == "http" else "offline")
                    counts[where].append((total, all_results(page) if total <= FULL_SET else None))
                assert errors == []
    return counts


def sample_queries(records: list[dict], n: int) -> list[str]:
    words = sorted({w for r in records for w in re.findall(r"[a-z]{5,}", r["title"].lower())})
    return random.Random(7).sample(words, n) + EDGE_QUERIES


def test_both_engines_find_the_same_records(registry):
    """Query by query, Pagefind (served) and the offline index (from disk) count the same matches."""
    queries = sample_queries(registry["records"], 12)
    counts = counts_by_engine(registry["out"], queries)
    assert counts["http"] == counts["file"], [(q, h[0], f[0]) for q, h, f in zip(queries, counts["http"], counts["file"]) if h != f]
    assert all(total for total, _ in counts["file"][:12])
    assert sum(1 for _, found in counts["file"] if found) >= 3  # several queries compared record by record


def test_both_engines_agree_over_a_sharded_index_too(corpus):
    """With the index cut into seven Pagefind bundles, the offline index applies Pagefind's rules shard by shard."""
    out = built(corpus, "sharded", shard_size=300)
    assert len(list((out / "pagefind-shards").iterdir())) == 6
    queries = sample_queries(corpus["records"], 6)
    counts = counts_by_engine(out, queries)
    assert counts["http"] == counts["file"], [(q, h[0], f[0]) for q, h, f in zip(queries, counts["http"], counts["file"]) if h != f]
