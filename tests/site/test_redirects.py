"""Redirect pages at retired addresses: relative, canonical, noindex, and listed nowhere."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import html5lib
import pytest
from conftest import VALID_RECORD, record_with

from sitegen.config import load_config
from sitegen.engine.pipeline import build

BASE = "https://registry.example.org/reg/"
HOSTILE_TITLE = 'A "moved" <b>record</b> & more'
MOVED = record_with("title: A valid record", f"title: '{HOSTILE_TITLE}'")
OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))
FILES = {"content/records/moved.md": MOVED, "content/records/other.md": OTHER,
         "content/aliases.yaml": "aliases:\n  old-name: SRCH:0000AAAA\n  older-name: SRCH:0000AAAA\n"}


def built(make_site, tmp_path: Path, name: str, base_url: str | None = None) -> Path:
    site = make_site(FILES)
    out = tmp_path / name
    assert build(load_config(site, output_dir=out, base_url=base_url), search=False, use_cache=False).ok
    return out


@pytest.fixture
def local(make_site, tmp_path) -> Path:
    return built(make_site, tmp_path, "local")


@pytest.fixture
def hosted(make_site, tmp_path) -> Path:
    return built(make_site, tmp_path, "hosted", BASE)


def head(page: Path) -> dict[str, list[dict[str, str]]]:
    """The page's meta, link, a and script elements with their attributes, by tag."""
    doc = html5lib.parse(page.read_bytes(), namespaceHTMLElements=False)
    return {tag: [dict(e.attrib) | ({"text": e.text} if e.text else {}) for e in doc.iter(tag)]
            for tag in ("meta", "link", "a", "script")}


def test_each_alias_is_a_redirect_to_the_record_page(local):
    for old in ("old-name", "older-name"):
        found = head(local / f"records/{old}.html")
        assert {"http-equiv": "refresh", "content": "0; url=moved.html"} in found["meta"]
        assert {"name": "robots", "content": "noindex"} in found["meta"]
        assert {"rel": "canonical", "href": "moved.html"} in found["link"]
        assert [a["href"] for a in found["a"]] == ["moved.html"]  # relative: it works from disk and under any path
        assert [s["text"] for s in found["script"]] == [
            'location.replace(document.getElementById("moved").href + location.hash);']
    assert (local / "records/moved.html").is_file()


def test_the_canonical_link_is_absolute_with_a_base_url(hosted):
    found = head(hosted / "records/old-name.html")
    assert {"rel": "canonical", "href": BASE + "records/moved.html"} in found["link"]
    assert {"http-equiv": "refresh", "content": "0; url=moved.html"} in found["meta"]


def test_the_policy_allows_only_the_redirect_script(local):
    import base64

    found = head(local / "records/old-name.html")
    script = found["script"][0]["text"]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = next(m["content"] for m in found["meta"] if m.get("http-equiv") == "Content-Security-Policy")
    assert policy == (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'self'; img-src 'self'; "
                      "base-uri 'none'; form-action 'none'")


def test_record_text_in_the_redirect_is_escaped(local):
    html = (local / "records/old-name.html").read_text()
    assert "A &#34;moved&#34; &lt;b&gt;record&lt;/b&gt; &amp; more" in html
    assert "<b>" not in html


def test_redirects_are_listed_nowhere(hosted):
    # The redirect pages hold no old address themselves; no other file may name them.
    naming = sorted(p.relative_to(hosted).as_posix() for p in hosted.rglob("*")
                    if p.is_file() and (b"old-name" in p.read_bytes() or b"older-name" in p.read_bytes()))
    assert naming == []
    sitemap = (hosted / "sitemap.xml").read_text()
    assert f"<loc>{BASE}records/moved.html</loc>" in sitemap and "old-name" not in sitemap
    dumps = [json.loads(line) for p in sorted((hosted / "records/dumps").glob("*.jsonl")) for line in p.read_text().splitlines()]
    assert sorted(d["page"] for d in dumps) == ["records/moved.html", "records/other.html"]
    assert json.loads((hosted / "records.json").read_text())["count"] == 2


def test_a_build_with_redirects_repeats_byte_for_byte(make_site, tmp_path):
    def digests(out: Path) -> dict[str, str]:
        return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(out.rglob("*")) if p.is_file()}

    first, second = built(make_site, tmp_path, "first", BASE), built(make_site, tmp_path, "second", BASE)
    assert digests(first) == digests(second)
    assert "records/old-name.html" in digests(first)


def test_an_edited_aliases_file_rebuilds(make_site, tmp_path):
    site = make_site(FILES)
    config = load_config(site, output_dir=tmp_path / "out")
    assert build(config, search=False).ok
    (site / "content/aliases.yaml").write_text("aliases:\n  old-name: SRCH:0000AAAA\n", encoding="utf-8")
    assert build(config, search=False).ok  # with the cache: the aliases file is one of the build's inputs
    assert (tmp_path / "out/records/old-name.html").is_file()
    assert not (tmp_path / "out/records/older-name.html").exists()
