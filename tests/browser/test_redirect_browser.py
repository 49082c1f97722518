"""An old address in a real browser (Debian's Chromium driven by Playwright): from disk and over HTTP,
with and without JavaScript, it lands on the record's current page, a deep link on the same anchor."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import browser_page, serve_folder
from conftest import VALID_RECORD, record_with

from sitegen.config import load_config
from sitegen.engine.pipeline import build

OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    import shutil

    from conftest import ROOT

    site = tmp_path_factory.mktemp("redirect") / "site"
    (site / "content/records").mkdir(parents=True)
    (site / "content/records/moved.md").write_text(VALID_RECORD, encoding="utf-8")
    (site / "content/records/other.md").write_text(OTHER, encoding="utf-8")
    (site / "content/aliases.yaml").write_text("aliases:\n  old-name: SRCH:0000AAAA\n", encoding="utf-8")
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    output = site.parent / "www" / "registry"
    assert build(load_config(site, output_dir=output), search=False).ok
    return output


def landing(url: str, javascript: bool) -> tuple[str, str, list[str]]:
    """Where the browser ends up after opening url: its address, the page's h1, and any console errors."""
    with browser_page(javascript=javascript) as (page, errors):
        page.goto(url)
        page.wait_for_url("**/records/moved.html*", timeout=10_000)
        page.wait_for_load_state("load")
        return page.url, page.locator("h1").first.inner_text(), errors


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_old_address_from_disk_lands_on_the_new_page(out, javascript):
    url, title, errors = landing((out / "records/old-name.html").as_uri(), javascript)
    assert url == (out / "records/moved.html").as_uri()
    assert title == "A valid record"
    assert errors == []


def test_deep_link_to_an_old_address_keeps_its_anchor(out):
    url, _, errors = landing((out / "records/old-name.html").as_uri() + "#claim-2", javascript=True)
    assert url == (out / "records/moved.html").as_uri() + "#claim-2"
    assert errors == []  # the policy lets the one redirect script run, and nothing complains


def test_old_address_over_http_lands_on_the_new_page(out):
    with serve_folder(out.parent) as base:
        url, title, errors = landing(base + "registry/records/old-name.html#claim-1", javascript=True)
    assert url == base + "registry/records/moved.html#claim-1"
    assert title == "A valid record"
    assert errors == []
