"""Hostile records: every text field carries markup, script and dangerous URLs.

The build must render them as inert text: no script element, event handler or
dangerous URL in any page originates from record content, and a real browser
runs nothing the site did not ship.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import html5lib
import pytest
from conftest import ROOT

HOSTILE = Path(__file__).parent.parent / "hostile"
_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "srcset", "background", "ping"}
_STRIP = re.compile(r"[\x00-\x20\x7f]+")


MEMORY_LIMIT = 2 << 30  # bytes of address space for every build these tests start


def limit_memory() -> None:
    """Run in the child before it starts: a bomb that slipped through fails the build, not the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def build_hostile_site(make_site, tmp_path: Path, *, search: bool = False) -> Path:
    files = {f"content/records/{p.name}": p.read_text(encoding="utf-8") for p in sorted(HOSTILE.glob("*.md"))}
    site = make_site(files)
    shutil.copytree(ROOT / "content" / "pages", site / "content" / "pages")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out)]
    if not search:
        args.append("--no-search")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, preexec_fn=limit_memory)
    assert done.returncode == 0, done.stderr
    return out


def shipped_scripts(out: Path) -> set[str]:
    """Script files the site ships: assets, search data and the Pagefind bundle."""
    return {p.relative_to(out).as_posix() for p in out.rglob("*.js")}


def audit_page(path: Path, out: Path, shipped: set[str]) -> list[str]:
    """Every script, handler and dangerous URL in one page that the site did not ship."""
    problems: list[str] = []
    document = html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        name = tag.rsplit("}", 1)[-1].lower()
        for attr, value in element.attrib.items():
            attr_name = attr.rsplit("}", 1)[-1].lower()
            if attr_name.startswith("on"):
                problems.append(f"{path.name}: <{name} {attr_name}=...>")
            if attr_name in _URL_ATTRS:
                scheme = urlsplit(_STRIP.sub("", value)).scheme.lower()
                if scheme not in _SAFE_SCHEMES:
                    problems.append(f"{path.name}: <{name} {attr_name}={value!r}>")
        if name in {"iframe", "object", "embed", "frame", "base"}:
            problems.append(f"{path.name}: <{name}>")
        if name == "meta" and element.get("http-equiv", "").lower() == "refresh":
            problems.append(f"{path.name}: meta refresh")
        if name == "script":
            kind = element.get("type", "")
            if kind == "application/ld+json":
                text = element.text or ""
                if "</" in text or "<!--" in text:
                    problems.append(f"{path.name}: JSON-LD holds '</' or '<!--'")
                continue
            src = element.get("src")
            if src is None:
                problems.append(f"{path.name}: inline <script>")
                continue
            target = (path.parent / src.split("?")[0]).resolve()
            try:
                rel = target.relative_to(out.resolve()).as_posix()
            except ValueError:
                rel = src
            if rel not in shipped:
                problems.append(f"{path.name}: <script src={src!r}> is not a shipped file")
        if name == "style" or (name == "link" and "stylesheet" in element.get("rel", "")):
            href = element.get("href")
            if name == "style":
                problems.append(f"{path.name}: inline <style> from content")
            elif href and urlsplit(href).scheme:
                problems.append(f"{path.name}: external stylesheet {href}")
    return problems


def test_no_markup_from_records_survives_in_any_page(make_site, tmp_path):
    out = build_hostile_site(make_site, tmp_path)
    shipped = shipped_scripts(out)
    pages = sorted(out.rglob("*.html"))
    assert pages, "the build wrote no pages"
    problems = [p for page in pages for p in audit_page(page, out, shipped)]
    assert problems == []


def test_hostile_text_is_still_visible_as_text(make_site, tmp_path):
    out = build_hostile_site(make_site, tmp_path)
    page = out / "records" / "xss-everywhere.html"
    document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
    text = "".join(document.itertext())
    assert "<script>window.__pwned='title'</script>" in text
    assert "<script>window.__pwned='claim'</script> claim one" in text
    assert "<iframe src=\"javascript:window.__pwned='reason'\"></iframe>" in text
    assert "{{ 7*7 }} {% raw %} ${7*7} <!-- note -->" in text
    assert "<script>window.__pwned='body'</script>" in text


def test_every_page_carries_a_content_security_policy(make_site, tmp_path):
    out = build_hostile_site(make_site, tmp_path)
    for page in sorted(out.rglob("*.html")):
        document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        policies = [m.get("content", "") for m in document.iter("meta") if m.get("http-equiv", "").lower() == "content-security-policy"]
        assert len(policies) == 1, page
        policy = policies[0]
        assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0], page
        assert "default-src 'none'" in policy or "default-src 'self'" in policy, page


def test_search_data_cannot_close_a_script_or_comment(make_site, tmp_path):
    out = build_hostile_site(make_site, tmp_path)
    for data in out.rglob("*.js"):
        if "pagefind" in data.parts:
            continue
        text = data.read_text(encoding="utf-8")
        assert "</script" not in text.lower() and "<!--" not in text, data


def test_browser_runs_nothing_from_hostile_records(make_site, tmp_path):
    """From disk and over HTTP with the real Pagefind index: search, open, click; nothing runs."""
    from browser import browser_page, serve_folder

    out = build_hostile_site(make_site, tmp_path, search=True)
    with serve_folder(out) as base, browser_page() as (page, errors):
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for root in (out.resolve().as_uri() + "/", base):
            page.goto(root + "records/xss-everywhere.html")
            page.mouse.move(10, 10)
            for link in page.locator("main a").all()[:40]:
                link.hover()
            assert page.evaluate("window.__pwned") is None
            page.goto(root + "index.html")
            search = page.locator("input[type=search]").first
            search.fill("pwned")
            page.wait_for_timeout(800)
            assert page.locator("text=Hostile title").count() >= 1
            assert page.evaluate("window.__pwned") is None
        assert dialogs == []


# --- bounded work and nothing lost ---------------------------------------------------------

PATHOLOGICAL_BODIES = {
    "brackets": "[" * 60_000 + "a" + "]" * 60_000,
    "links": "[a](" * 30_000,
    "emphasis": "*a **a " * 30_000,
    "lists": "".join("  " * i + "- item\n" for i in range(700)),
    "quotes": "> " * 50_000 + "deep\n",
    "backticks": "`" * 50_000 + "x",
    "table": "|" + "a|" * 5_000 + "\n|" + "-|" * 5_000 + "\n" + ("|" + "x|" * 5_000 + "\n") * 30,
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL_BODIES))
def test_pathological_markdown_builds_in_bounded_time(make_site, tmp_path, name):
    """A body shaped to make Markdown parsers slow or recursive still builds (the timeout only catches a hang)."""
    from conftest import VALID_RECORD

    text = VALID_RECORD.split("---\n## Introduction", 1)[0] + "---\n" + PATHOLOGICAL_BODIES[name]
    site = make_site({"content/records/rec.md": text})
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), "--no-search"],
                          capture_output=True, text=True, timeout=120, preexec_fn=limit_memory)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (out / "records" / "rec.html").stat().st_size > 0


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _good_then_changed(make_site, tmp_path) -> tuple[Path, Path, dict[str, bytes]]:
    from conftest import VALID_RECORD

    site = make_site({"content/records/rec.md": VALID_RECORD})
    out = tmp_path / "parent" / "public"
    out.parent.mkdir()
    first = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), "--no-search"],
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    (site / "content" / "records" / "rec.md").write_text(VALID_RECORD.replace("A valid record", "A changed record"))
    return site, out, _tree(out)


def test_disk_full_midway_leaves_the_previous_output(make_site, tmp_path):
    """Writes fail past 4 KiB (RLIMIT_FSIZE, as on a full disk): a clear error, the old site intact."""
    import resource
    import signal

    site, out, before = _good_then_changed(make_site, tmp_path)

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 10, 4 << 10))

    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), "--no-search"],
                          capture_output=True, text=True, timeout=120, preexec_fn=limit_file_size)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "sitegen:" in done.stderr
    assert _tree(out) == before
    # Only the output, its cache and build lock remain: no half-written temporary folder.
    assert sorted(p.name for p in out.parent.iterdir()) == [".public.cache", ".public.lock", "public"]


def test_read_only_output_parent_leaves_the_previous_output(make_site, tmp_path):
    """The output's parent cannot be written: the build says so and the old site stays byte-identical."""
    import os
    import shutil as sh

    site, out, before = _good_then_changed(make_site, tmp_path)
    parent = out.parent
    command = [sys.executable, "-m", "sitegen", "build", "--root", str(site), "--output", str(out), "--no-search"]
    # Root ignores permission bits, so as root the parent is made immutable instead (chattr +i), which
    # root cannot write into either; the build runs as itself, with the checkout it was installed from.
    immutable = os.geteuid() == 0 and sh.which("chattr") and subprocess.run(
        ["chattr", "+i", str(parent)], capture_output=True).returncode == 0
    if os.geteuid() == 0 and not immutable:
        # No immutable flag here: run the build as an unprivileged user who can read the site.
        setpriv = sh.which("setpriv")
        assert setpriv, "setpriv (util-linux) or chattr (e2fsprogs) is needed to make the parent unwritable for root"
        for path in [tmp_path, *tmp_path.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        command = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    if not immutable:
        parent.chmod(0o555)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "HOME": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"})
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(parent)], check=True)
        else:
            parent.chmod(0o755)
    assert done.returncode != 0, done.stderr
    assert "Traceback" not in done.stderr and "sitegen:" in done.stderr
    assert _tree(out) == before


def test_text_aimed_at_pagefind_attributes_stays_text():
    """The search document Pagefind reads: filters, sorts and metadata come from validated codes only."""
    from sitegen.search.index import search_document

    hostile = '" data-pagefind-filter="tier:doi-grade" x="<b data-pagefind-meta="title:pwned">'
    entry = {"id": "SRCH:BADBAD01", "title": hostile, "date": "2026-07-01", "score": None, "text": hostile + " body",
             "language": "en", "badges": [hostile],
             "filters": {"level": "L2", "gate": "verified", "tier": "watchlist", "status": "current", "language": "en"}}
    document = html5lib.parse(search_document(entry, "en"), treebuilder="etree", namespaceHTMLElements=False)
    filters = sorted(e.get("data-pagefind-filter") for e in document.iter() if e.get("data-pagefind-filter"))
    metas = sorted(e.get("data-pagefind-meta") for e in document.iter() if e.get("data-pagefind-meta"))
    assert filters == ["gate:verified", "language:en", "level:L2", "status:current", "tier:watchlist"]
    assert metas == ["badge0:" + hostile, "date:2026-07-01", "id:SRCH:BADBAD01", "lang:en", "score:", "title"]
    assert hostile in "".join(document.find(".//main").itertext())
