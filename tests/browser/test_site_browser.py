"""The built site in a real browser (Debian's Chromium driven by Playwright).

Over HTTP the index searches words with the real Pagefind index; from file://
it searches the chunked offline index (search/) instead. Both must find the
same records, filter and sort them, and leave no error in the console.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import browser_page, serve_folder
from conftest import ROOT

from sitegen.engine.pipeline import build
from sitegen.config import load_config

BASIC = Path(__file__).parent.parent / "sites" / "basic"
QUOKKA = "records/quokka-transfer-verified.html"
RETRACTED = "records/retracted-synthesis.html"
PENDING = "records/pending-lexicon-study.html"
ARABIC = "records/arabic-ner-survey.html"


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    """tests/sites/basic built with its Pagefind index into www/registry/, so HTTP serves it under a subpath."""
    base = tmp_path_factory.mktemp("browser")
    site = base / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    out = base / "www" / "registry"
    assert build(load_config(site, output_dir=out), search=True).ok
    return base / "www"


@pytest.fixture(scope="module")
def http_base(www):
    with serve_folder(www) as base:
        yield base + "registry/"


@pytest.fixture(scope="module")
def file_base(www) -> str:
    return (www / "registry").resolve().as_uri() + "/"


def ready(page) -> None:
    # Playwright evaluates a bare expression with eval(), which the pages' policy forbids; functions are fine.
    page.wait_for_function("() => document.getElementById('finder').dataset.ready === 'true'")


def visible(page) -> list[str]:
    """The records the index shows: its own page of cards, or the results made from the search data."""
    return page.evaluate("""() => {
        const results = document.getElementById('results');
        const list = results && !results.hidden ? results : document.getElementById('records');
        return Array.from(list.querySelectorAll(':scope > li.card')).map(c => c.dataset.url); }""")


def settled(page, before: str | None) -> None:
    """Wait until the index has shown a new result list (site.js counts them in data-shown)."""
    page.wait_for_function("before => { const f = document.getElementById('finder');"
                           " return f.dataset.shown !== before && !f.hasAttribute('aria-busy'); }", arg=before)


def search(page, words: str) -> list[str]:
    """Type words into the search box and wait until the results for them are shown."""
    page.fill("#finder-q", words)
    page.wait_for_function(
        "words => document.getElementById('finder-count').textContent.includes('\u201c' + words + '\u201d') "
        "&& !document.getElementById('finder').hasAttribute('aria-busy')", arg=words)
    return visible(page)


def choose(page, select: str, value: str) -> list[str]:
    """Pick a filter or sort value and wait for the new result list."""
    before = page.get_attribute("#finder", "data-shown")
    page.select_option(select, value)
    settled(page, before)
    return visible(page)


def test_over_http_a_word_from_a_report_body_finds_its_record_with_pagefind(http_base):
    with browser_page() as (page, errors):
        page.goto(http_base + "index.html")
        ready(page)
        assert search(page, "quokka") == [QUOKKA]
        assert page.get_attribute("#finder", "data-engine") == "pagefind"
        card = page.locator(f"#results li.card[data-url='{QUOKKA}']")
        assert card.locator(".card-excerpt mark").first.text_content().lower() == "quokka"
        assert card.locator(".badge").count() == 3  # the result shows the record's badges
        card.locator("h2 a").click()
        page.wait_for_load_state()
        assert page.url == http_base + QUOKKA  # the relative link works under the /registry/ subpath
        assert page.text_content("h1") == "Subword Tokenisation and Cross-Lingual NER: A Synthesis"
        assert errors == []


def test_over_http_a_filter_narrows_pagefind_results_and_sorts_apply(http_base):
    with browser_page() as (page, errors):
        page.goto(http_base + "index.html")
        ready(page)
        found = search(page, "transfer")
        assert sorted(found) == sorted([QUOKKA, RETRACTED, PENDING])
        assert choose(page, "#finder-gate", "verified") == [QUOKKA]
        assert page.text_content("#finder-count") == "1 of 4 records match \u201ctransfer\u201d"
        assert choose(page, "#finder-gate", "") != [QUOKKA]
        assert choose(page, "#finder-status", "retracted") == [RETRACTED]
        page.select_option("#finder-status", "")
        assert choose(page, "#finder-sort", "score-desc") == [QUOKKA, RETRACTED, PENDING]  # 8.9, 6.1, no score
        assert choose(page, "#finder-sort", "date-asc") == [RETRACTED, PENDING, QUOKKA]
        # Pagefind ranks by relevance; a chosen order comes from the offline index, which finds the same records.
        assert page.get_attribute("#finder", "data-engine") == "offline"
        assert errors == []


def test_from_disk_the_offline_search_filters_and_sorts(file_base):
    with browser_page() as (page, errors):
        page.goto(file_base + "index.html")
        ready(page)
        assert len(visible(page)) == 4
        assert search(page, "quokka") == [QUOKKA]
        assert page.get_attribute("#finder", "data-engine") == "offline"
        assert page.locator(f"#results li.card[data-url='{QUOKKA}'] .badge").count() == 3
        assert sorted(search(page, "transfer")) == sorted([QUOKKA, RETRACTED, PENDING])
        assert choose(page, "#finder-gate", "failed") == [RETRACTED]
        page.select_option("#finder-gate", "")
        assert search(page, "العربية") == [ARABIC]  # words of any script
        page.click("button[type=reset]")
        page.wait_for_function("() => document.getElementById('finder-count').textContent === '4 records'")
        assert page.locator("#finder-language option[value=ar]").text_content() == "Arabic (1)"
        assert choose(page, "#finder-language", "ar") == [ARABIC]
        page.select_option("#finder-language", "")
        titles = choose(page, "#finder-sort", "title-asc")
        expected = page.evaluate("""() => Array.from(document.querySelectorAll('#records > li.card'))
            .map(c => [c.dataset.title, c.dataset.url]).sort((a, b) => a[0].localeCompare(b[0])).map(p => p[1])""")
        assert titles == expected and len(titles) == 4
        assert choose(page, "#finder-level", "L1") == [RETRACTED]
        assert errors == []


def test_from_disk_a_record_page_works(file_base):
    with browser_page() as (page, errors):
        page.goto(file_base + "index.html")
        ready(page)
        page.locator(f"#records li.card[data-url='{RETRACTED}'] h2 a").click()
        page.wait_for_load_state()
        assert page.url == file_base + RETRACTED
        assert page.locator("#notice h2").text_content() == "Retracted"
        assert page.locator("#notice").is_visible()
        badge = page.locator(".record-head .badge-correction")
        assert badge.get_attribute("href") == "../browse/status-retracted.html"  # every record with this status
        badge.click()
        page.wait_for_load_state()
        assert page.url == file_base + "browse/status-retracted.html"
        page.locator("main .lede a").click()  # the browse page explains the value, and links to the guide
        page.wait_for_load_state()
        assert page.url == file_base + "guide.html#corrections"
        page.goto(file_base + QUOKKA + "#claim-2")
        assert page.evaluate("document.querySelector(':target').id") == "claim-2"
        assert page.locator("#claim-2 td").first.text_content().startswith("Vocabulary extension")
        artifact = page.locator("#gate a").first
        assert artifact.get_attribute("href") == "../artifacts/quokka-transfer-verified/repro.py"
        assert errors == []


def test_a_reader_gets_the_same_records_either_way(http_base, file_base):
    """Pagefind and the offline fallback agree on what matches; only the order may differ by relevance."""
    queries = [("transfer", {}), ("synthesis", {"#finder-tier": "watchlist"}), ("sandbox", {}), ("lexicons", {})]
    results: dict[str, list] = {}
    for base in (http_base, file_base):
        with browser_page() as (page, errors):
            page.goto(base + "index.html")
            ready(page)
            found = []
            for words, filters in queries:
                for select, value in filters.items():
                    page.select_option(select, value)
                found.append(sorted(search(page, words)))
                page.click("button[type=reset]")
                page.wait_for_function("() => document.getElementById('finder-count').textContent === '4 records'")
            results[base] = found
            assert errors == []
    assert results[http_base] == results[file_base]
    assert all(results[file_base]), results


def test_search_state_comes_from_the_address(http_base, file_base):
    for base in (http_base, file_base):
        with browser_page() as (page, errors):
            page.goto(base + "index.html?q=quokka")
            page.wait_for_function("() => document.getElementById('finder-count').textContent.includes('quokka')")
            assert visible(page) == [QUOKKA]
            assert page.input_value("#finder-q") == "quokka"
            page.goto(base + "index.html?gate=pending")
            ready(page)
            assert visible(page) == [PENDING]
            assert errors == []


def test_the_index_is_readable_with_javascript_off(file_base):
    with browser_page(javascript=False) as (page, errors):
        page.goto(file_base + "index.html")
        assert page.locator("#finder").is_hidden()
        cards = page.locator("#records > li.card")
        assert cards.count() == 4 and all(cards.nth(i).is_visible() for i in range(4))
        assert page.text_content("#finder-count") == "4 records"
        assert cards.first.locator(".badge").count() >= 3


@pytest.mark.parametrize("path", ["index.html", QUOKKA, RETRACTED, "guide.html"])
def test_pages_fit_a_phone_screen(http_base, path):
    with browser_page(width=375, height=800) as (page, errors):
        page.goto(http_base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at a 375px viewport"
        assert errors == []


def test_without_a_search_index_http_uses_the_offline_search_quietly(tmp_path):
    """A site built with --no-search never asks for the Pagefind bundle, so no request fails."""
    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    out = tmp_path / "out"
    assert build(load_config(site, output_dir=out), search=False).ok
    with serve_folder(out) as base, browser_page() as (page, errors):
        failed: list[str] = []
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
        page.goto(base + "index.html")
        ready(page)
        assert search(page, "quokka") == [QUOKKA]
        assert page.get_attribute("#finder", "data-engine") == "offline"
        assert errors == [] and failed == []


def test_a_sharded_index_searches_filters_and_sorts_like_one_index(tmp_path):
    """With one record per Pagefind bundle, the page merges four bundles and readers see the same results."""
    site = tmp_path / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    config_text = (site / "site.yaml").read_text() if (site / "site.yaml").exists() else ""
    (site / "site.yaml").write_text(config_text + "\nlimits:\n  search_shard_size: 1\n")
    out = tmp_path / "www"
    assert build(load_config(site, output_dir=out), search=True).ok
    assert sorted(p.name for p in (out / "pagefind-shards").iterdir()) == ["1", "2", "3"]
    with serve_folder(out) as base, browser_page() as (page, errors):
        page.goto(base + "index.html")
        ready(page)
        assert search(page, "quokka") == [QUOKKA]
        assert page.get_attribute("#finder", "data-engine") == "pagefind"
        assert sorted(search(page, "transfer")) == sorted([QUOKKA, RETRACTED, PENDING])
        assert choose(page, "#finder-gate", "verified") == [QUOKKA]
        page.select_option("#finder-gate", "")
        assert choose(page, "#finder-sort", "score-desc") == [QUOKKA, RETRACTED, PENDING]
        assert choose(page, "#finder-sort", "date-asc") == [RETRACTED, PENDING, QUOKKA]
        assert errors == []
