"""Readers' outputs, each read back by a real parser and checked against the source records.

Citations (bibtexparser, RIS lines, json), JSON-LD and the Scholar and OpenGraph
tags (html5lib + json), both Atom feeds (feedparser), records.json (jsonschema),
sitemap.xml (xml.etree), SVG badges (xml.etree, contrast computed from the file),
browse pages, the 404 page and the "Suggest a correction" link.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import bibtexparser
import feedparser
import html5lib
import jsonschema
import pytest
from bibtexparser.bparser import BibTexParser

from conftest import ROOT, VALID_RECORD, record_with
from sitegen.config import load_config
from sitegen.errors import ConfigError
from sitegen.pipeline import build, check

BASIC = Path(__file__).parent / "sites" / "basic"
BASE = "https://registry.example.org/reg/"
SVG = "{http://www.w3.org/2000/svg}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def build_site(site: Path, out: Path, base_url: str | None = None) -> tuple[Path, dict]:
    """Build site into out without the search index; also return its records by slug."""
    config = load_config(site, output_dir=out, base_url=base_url)
    assert build(config, search=False).ok
    return out, {r.slug: r for r in check(config).records}


def copy_of_basic(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    site = tmp_path / name
    shutil.copytree(BASIC, site)
    for folder in ("layouts", "assets"):
        shutil.copytree(ROOT / folder, site / folder)
    for rel, text in (extra or {}).items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """tests/sites/basic built with a base URL under a subpath."""
    base = tmp_path_factory.mktemp("hosted")
    return build_site(copy_of_basic(base, "site"), base / "out", BASE)


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """tests/sites/basic built with no base URL, as for reading from disk."""
    base = tmp_path_factory.mktemp("local")
    return build_site(copy_of_basic(base, "site"), base / "out")


def parse_html(path: Path):
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def metas(document, attr: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in document.iter("meta"):
        if meta.get(attr):
            out.setdefault(meta.get(attr), []).append(meta.get("content"))
    return out


def parse_bibtex(text: str) -> list[dict]:
    return bibtexparser.loads(text, BibTexParser(common_strings=True)).entries


def unescape_bibtex(value: str) -> str:
    for escape, char in ((r"\textbackslash{}", "\\"), (r"\textbraceleft{}", "{"), (r"\textbraceright{}", "}"),
                         (r"\textasciicircum{}", "^"), (r"\textasciitilde{}", "~"), (r"\%", "%"), (r"\&", "&"),
                         (r"\$", "$"), (r"\#", "#"), (r"\_", "_")):
        value = value.replace(escape, char)
    return value


def parse_ris(text: str) -> list[tuple[str, str]]:
    lines = text.splitlines()
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines), lines
    return [(line[:2], line[6:]) for line in lines]


# ---- citations ----

@pytest.mark.parametrize("slug", ["quokka-transfer-verified", "retracted-synthesis", "pending-lexicon-study",
                                  "arabic-ner-survey"])
def test_bibtex_ris_and_csl_files_hold_the_records_values(hosted, slug):
    out, records = hosted
    record = records[slug]
    fields = record.fields
    [entry] = parse_bibtex((out / f"records/{slug}.bib").read_text(encoding="utf-8"))
    assert entry["ENTRYTYPE"] == "techreport" and entry["ID"] == record.id
    assert unescape_bibtex(entry["title"]) == "{" + record.title + "}"
    assert entry["author"] == "{" + fields["publisher"] + "}" and entry["number"] == record.id
    assert entry["year"] == str(record.submitted.year) and entry["date"] == record.submitted.isoformat()
    assert entry["url"] == BASE + record.url
    assert entry.get("doi") == fields.get("doi")

    ris = parse_ris((out / f"records/{slug}.ris").read_text(encoding="utf-8"))
    assert ris[0] == ("TY", "RPRT") and ris[-1] == ("ER", "")
    tags = dict(ris)
    assert tags["TI"] == record.title and tags["ID"] == record.id and tags["PB"] == fields["publisher"]
    assert tags["DA"] == record.submitted.strftime("%Y/%m/%d/") and tags.get("DO") == fields.get("doi")

    [item] = json.loads((out / f"records/{slug}.csl.json").read_text(encoding="utf-8"))
    assert item["id"] == record.id and item["type"] == "report" and item["title"] == record.title
    assert item["issued"]["date-parts"] == [[record.submitted.year, record.submitted.month, record.submitted.day]]
    assert item["author"] == [{"literal": fields["publisher"]}] and item["URL"] == BASE + record.url
    assert item.get("DOI") == fields.get("doi")


def test_a_retracted_records_citation_says_so_in_every_format(local):
    out, records = local
    slug = "retracted-synthesis"
    [entry] = parse_bibtex((out / f"records/{slug}.bib").read_text(encoding="utf-8"))
    assert "Retracted 2026-07-02" in entry["note"]
    assert ("N1", "Retracted 2026-07-02") in parse_ris((out / f"records/{slug}.ris").read_text(encoding="utf-8"))
    [item] = json.loads((out / f"records/{slug}.csl.json").read_text(encoding="utf-8"))
    assert item["status"] == "Retracted" and item["note"] == "Retracted 2026-07-02"
    page = parse_html(out / f"records/{slug}.html")
    text = "".join(page.find(".//p[@class='cite-text']").itertext())
    assert "[Retracted 2026-07-02]" in text and "SRCH:DEADBEEF" in text
    # A record that stands carries no warning, and without a base URL no file path is cited as a URL.
    [current] = parse_bibtex((out / "records/arabic-ner-survey.bib").read_text(encoding="utf-8"))
    assert "Retracted" not in current["note"] and "url" not in current


def test_the_cite_boxes_hold_the_same_text_as_the_files_and_link_them(local):
    out, _ = local
    page = parse_html(out / "records/quokka-transfer-verified.html")
    for key, suffix in (("bibtex", ".bib"), ("ris", ".ris"), ("csl", ".csl.json")):
        box = page.find(f".//textarea[@id='cite-{key}']")
        assert box.text == (out / f"records/quokka-transfer-verified{suffix}").read_text(encoding="utf-8")
        link = page.find(f".//a[@href='quokka-transfer-verified{suffix}']")
        assert link is not None and "download" in link.attrib
        assert page.find(f".//button[@data-copy='cite-{key}']") is not None


def test_hostile_text_cannot_unbalance_a_bibtex_entry(make_site, tmp_path):
    title = r"Braces } { and \end{document} 100% & $x_1^2$ #1 ~ \\"
    record = record_with("title: A valid record", "title: " + json.dumps(title))
    record = record.replace("abstract: An abstract with *emphasis*.", 'abstract: "Unbalanced { brace and @misc{x, title={y}}"')
    out, records = build_site(make_site({"content/records/hostile.md": record}), tmp_path / "out")
    text = (out / "records/hostile.bib").read_text(encoding="utf-8")
    [entry] = parse_bibtex(text)
    assert unescape_bibtex(entry["title"]) == "{" + title + "}"
    assert entry["note"] == "Registry record SRCH:0000AAAA" and entry["month"] == "July"  # fields after the abstract survive
    assert text.count("{") == text.count("}")


# ---- metadata in the page head ----

def test_json_ld_is_a_scholarly_article_with_its_corrections(hosted):
    out, records = hosted
    record = records["retracted-synthesis"]
    page = parse_html(out / "records/retracted-synthesis.html")
    [script] = [s for s in page.iter("script") if s.get("type") == "application/ld+json"]
    data = json.loads(script.text)
    assert data["@context"] == "https://schema.org" and data["@type"] == "ScholarlyArticle"
    assert data["headline"] == record.title and data["datePublished"] == "2026-06-20"
    assert data["dateModified"] == "2026-07-02" and data["creativeWorkStatus"] == "Retracted"
    assert data["url"] == data["@id"] == BASE + "records/retracted-synthesis.html"
    assert {"@type": "PropertyValue", "propertyID": "registry-id", "value": "SRCH:DEADBEEF"} in data["identifier"]
    entries = record.fields["corrections"]["entries"]
    assert [c["text"] for c in data["correction"]] == [e["summary"] for e in entries]
    assert all(c["@type"] == "CorrectionComment" for c in data["correction"])
    assert data["correction"][1]["url"] == "https://example.org/notices/srch-deadbeef-c2"
    doi = records["quokka-transfer-verified"].fields["doi"]
    other = json.loads(next(s for s in parse_html(out / "records/quokka-transfer-verified.html").iter("script")
                            if s.get("type") == "application/ld+json").text)
    assert other["sameAs"] == "https://doi.org/" + doi
    assert ("correction" in other) == bool(records["quokka-transfer-verified"].fields["corrections"]["entries"])


def test_json_ld_cannot_be_closed_by_a_title(make_site, tmp_path):
    title = "</script><script>alert(1)</script> & <!-- x"
    record = record_with("title: A valid record", "title: " + json.dumps(title))
    out, _ = build_site(make_site({"content/records/hostile.md": record}), tmp_path / "out")
    html = (out / "records/hostile.html").read_text(encoding="utf-8")
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["headline"] == title


def test_scholar_tags_and_open_graph_with_a_base_url(hosted):
    out, records = hosted
    record = records["quokka-transfer-verified"]
    page = parse_html(out / "records/quokka-transfer-verified.html")
    names = metas(page, "name")
    assert names["citation_title"] == [record.title]
    assert names["citation_author"] == [record.fields["publisher"]]
    assert names["citation_publication_date"] == [record.submitted.strftime("%Y/%m/%d")]
    assert names["citation_doi"] == [record.fields["doi"]]
    assert names["citation_technical_report_number"] == [record.id]
    assert names["citation_abstract_html_url"] == [BASE + record.url]
    props = metas(page, "property")
    assert props["og:type"] == ["article"] and props["og:title"] == [record.title]
    assert props["og:url"] == [BASE + record.url] and props["article:published_time"] == [record.submitted.isoformat()]
    canonical = [link.get("href") for link in page.iter("link") if link.get("rel") == "canonical"]
    assert canonical == [BASE + record.url]
    index = parse_html(out / "index.html")
    assert metas(index, "property")["og:type"] == ["website"]


def test_without_a_base_url_there_is_no_canonical_or_open_graph(local):
    out, _ = local
    page = parse_html(out / "records/quokka-transfer-verified.html")
    assert not [m for m in metas(page, "property") if m.startswith("og:")]
    assert not [link for link in page.iter("link") if link.get("rel") == "canonical"]
    assert "citation_title" in metas(page, "name")  # Scholar's tags need no absolute URL


# ---- feeds ----

def test_the_records_feed_is_valid_atom_newest_first(hosted, local):
    for out, records in (hosted, local):
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
    hosted_feed = feedparser.parse((hosted[0] / "feeds/records.xml").read_bytes())
    assert hosted_feed.entries[0].link == BASE + "records/quokka-transfer-verified.html"
    assert any(link.rel == "self" and link.href == BASE + "feeds/records.xml" for link in hosted_feed.feed.links)
    local_feed = feedparser.parse((local[0] / "feeds/records.xml").read_bytes())
    assert local_feed.entries[0].link == "../records/quokka-transfer-verified.html"  # relative to the feed
    # Ids do not depend on where the site is hosted.
    assert [e.id for e in hosted_feed.entries] == [e.id for e in local_feed.entries]


def test_the_corrections_feed_lists_every_correction_newest_first(hosted):
    out, records = hosted
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

def test_records_json_validates_and_holds_every_manifest(hosted):
    out, records = hosted
    data = json.loads((out / "records.json").read_text(encoding="utf-8"))
    schema = json.loads((out / "contracts/records-index-v1.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(data)
    assert data["count"] == len(records) == len(data["records"])
    assert [item["id"] for item in data["records"]] == sorted(r.id for r in records.values())
    for item in data["records"]:
        record = next(r for r in records.values() if r.id == item["id"])
        assert item["manifest"] == json.loads((out / item["manifest_file"]).read_text(encoding="utf-8"))
        assert item["manifest"] == json.loads(json.dumps(dict(record.fields)))
        assert item["contract"] == record.fields["contract"] == "paper-manifest-v1.1"
        contract = json.loads((out / item["contract_schema"]).read_text(encoding="utf-8"))
        jsonschema.validate(item["manifest"], contract)
        assert item["url"] == BASE + item["page"] and (out / item["page"]).is_file()
        assert item["updated"] == record.updated.isoformat()


def test_sitemap_and_robots_list_absolute_urls_only_with_a_base_url(hosted, local):
    out, records = hosted
    root = ET.parse(out / "sitemap.xml").getroot()
    assert root.tag == SITEMAP + "urlset"
    urls = {u.find(SITEMAP + "loc").text: u.find(SITEMAP + "lastmod") for u in root.iter(SITEMAP + "url")}
    html = {BASE + p.relative_to(out).as_posix() for p in out.rglob("*.html")} - {BASE + "404.html"}
    assert set(urls) == html
    for record in records.values():
        assert urls[BASE + record.url].text == record.updated.isoformat()
    assert (out / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n"
    assert not (local[0] / "sitemap.xml").exists() and not (local[0] / "robots.txt").exists()
    assert (local[0] / "records.json").is_file()


def test_the_404_page_links_from_the_base_urls_path(hosted, local):
    links = [a.get("href") for a in parse_html(hosted[0] / "404.html").iter("a")]
    assert "/reg/index.html" in links and "/reg/browse/index.html" in links
    styles = [link.get("href") for link in parse_html(hosted[0] / "404.html").iter("link") if link.get("rel") == "stylesheet"]
    assert styles == ["/reg/assets/site.css"]
    assert "browse/index.html" in [a.get("href") for a in parse_html(local[0] / "404.html").iter("a")]


# ---- SVG badges ----

def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_svg_badges_are_svg_with_the_records_values_and_aa_contrast(local):
    out, records = local
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


def test_the_record_page_embeds_its_badge_with_snippets(hosted, local):
    page = parse_html(hosted[0] / "records/quokka-transfer-verified.html")
    image = page.find(".//section[@id='share']//img")
    assert image.get("src") == "../badges/quokka-transfer-verified.svg" and image.get("alt").startswith("SRCH:")
    markdown = page.find(".//textarea[@id='share-markdown']").text
    assert markdown.endswith(f"({BASE}badges/quokka-transfer-verified.svg)]({BASE}records/quokka-transfer-verified.html)")
    snippet = html5lib.parseFragment(page.find(".//textarea[@id='share-html']").text, treebuilder="etree",
                                     namespaceHTMLElements=False)
    link = snippet.find("a")
    assert link.get("href") == BASE + "records/quokka-transfer-verified.html"
    assert link.find("img").get("src") == BASE + "badges/quokka-transfer-verified.svg"
    local_page = parse_html(local[0] / "records/quokka-transfer-verified.html")
    assert "(badges/quokka-transfer-verified.svg)" in local_page.find(".//textarea[@id='share-markdown']").text


# ---- browse pages ----

def test_browse_pages_list_each_record_under_each_of_its_values(local):
    out, records = local
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


def test_badges_on_record_pages_and_the_index_link_to_browse_pages(local):
    out, _ = local
    record = parse_html(out / "records/retracted-synthesis.html")
    hrefs = [a.get("href") for a in record.find(".//header[@id='identity']").iterfind(".//a[@data-badge]")]
    assert hrefs == ["../browse/level-l1.html", "../browse/gate-failed.html", "../browse/tier-watchlist.html",
                     "../browse/status-retracted.html"]
    index = parse_html(out / "index.html")
    assert all(a.get("href").startswith("browse/") for a in index.iterfind(".//a[@data-badge]"))


# ---- suggest a correction ----

def test_suggest_a_correction_opens_a_prefilled_issue(make_site, tmp_path):
    site = make_site({"content/records/valid.md": VALID_RECORD,
                      "site.yaml": "repository_url: https://github.com/example/registry/\n"})
    out, _ = build_site(site, tmp_path / "out", BASE)
    page = parse_html(out / "records/valid.html")
    links = [a.get("href") for a in page.iter("a") if "".join(a.itertext()) == "Suggest a correction"]
    assert links and len(set(links)) == 1
    url = urlsplit(links[0])
    assert (url.scheme, url.netloc, url.path) == ("https", "github.com", "/example/registry/issues/new")
    query = parse_qs(url.query)
    assert query["title"] == ["Correction: SRCH:0000AAAA A valid record"]
    assert f"Page: {BASE}records/valid.html" in query["body"][0] and "File: content/records/valid.md" in query["body"][0]


def test_suggest_a_correction_template_and_absence(make_site, tmp_path):
    site = make_site({"content/records/valid.md": VALID_RECORD,
                      "site.yaml": "repository_url: https://git.example.org/reg\n"
                                   "suggest_correction_url: '{repository_url}/edit/main/{path}?slug={slug}'\n"})
    out, _ = build_site(site, tmp_path / "out")
    links = {a.get("href") for a in parse_html(out / "records/valid.html").iter("a")}
    assert "https://git.example.org/reg/edit/main/content/records/valid.md?slug=valid" in links
    (site / "site.yaml").write_text("title: No repository\n")
    out, _ = build_site(site, tmp_path / "out2")
    assert "Suggest a correction" not in (out / "records/valid.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("template", ["javascript:alert(1)//{id}", "http://plain.example/{id}", "{unknown}/x",
                                      "https://ok.example/{id"])
def test_a_bad_suggestion_template_is_a_configuration_error(make_site, template):
    site = make_site({"site.yaml": f"suggest_correction_url: {json.dumps(template)}\n"})
    with pytest.raises(ConfigError):
        load_config(site)


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
    jsonschema.validate(data, json.loads((out / "contracts/records-index-v1.json").read_text(encoding="utf-8")))
    ET.parse(out / "sitemap.xml")
