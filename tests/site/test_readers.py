"""Feeds, harvest files, SVG badges and browse pages, read back by real parsers.

Both Atom feeds (feedparser, and xml.etree for what RFC 4287 requires),
records.json (jsonschema), sitemap.xml (xml.etree), SVG badges (xml.etree, with
contrast computed from the file), browse pages and the 404 page (html5lib), and
every machine-readable output of the hostile records.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import xml.etree.ElementTree as ET

import feedparser
import html5lib
import jsonschema
from conftest import ROOT, VALID_RECORD
from reader_outputs import BASE, BASIC, build_site, copy_of_basic, parse_bibtex, parse_html, parse_ris, unescape_bibtex

from sitegen.config import load_config

SVG = "{http://www.w3.org/2000/svg}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


# ---- feeds ----

def test_the_records_feed_is_valid_atom_newest_first(basic_hosted, basic_local):
    for out, records in (basic_hosted, basic_local):
        feed = feedparser.parse((out / "feeds/records.xml").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        newest_first = sorted(records.values(), key=lambda r: r.submitted, reverse=True)
        assert [e.id for e in feed.entries] == [e.id for e in feed.entries if e.id.startswith("urn:uuid:")]
        titles = [e.title for e in feed.entries]
        assert titles == [r.title if r.correction_status == "current" else
                          f"[{r.correction_status.capitalize()}] {r.title}" for r in newest_first]
        assert [e.published[:10] for e in feed.entries] == [r.submitted.isoformat() for r in newest_first]
        assert all(e.author == "Assignee Research" and e.updated and e.summary for e in feed.entries)
        newest_change = max(r.updated for r in records.values()).isoformat()
        assert feed.feed.updated == newest_change + "T00:00:00Z"  # the newest entry's, never the clock
    hosted_feed = feedparser.parse((basic_hosted[0] / "feeds/records.xml").read_bytes())
    assert hosted_feed.entries[0].link == BASE + "records/quokka-transfer-verified.html"
    assert any(link.rel == "self" and link.href == BASE + "feeds/records.xml" for link in hosted_feed.feed.links)
    local_feed = feedparser.parse((basic_local[0] / "feeds/records.xml").read_bytes())
    assert local_feed.entries[0].link == "../records/quokka-transfer-verified.html"  # relative to the feed
    # Ids do not depend on where the site is hosted.
    assert [e.id for e in hosted_feed.entries] == [e.id for e in local_feed.entries]


def test_the_corrections_feed_lists_every_correction_newest_first(basic_hosted):
    out, records = basic_hosted
    feed = feedparser.parse((out / "feeds/corrections.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    expected = sorted(((e["date"], r, e) for r in records.values() for e in r.fields["corrections"]["entries"]),
                      key=lambda t: (t[0], t[1].id, t[2]["id"]), reverse=True)
    assert [e.summary for e in feed.entries] == [entry["summary"] for _, _, entry in expected]
    assert [e.updated[:10] for e in feed.entries] == [date for date, _, _ in expected]
    retraction = next(e for e in feed.entries if e.title.startswith("Retraction: "))
    assert retraction.link == BASE + "records/retracted-synthesis.html#correction-c2"
    assert any(link.rel == "related" and link.href == "https://example.org/notices/srch-deadbeef-c2"
               for link in retraction.links)
    assert len({e.id for e in feed.entries}) == len(feed.entries)
    root = ET.parse(out / "feeds/corrections.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    for entry in root.iter(atom + "entry"):  # what RFC 4287 requires of every entry
        assert all(entry.find(atom + tag) is not None for tag in ("id", "title", "updated", "author", "link"))


# ---- records.json, sitemap, robots, 404 ----

def read_dumps(out, data) -> list[dict]:
    """Every record line of the dumps records.json lists, after checking each dump's count, size and hash."""
    items = []
    for dump in data["dumps"]:
        raw = (out / dump["file"]).read_bytes()
        assert len(raw) == dump["bytes"] and hashlib.sha256(raw).hexdigest() == dump["sha256"]
        lines = [json.loads(line) for line in raw.decode("utf-8").splitlines()]
        assert len(lines) == dump["count"] and all(item["id"].startswith(dump["ids"]) for item in lines)
        items += lines
    return items


def test_records_json_validates_and_holds_every_manifest(basic_hosted):
    out, records = basic_hosted
    data = json.loads((out / "records.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "contracts/records-index-v2.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    validator.validate(data)
    items = read_dumps(out, data)
    record_schema = {**schema["$defs"]["record"], "$defs": schema["$defs"]}
    assert data["count"] == len(records) == len(items)
    assert [item["id"] for item in items] == sorted(r.id for r in records.values())
    for item in items:
        jsonschema.Draft202012Validator(record_schema, format_checker=jsonschema.FormatChecker()).validate(item)
        record = next(r for r in records.values() if r.id == item["id"])
        assert item["manifest"] == json.loads((out / item["manifest_file"]).read_text(encoding="utf-8"))
        assert item["manifest"] == json.loads(json.dumps(dict(record.fields)))
        assert item["contract"] == record.fields["contract"] == "paper-manifest-v1.1"
        contract = json.loads((out / item["contract_schema"]).read_text(encoding="utf-8"))
        jsonschema.validate(item["manifest"], contract)
        assert item["url"] == BASE + item["page"] and (out / item["page"]).is_file()
        assert item["updated"] == record.updated.isoformat()


def test_large_registries_get_a_sitemap_index(monkeypatch):
    import sitegen.site.harvest as harvest

    monkeypatch.setattr(harvest, "SITEMAP_URLS", 3)
    pages = harvest.sitemap_files([f"page/{n}.html" for n in range(7)], [], BASE)
    assert [str(p.out_path) for p in pages] == ["sitemap.xml", "sitemaps/1.xml", "sitemaps/2.xml", "sitemaps/3.xml"]
    index = ET.fromstring(pages[0].content)
    assert index.tag == SITEMAP + "sitemapindex"
    assert [s.find(SITEMAP + "loc").text for s in index] == [f"{BASE}sitemaps/{n}.xml" for n in (1, 2, 3)]
    listed = [u.find(SITEMAP + "loc").text for p in pages[1:] for u in ET.fromstring(p.content)]
    assert listed == sorted(f"{BASE}page/{n}.html" for n in range(7))


def test_sitemap_and_robots_list_absolute_urls_only_with_a_base_url(basic_hosted, basic_local):
    out, records = basic_hosted
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == SITEMAP + "urlset"
    urls = {u.find(SITEMAP + "loc").text: u.find(SITEMAP + "lastmod") for u in root.iter(SITEMAP + "url")}
    html = {BASE + p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {BASE + "404.html"}
    assert set(urls) == html
    for record in records.values():
        assert urls[BASE + record.url].text == record.updated.isoformat()
    assert (out / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    assert not (basic_local[0] / "sitemap.xml").exists() and not (basic_local[0] / "robots.txt").exists()
    assert (basic_local[0] / "records.json").is_file()


def test_the_404_page_links_from_the_base_urls_path(basic_hosted, basic_local):
    links = [a.get("href") for a in parse_html(basic_hosted[0] / "404.html").iter("a")]
    assert "/reg/index.html" in links and "/reg/browse/index.html" in links
    styles = [link.get("href") for link in parse_html(basic_hosted[0] / "404.html").iter("link") if link.get("rel") == "stylesheet"]
    assert styles == ["/reg/assets/site.css"]
    assert "browse/index.html" in [a.get("href") for a in parse_html(basic_local[0] / "404.html").iter("a")]


# ---- SVG badges ----

def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_svg_badges_are_svg_with_the_records_values_and_aa_contrast(basic_local):
    out, records = basic_local
    for slug, record in records.items():
        root = ET.parse(out / f"badges/{slug}.svg").getroot()
        assert root.tag == SVG + "svg" and root.get("role") == "img"
        texts = [t.text for t in root.iter(SVG + "text")]
        gate = record.fields["gate"]
        assert texts[:3] == [record.id, record.fields["verification"]["level"], f"Gate {gate['gate']}: {gate['status'].capitalize()}"]
        assert texts[4].lower().replace(" ", "-").replace("expression-of-concern", "expression-of-concern") == record.correction_status
        assert root.find(SVG + "title").text == root.get("aria-label") and record.id in root.get("aria-label")
        fills = [r.get("fill") for r in root.iter(SVG + "rect") if r.get("fill")]
        assert len(fills) == len(texts) == 5
        for fill, text in zip(fills, root.iter(SVG + "text")):
            assert contrast(fill, text.get("fill")) >= 4.5, (slug, fill, text.get("fill"))
        assert not list(root.iter(SVG + "script")) and "href" not in (out / f"badges/{slug}.svg").read_text()


def test_badge_text_from_the_configuration_is_escaped(tmp_path):
    site = copy_of_basic(tmp_path, "site", {"site.yaml": "title: T\ntiers:\n  watchlist:\n    label: '<b>Watch & see</b>'\n"})
    out, records = build_site(site, tmp_path / "out")
    root = ET.parse(out / "badges/retracted-synthesis.svg").getroot()
    assert [t.text for t in root.iter(SVG + "text")][3] == "<b>Watch & see</b>"


def test_the_record_page_embeds_its_badge_with_snippets(basic_hosted, basic_local):
    page = parse_html(basic_hosted[0] / "records/quokka-transfer-verified.html")
    image = page.find(".//section[@id='share']//img")
    assert image.get("src") == "../badges/quokka-transfer-verified.svg" and image.get("alt").startswith("SRCH:")
    markdown = page.find(".//textarea[@id='share-markdown']").text
    assert markdown.endswith(f"({BASE}badges/quokka-transfer-verified.svg)]({BASE}records/quokka-transfer-verified.html)")
    snippet = html5lib.parseFragment(page.find(".//textarea[@id='share-html']").text, treebuilder="etree",
                                     namespaceHTMLElements=False)
    link = snippet.find("a")
    assert link.get("href") == BASE + "records/quokka-transfer-verified.html"
    assert link.find("img").get("src") == BASE + "badges/quokka-transfer-verified.svg"
    local_page = parse_html(basic_local[0] / "records/quokka-transfer-verified.html")
    assert "(badges/quokka-transfer-verified.svg)" in local_page.find(".//textarea[@id='share-markdown']").text


# ---- browse pages ----

def test_browse_pages_list_each_record_under_each_of_its_values(basic_local):
    out, records = basic_local
    config = load_config(BASIC)
    values = {"level": config.levels, "gate": config.gate_statuses, "tier": config.tiers,
              "status": config.correction_statuses}
    index_links = {a.get("href") for a in parse_html(out / "browse/index.html").iter("a")}
    for key, codes in values.items():
        for code in codes:
            path = out / f"browse/{key}-{code.lower()}.html"
            page = parse_html(path)
            assert f"{key}-{code.lower()}.html" in {h.rsplit("/", 1)[-1] for h in index_links if h}
            assert not list(page.iter("script")), "a browse page works without JavaScript"
            listed = {a.get("href") for a in page.iterfind(".//h2[@class='card-title']/a")}
            expected = {"../" + r.url for r in records.values()
                        if {"level": r.fields["verification"]["level"], "gate": r.fields["gate"]["status"],
                            "tier": r.fields["tier"]["tier"], "status": r.correction_status}[key] == code}
            assert listed == expected, path


def test_badges_on_record_pages_and_the_index_link_to_browse_pages(basic_local):
    out, _ = basic_local
    record = parse_html(out / "records/retracted-synthesis.html")
    hrefs = [a.get("href") for a in record.find(".//header[@id='identity']").iterfind(".//a[@data-badge]")]
    assert hrefs == ["../browse/level-l1.html", "../browse/gate-failed.html", "../browse/tier-watchlist.html",
                     "../browse/status-retracted.html"]
    index = parse_html(out / "index.html")
    assert all(a.get("href").startswith("browse/") for a in index.iterfind(".//a[@data-badge]"))


# ---- hostile records ----

def test_every_readers_output_of_hostile_records_still_parses(make_site, tmp_path):
    """tests/hostile/ puts markup, script and dangerous URLs in every field; every machine-readable output stays valid."""
    files = {f"content/records/{p.name}": p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/hostile").glob("*.md"))}
    out, records = build_site(make_site(files), tmp_path / "out", BASE)
    for name in ("records.xml", "corrections.xml"):
        feed = feedparser.parse((out / "feeds" / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
    titles = [e.title for e in feedparser.parse((out / "feeds/records.xml").read_bytes()).entries]
    for slug, record in records.items():
        assert any(record.title in title for title in titles)  # markup in a title is text in the feed
        [entry] = parse_bibtex((out / f"records/{slug}.bib").read_text(encoding="utf-8"))
        assert unescape_bibtex(entry["title"]) == "{" + " ".join(record.title.split()) + "}"
        assert json.loads((out / f"records/{slug}.csl.json").read_text(encoding="utf-8"))[0]["title"] == record.title
        assert parse_ris((out / f"records/{slug}.ris").read_text(encoding="utf-8"))[-1] == ("ER", "")
        svg = ET.parse(out / f"badges/{slug}.svg").getroot()
        assert svg.tag == SVG + "svg" and not list(svg.iter(SVG + "script"))
        html = (out / f"records/{slug}.html").read_text(encoding="utf-8")
        block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        assert json.loads(block)["headline"] == record.title
    data = json.loads((out / "records.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, json.loads((out / "contracts/records-index-v2.json").read_text(encoding="utf-8")))
    assert {item["manifest"]["title"] for item in read_dumps(out, data)} == {r.title for r in records.values()}
    ET.parse(out / "sitemap.xml")


def test_older_feed_entries_are_in_archived_feed_documents(make_site, monkeypatch):
    """RFC 5005 archives: the current feed holds the newest entries, archives the rest in fixed chunks from the oldest."""
    import sitegen.site.feeds as feeds
    from sitegen.config import load_config
    from sitegen.engine.pipeline import check
    from sitegen.site.render import index_order

    monkeypatch.setattr(feeds, "FEED_ENTRIES", 2)
    site = make_site({"content/records/rec.md": VALID_RECORD})
    config = load_config(site)
    record = check(config).records[0]
    records = [dataclasses.replace(record, id=f"SRCH:0000000{n}", slug=f"r{n}", submitted=dt.date(2026, 7, 1 + n))
               for n in range(5)]
    pages = {str(p.out_path): ET.fromstring(p.content) for p in feeds.feed_files(records, config, None)}
    atom, fh = "{http://www.w3.org/2005/Atom}", "{http://purl.org/syndication/history/1.0}"
    assert {"feeds/records.xml", "feeds/archive/records-1.xml", "feeds/archive/records-2.xml"} <= set(pages)
    assert "feeds/archive/records-3.xml" not in pages  # the newest entry is only in the current feed

    def links(doc):
        return {link.get("rel"): link.get("href") for link in doc.iter(atom + "link")}

    def ids(doc):
        return [e.find(atom + "id").text for e in doc.iter(atom + "entry")]

    current = pages["feeds/records.xml"]
    assert ids(current) == [feeds.entry_id(r.id) for r in index_order(records)[:2]]
    assert links(current)["prev-archive"] == "../feeds/archive/records-2.xml" and current.find(fh + "archive") is None
    newest, oldest = pages["feeds/archive/records-2.xml"], pages["feeds/archive/records-1.xml"]
    assert newest.find(fh + "archive") is not None and links(newest)["current"] == "../../feeds/records.xml"
    assert links(newest)["prev-archive"] == "../../feeds/archive/records-1.xml" and "next-archive" not in links(newest)
    assert links(oldest)["next-archive"] == "../../feeds/archive/records-2.xml" and "prev-archive" not in links(oldest)
    assert ids(oldest) == [feeds.entry_id(f"SRCH:0000000{n}") for n in (1, 0)]
    everything = ids(current) + ids(newest) + ids(oldest)
    assert sorted(set(everything)) == sorted(feeds.entry_id(r.id) for r in records)
