"""Readers in a real browser: an accessibility audit of every kind of page, keyboard-only
search, filters and cite, and copying a citation to the clipboard from file://.

The audit is axe-core (pinned in tests/package.json, installed by .ci/run into
tests/node_modules). It is injected with Playwright's add_script_tag, which the
pages' Content-Security-Policy would refuse, so only the audit's browser context
bypasses the policy; every other test here runs under it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from browser import browser_page, serve_folder
from conftest import ROOT

from sitegen.engine.pipeline import build
from sitegen.config import load_config

BASIC = Path(__file__).parent.parent / "sites" / "basic"
TESTS = Path(__file__).parent.parent
AXE = TESTS / "node_modules" / "axe-core" / "axe.min.js"
QUOKKA = "records/quokka-transfer-verified.html"
RETRACTED = "records/retracted-synthesis.html"
# Every kind of page the site has: the index, records (one with a retraction notice),
# a content page, the browse pages, the statistics page and the not-found page.
AUDITED = ["index.html", QUOKKA, RETRACTED, "guide.html", "browse/index.html", "browse/gate-verified.html",
           "statistics.html", "404.html"]


@pytest.fixture(scope="module")
def axe_script() -> Path:
    """axe.min.js, installed from tests/package.json when it is not there yet."""
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install axe-core for the accessibility audit; run .ci/run, "
                        "or install Node.js and run: npm install --prefix tests")
        subprocess.run([npm, "install", "--prefix", str(TESTS), "--no-package-lock", "--no-audit", "--no-fund"],
                       check=True, capture_output=True, timeout=300)
    assert AXE.is_file()
    return AXE


@pytest.fixture(scope="module")
def www(tmp_path_factory) -> Path:
    """tests/sites/basic with its Pagefind index, in www/registry/ so HTTP serves it under a subpath."""
    base = tmp_path_factory.mktemp("readers")
    site = base / "site"
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    assert build(load_config(site, output_dir=base / "www" / "registry"), search=True).ok
    return base / "www"


@pytest.fixture(scope="module")
def http_base(www):
    with serve_folder(www) as base:
        yield base + "registry/"


@pytest.fixture(scope="module")
def file_base(www) -> str:
    return (www / "registry").resolve().as_uri() + "/"


def audit(page, script: Path) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    page.add_script_tag(path=str(script))
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in violations
            if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", AUDITED)
def test_every_kind_of_page_passes_the_accessibility_audit(http_base, axe_script, path, scheme):
    with browser_page(bypass_csp=True, color_scheme=scheme) as (page, errors):
        page.goto(http_base + path)
        if path == "index.html":
            page.wait_for_function("() => !document.getElementById('finder').hidden")  # audit the search form too
        assert audit(page, axe_script) == []
        assert errors == []


def test_the_audit_finds_a_real_violation(http_base, axe_script):
    """The audit is not vacuous: an image without alt text and an unlabelled field are reported."""
    with browser_page(bypass_csp=True) as (page, errors):
        page.goto(http_base + "guide.html")
        page.evaluate("""() => { const main = document.getElementById('main');
            const img = document.createElement('img'); img.src = 'assets/favicon.svg'; main.appendChild(img);
            main.appendChild(document.createElement('input')); }""")
        found = audit(page, axe_script)
        assert any(line.startswith("image-alt") for line in found) and any(line.startswith("label") for line in found)


def tab_to(page, test: str, limit: int = 80) -> int:
    """Press Tab until the focused element passes test (a JS function of the element); returns the presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const e = document.activeElement; return Boolean(e && ({test})(e)); }}"):
            return presses
    raise AssertionError(f"Tab never reached an element where {test}")


def visible_cards(page) -> list[str]:
    """The records the index shows: its own page of cards, or the results made from the search data."""
    return page.evaluate("""() => {
        const results = document.getElementById('results');
        const list = results && !results.hidden ? results : document.getElementById('records');
        return Array.from(list.querySelectorAll(':scope > li.card')).map(c => c.dataset.url); }""")


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_and_filters_work_from_the_keyboard_alone(http_base, file_base, where):
    base = http_base if where == "http" else file_base
    with browser_page() as (page, errors):
        page.goto(base + "index.html")
        page.wait_for_function("() => !document.getElementById('finder').hidden")
        tab_to(page, "e => e.id === 'finder-q'")
        page.keyboard.type("quokka", delay=20)
        page.wait_for_function("() => document.getElementById('finder-count').textContent.includes('quokka')"
                               " && !document.getElementById('finder').hasAttribute('aria-busy')")
        assert visible_cards(page) == [QUOKKA]
        tab_to(page, "e => e.type === 'reset'")
        page.keyboard.press("Enter")  # Clear
        page.wait_for_function("() => document.getElementById('finder-count').textContent === '4 records'")
        assert page.input_value("#finder-q") == ""
        tab_to(page, "e => e.id === 'finder-status'")
        before = page.get_attribute("#finder", "data-shown")
        page.keyboard.type("Retr")  # type-ahead picks "Retracted (1)" in a closed select
        page.wait_for_function("before => document.getElementById('finder').dataset.shown !== before", arg=before)
        assert page.input_value("#finder-status") == "retracted"
        assert visible_cards(page) == [RETRACTED]
        # On to the one result and into its page, still by keyboard.
        tab_to(page, f"e => e.getAttribute('href') === '{RETRACTED}'")
        page.keyboard.press("Enter")
        page.wait_for_url(base + RETRACTED)
        assert errors == []


def test_cite_works_from_the_keyboard_and_copies_from_disk(file_base):
    """From file:// the async clipboard is not used: the fallback selects the text and copies it."""
    with browser_page() as (page, errors):
        page.goto(file_base + RETRACTED)
        tab_to(page, "e => e.textContent === 'Cite this record'")
        page.keyboard.press("Enter")  # jump to the cite box; the next Tab starts there
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.dataset.copy") == "cite-bibtex"
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.getElementById('cite-status').textContent.startsWith('Copied BibTeX')")
        assert page.evaluate("() => document.activeElement.dataset.copy") == "cite-bibtex"  # focus stays put
        bibtex = page.input_value("#cite-bibtex")
        assert bibtex.startswith("@techreport{SRCH:DEADBEEF,") and "Retracted 2026-07-02" in bibtex
        assert pasted(page) == bibtex
        tab_to(page, "e => e.dataset.copy === 'cite-ris'")
        page.keyboard.press("Space")
        page.wait_for_function("() => document.getElementById('cite-status').textContent.startsWith('Copied RIS')")
        assert pasted(page) == page.input_value("#cite-ris")
        assert errors == []


def pasted(page) -> str:
    """What the clipboard holds, pasted with Ctrl+V into a scratch field (then removed)."""
    page.evaluate("() => { const t = document.createElement('textarea'); t.id = 'scratch';"
                  " document.body.appendChild(t); t.focus(); }")
    page.keyboard.press("Control+V")
    value = page.input_value("#scratch")
    page.evaluate("() => document.getElementById('scratch').remove()")
    return value


def test_copy_over_http_uses_the_clipboard_api(http_base):
    with browser_page() as (page, errors):
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=http_base.split("/registry/")[0])
        page.goto(http_base + QUOKKA)
        page.click("button[data-copy=cite-csl]")
        page.wait_for_function("() => document.getElementById('cite-status').textContent.startsWith('Copied CSL-JSON')")
        copied = page.evaluate("async () => await navigator.clipboard.readText()")
        assert copied == page.input_value("#cite-csl") and '"id": "SRCH:5C0FFEE1"' in copied
        page.click("button[data-copy=share-markdown]")
        page.wait_for_function("() => document.getElementById('cite-status').textContent.startsWith('Copied Markdown')")
        assert page.evaluate("async () => await navigator.clipboard.readText()").startswith("[![SRCH:5C0FFEE1")
        assert errors == []


def test_with_javascript_off_the_cite_box_and_browse_pages_still_work(file_base):
    with browser_page(javascript=False) as (page, errors):
        page.goto(file_base + QUOKKA)
        assert page.locator("#cite-bibtex").is_visible() and page.locator("button[data-copy]").first.is_hidden()
        assert page.locator("#share img").evaluate("img => img.naturalWidth") > 0  # the SVG badge loads from disk
        page.locator(".record-head a[data-badge=gate]").click()
        page.wait_for_url(file_base + "browse/gate-verified.html")
        assert page.locator("main h2.card-title a").all_text_contents() == [
            "Subword Tokenisation and Cross-Lingual NER: A Synthesis"]
        page.locator("nav.breadcrumbs a").click()
        page.wait_for_url(file_base + "browse/index.html")
        assert page.locator(".browse-facet").count() == 4


def test_the_statistics_page_shows_its_charts_from_disk_without_script(file_base):
    with browser_page(javascript=False) as (page, errors):
        page.goto(file_base + "index.html")
        page.locator(".index-links a", has_text="Statistics").click()
        page.wait_for_url(file_base + "statistics.html")
        charts = page.locator("img.stat-chart")
        assert charts.count() == 5
        for n in range(5):  # each SVG loads from file:// and is drawn at its size
            assert charts.nth(n).evaluate("img => img.complete && img.naturalWidth") == 720
        assert page.locator("table.stat-table caption").count() == 5
        assert page.locator("table.stat-table").nth(1).locator("tbody tr").count() == 4  # a row per level
        page.locator("footer a", has_text="Statistics").click()  # the footer links it too, from every page
        page.wait_for_url(file_base + "statistics.html")
        assert errors == []
