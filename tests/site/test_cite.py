"""Citations and metadata for machines, read back by real parsers and checked against the records.

BibTeX (bibtexparser), RIS (line by line), CSL-JSON and JSON-LD (json), the
Scholar and OpenGraph tags (html5lib), and the "Suggest a correction" link.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import VALID_RECORD, record_with
from reader_outputs import BASE, build_site, metas, parse_bibtex, parse_html, parse_ris, unescape_bibtex

from sitegen.config import load_config
from sitegen.errors import ConfigError

# ---- citations ----

@pytest.mark.parametrize("slug", ["quokka-transfer-verified", "retracted-synthesis", "pending-lexicon-study",
                                  "arabic-ner-survey"])
def test_bibtex_ris_and_csl_files_hold_the_records_values(basic_hosted, slug):
    out, records = basic_hosted
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


def test_a_retracted_records_citation_says_so_in_every_format(basic_local):
    out, records = basic_local
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


def test_the_cite_boxes_hold_the_same_text_as_the_files_and_link_them(basic_local):
    out, _ = basic_local
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
    record = record.replace("publisher: Assignee Research", 'publisher: "Unbalanced { brace and @misc{x, title={y}}"')
    out, records = build_site(make_site({"content/records/hostile.md": record}), tmp_path / "out")
    text = (out / "records/hostile.bib").read_text(encoding="utf-8")
    [entry] = parse_bibtex(text)
    assert unescape_bibtex(entry["title"]) == "{" + title + "}"
    assert unescape_bibtex(entry["institution"]) == "Unbalanced { brace and @misc{x, title={y}}"
    assert entry["note"] == "Registry record SRCH:0000AAAA" and entry["month"] == "July"  # the fields after them survive
    assert text.count("{") == text.count("}")


# ---- metadata in the page head ----

def test_json_ld_is_a_scholarly_article_with_its_corrections(basic_hosted):
    out, records = basic_hosted
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


def test_scholar_tags_and_open_graph_with_a_base_url(basic_hosted):
    out, records = basic_hosted
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


def test_without_a_base_url_there_is_no_canonical_or_open_graph(basic_local):
    out, _ = basic_local
    page = parse_html(out / "records/quokka-transfer-verified.html")
    assert not [m for m in metas(page, "property") if m.startswith("og:")]
    assert not [link for link in page.iter("link") if link.get("rel") == "canonical"]
    assert "citation_title" in metas(page, "name")  # Scholar's tags need no absolute URL


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
