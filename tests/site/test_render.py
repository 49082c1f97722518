"""Rendering: Markdown and badge cases from tests/fixtures, and what a record page shows.

Fixture files hold one case per block (title . input . expected .); each case is
its own test, named by its line in the file.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from pathlib import Path

import html5lib
import pytest
import yaml
from conftest import ROOT, VALID_RECORD, record_with
from markdown_it.utils import read_fixture_file

from sitegen.engine.outputs import record_outputs
from sitegen.engine.pipeline import check
from sitegen.config import load_config
from sitegen.errors import BuildError, format_text
from sitegen.model import Record
from sitegen.search.index import script_json
from sitegen.search.offline import chunk_key, encode, fold, offline_index, words
from sitegen.site.markdown import is_safe_url, render_inline, render_markdown
from sitegen.site.render import (
    RECORD_IDS,
    artifact_out_path,
    badges_for,
    compile_layouts,
    filter_options,
    filter_values,
    render_index,
    context_for_record,
    record_cards,
    render_record,
    site_info,
    template_env,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"
SEEDS = FIXTURES / "seeds"


def cases(name: str) -> list[pytest.param]:
    return [pytest.param(title, given, expected, id=f"{name}:{line + 1}")
            for line, title, given, expected in read_fixture_file(FIXTURES / name)]


@pytest.mark.parametrize("title,given,expected", cases("markdown.md"))
def test_markdown_cases(title, given, expected):
    assert render_markdown(given, max_nesting=32).html == expected, title


@pytest.mark.parametrize("title,given,expected", cases("record-body.md"))
def test_record_body_cases(title, given, expected):
    reserved = RECORD_IDS | {"claim-1", "claim-2"}
    assert render_markdown(given, max_nesting=32, heading_offset=1, reserved_ids=reserved).html == expected, title


def test_markdown_nesting_is_bounded_by_the_limit():
    html = render_markdown("> " * 200 + "deep", max_nesting=20).html
    assert 0 < html.count("<blockquote>") <= 20


def test_inline_markdown_has_no_paragraph_and_no_markup_from_the_text():
    assert render_inline("An *abstract* with <b>tags</b> and [a link](javascript:x)", max_nesting=32) == \
        "An <em>abstract</em> with &lt;b&gt;tags&lt;/b&gt; and [a link](javascript:x)"


@pytest.mark.parametrize("url,safe", [
    ("https://example.org", True), ("HTTP://EXAMPLE.ORG", True), ("mailto:a@b.org", True), ("guide.html#x", True),
    ("#claim-1", True), ("../records/x.html", True), ("javascript:alert(1)", False), (" JavaScript:alert(1)", False),
    ("java\tscript:alert(1)", False), ("data:text/html,x", False), ("vbscript:x", False), ("file:///etc", False),
    ("//evil.example", False), ("\\\\evil.example", False), ("java%09script:alert(1)", False), ("x:y", False),
    ("records/a:b.html", True),
])
def test_only_http_mailto_and_relative_urls_are_safe(url, safe):
    assert is_safe_url(url) is safe


# ---- badges ----

def _merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in override.items()}}
    return override


def record_from(overrides: dict) -> Record:
    """VALID_RECORD's fields with overrides merged in; badges_for is pure, so no validation is needed."""
    fields = _merge(yaml.safe_load(VALID_RECORD.split("---\n")[1]), overrides)
    fields["submitted"] = str(fields["submitted"])
    return Record(slug="rec", rel_path="content/records/rec.md", id=fields["id"], title=fields["title"],
                  submitted=__import__("datetime").date(2026, 7, 1), language="en", fields=fields,
                  body_md="", body_line=1, digest="")


@pytest.fixture(scope="module")
def default_config(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    (root / "content" / "records").mkdir(parents=True)
    return load_config(root)


@pytest.mark.parametrize("title,given,expected", cases("badges.md"))
def test_badge_cases(title, given, expected, default_config):
    badges = badges_for(record_from(yaml.safe_load(given)), default_config)
    lines = [f'{b.kind} {b.value} "{b.label}" #{b.anchor}' for b in badges]
    assert lines == expected.splitlines(), title


def test_badges_explain_themselves_from_the_configuration(default_config):
    badges = {b.kind: b for b in badges_for(record_from({"corrections": {"status": "withdrawn"}}), default_config)}
    assert badges["level"].description == default_config.levels["L2"]["description"]
    assert badges["gate"].description.startswith("Gate 2 is Verification (formal proof or sandbox reproduction).")
    assert badges["tier"].description == default_config.tiers["watchlist"]["description"]
    assert badges["correction"].description == default_config.correction_statuses["withdrawn"]["description"]


def test_badges_for_is_a_pure_function(default_config):
    record = record_from({})
    before = copy.deepcopy(dict(record.fields))
    assert badges_for(record, default_config) == badges_for(record, default_config)
    assert dict(record.fields) == before


# ---- record pages ----

def records_of(site: Path):
    result = check(load_config(site))
    assert not result.errors, result.errors
    return result


def parse(html: bytes | str):
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


def page_of(make_site, record_text: str, **extra: str):
    site = make_site({"content/records/rec.md": record_text, **extra})
    result = records_of(site)
    config = load_config(site)
    info = site_info(config, result.pages)
    html, manifest = render_record(result.records[0], config, info)
    return parse(html.content), html, manifest


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.stem)
def test_record_page_shows_every_row_of_the_seed_page_in_its_order(seed):
    """The seed pages' tables (label | value), in order, appear on our page with the same values."""
    result = records_of(ROOT)
    config = load_config(ROOT)
    record = next(r for r in result.records if r.slug == seed.stem)
    page = parse(render_record(record, config, site_info(config, result.pages))[0].content)
    ours = [(text_of(div.find("dt")), text_of(div.find("dd")))
            for div in page.iter("div") if div.find("dt") is not None and div.find("dd") is not None]
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")]
            for line in seed.read_text(encoding="utf-8").splitlines() if line.startswith("| ")]
    labels = [label for label, _ in ours]
    position = -1
    for label, value, *_ in rows:
        label = {"Reproducibility status": "Reproducibility status"}.get(label, label)
        later = [i for i, name in enumerate(labels) if name == label and i > position]
        assert later, f"{label!r} is missing from the page, or out of the seed's order"
        position = later[0]
        shown = ours[position][1]
        if label == "Evaluated":
            assert page.find(".//time[@datetime='%s']" % value) is not None
        elif label in ("Status",) and value.isupper():
            assert shown == value  # the correction status, in capitals as on the seed
        else:
            assert shown.casefold() == value.casefold(), (label, shown, value)
    headings = [text_of(h) for h in page.iter("h2") if h.get("id", "").endswith("-h")]
    assert headings == ["Abstract", "Research question", "Verification level", "Gate verdict", "Quality tier",
                        "Quality dimensions", "Correction record", "Provenance", "Cite this record",
                        "Badge for a README or slide"]


def test_identity_line_counts_and_links(make_site):
    page, _, _ = page_of(make_site, VALID_RECORD)
    identity = {text_of(d.find("dt")): d.find("dd") for d in page.find(".//dl[@class='identity']")}
    assert text_of(identity["Submitted"]) == "1 July 2026"
    assert text_of(identity["Review score"]) == "7.50/10"
    assert text_of(identity["Verified claims"]) == "1"  # counted from the claims list, not typed
    doi = identity["DOI"].find("a")
    assert doi.get("href") == "https://doi.org/10.5281/zenodo.1" and "nofollow" in doi.get("rel")
    claims_summary = text_of(page.find(".//p[@class='section-summary']"))
    assert claims_summary == "2 extracted claims, 1 verified against a retrieved source."


def test_claims_have_stable_anchors_and_marks(make_site):
    page, _, _ = page_of(make_site, VALID_RECORD)
    rows = page.findall(".//table[@class='claims']/tbody/tr")
    assert [r.get("id") for r in rows] == ["claim-1", "claim-2"]
    assert [text_of(r.find("td[@class='mark']")) for r in rows] == ["✓Verified", "×Not verified"]
    assert [text_of(r.find("td[@class='num']")) for r in rows] == ["0.50", "0.20"]


def test_references_are_nofollow_noopener_links(make_site):
    page, _, _ = page_of(make_site, VALID_RECORD)
    links = page.findall(".//ol[@class='references']/li/a")
    assert [(a.get("href"), a.get("rel"), text_of(a)) for a in links] == [
        ("https://arxiv.org/abs/2004.12440", "nofollow noopener", "https://arxiv.org/abs/2004.12440"),
        ("https://example.org/paper", "nofollow noopener", "A titled reference"),
    ]


def test_current_records_have_no_notice(make_site):
    page, _, _ = page_of(make_site, VALID_RECORD)
    assert page.find(".//aside[@id='notice']") is None


def test_retracted_record_shows_a_notice_with_its_entries_before_the_abstract(make_site):
    retracted = record_with("  status: current\n  entries: []", """  status: retracted
  entries:
    - id: C1
      date: 2026-07-05
      kind: erratum
      summary: A figure was mislabelled.
    - id: C2
      date: 2026-07-09
      kind: retraction
      summary: The central claim does not hold.
      notice: https://example.org/notices/c2""")
    page, html, _ = page_of(make_site, retracted)
    notice = page.find(".//aside[@id='notice']")
    assert text_of(notice.find("h2")) == "Retracted"
    assert [text_of(li) for li in notice.findall(".//li")] == [
        "Erratum, 5 July 2026: A figure was mislabelled.",
        "Retraction, 9 July 2026: The central claim does not hold. Read the notice",
    ]
    body = html.content.decode()
    assert body.index('id="notice"') < body.index('id="abstract"')
    counts = {text_of(d.find("dt")): text_of(d.find("dd")) for d in page.find(".//section[@id='corrections']/dl")}
    assert counts["Correction count"] == "2" and counts["Status"] == "RETRACTED"
    assert [r.get("id") for r in page.findall(".//table[@class='entries']/tbody/tr")] == ["correction-c1", "correction-c2"]


def test_record_text_carries_the_record_language_and_auto_direction(make_site):
    arabic = record_with("language: en", "language: ar").replace("title: A valid record", "title: سجل صالح")
    page, _, _ = page_of(make_site, arabic)
    h1 = page.find(".//h1")
    assert (h1.get("lang"), h1.get("dir"), text_of(h1)) == ("ar", "auto", "سجل صالح")
    user_text = [e for e in page.iter() if e.get("lang") == "ar"]
    assert len(user_text) >= 8 and all(e.get("dir") == "auto" for e in user_text)
    assert page.get("lang") == "en"  # the page's own words are in the site's language


def test_manifest_is_the_front_matter_as_json(make_site):
    _, html, manifest = page_of(make_site, VALID_RECORD)
    assert str(manifest.out_path) == "records/rec.json"
    data = json.loads(manifest.content)
    assert data["id"] == "SRCH:0000AAAA" and data["claims"][1]["verified"] is False
    assert data == yaml.safe_load(VALID_RECORD.split("---\n")[1]) | {"submitted": "2026-07-01"}


def test_artifacts_of_a_runnable_type_are_published_as_text():
    record = dataclasses.replace(record_from({}), slug="x")
    assert str(artifact_out_path(record, "artifacts/x/repro.py")) == "artifacts/x/repro.py"
    assert str(artifact_out_path(record, "artifacts/x/Proof.HTML")) == "artifacts/x/Proof.HTML.txt"
    assert str(artifact_out_path(record, "a/b/figure.svg")) == "artifacts/x/figure.svg.txt"


def test_index_counts_come_from_the_records(make_site):
    second = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB").replace("  status: unverified", "  status: pending\n  evaluated: 2026-07-02T10:00:00Z")
    site = make_site({"content/records/a.md": VALID_RECORD, "content/records/b.md": second})
    result = records_of(site)
    config = load_config(site)
    filters = filter_options([filter_values(r) for r in result.records], config)
    gate = next(f for f in filters if f["key"] == "gate")
    assert {o["value"]: o["count"] for o in gate["options"]} == {"verified": 0, "unverified": 1, "failed": 0, "pending": 1}
    (index,) = render_index(result.records, config, site_info(config, result.pages))
    html = index.content.decode()
    assert str(index.out_path) == "index.html"
    assert 0 < html.index("SRCH:0000AAAA") < html.index("SRCH:0000BBBB")  # same date: by title, A before B


def test_record_context_uses_the_configured_labels(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD,
                      "site.yaml": "levels:\n  L2:\n    label: Grounded\n    description: Custom words.\n"})
    result = records_of(site)
    config = load_config(site)
    context = context_for_record(result.records[0], config, site_info(config, result.pages))
    assert context["verification"]["level"] == "L2, Grounded"
    assert context["badges"][0].label == "L2 · Grounded"


def test_a_template_using_an_unknown_value_is_a_build_error(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    (site / "layouts" / "record.html").write_text("{% extends 'base.html' %}{% block main %}{{ no_such_value }}{% endblock %}")
    template_env.cache_clear()
    result = records_of(site)
    config = load_config(site)
    with pytest.raises(BuildError) as raised:
        render_record(result.records[0], config, site_info(config, result.pages))
    assert str(raised.value) == ("layouts/record.html:1: 'no_such_value' is undefined "
                                 "(the template uses a value the page does not have)")
    assert [format_text(d) for d in raised.value.diagnostics] == [
        "layouts/record.html:1:1: error: 'no_such_value' is undefined (the template uses a value the page does not have) "
        "[template]"]
    template_env.cache_clear()


def test_a_template_syntax_error_names_file_and_line(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    (site / "layouts" / "record.html").write_text("line one\n{% if %}\n")
    template_env.cache_clear()
    result = records_of(site)
    config = load_config(site)
    with pytest.raises(BuildError, match=r"^layouts/record.html:2: "):
        render_record(result.records[0], config, site_info(config, result.pages))
    template_env.cache_clear()


def test_a_syntax_error_in_the_cards_partial_is_a_build_error_at_its_line(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    cards = site / "layouts" / "partials" / "cards.html"
    cards.write_text(cards.read_text() + "{% endif %}\n")
    line = cards.read_text().count("\n")
    template_env.cache_clear()
    result = records_of(site)
    config = load_config(site)
    with pytest.raises(BuildError) as raised:  # was an internal error: the partial was loaded outside the try
        record_cards(result.records[0], config, site_info(config, result.pages))
    assert str(raised.value) == f"layouts/partials/cards.html:{line}: Encountered unknown tag 'endif'."
    template_env.cache_clear()


def test_any_exception_a_template_line_raises_names_that_line(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    (site / "layouts" / "record.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ 1 + 'one' }}\n{% endblock %}")
    template_env.cache_clear()
    result = records_of(site)
    config = load_config(site)
    with pytest.raises(BuildError) as raised:
        render_record(result.records[0], config, site_info(config, result.pages))
    assert [format_text(d) for d in raised.value.diagnostics] == [
        "layouts/record.html:3:1: error: TypeError: unsupported operand type(s) for +: 'int' and 'str' [template]"]
    template_env.cache_clear()


def test_every_layout_is_compiled_partials_and_unused_ones_included(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    (site / "layouts" / "partials" / "unused.html").write_text("one\ntwo {{ x | no_such_filter }}\n")
    (site / "layouts" / "404.html").write_text("{% block main %}\n")
    template_env.cache_clear()
    assert [format_text(d) for d in compile_layouts(site / "layouts")] == [
        "layouts/404.html:1:1: error: Unexpected end of template. Jinja was looking for the following tags: "
        "'endblock'. The innermost block that needs to be closed is 'block'. [template]",
        "layouts/partials/unused.html:2:1: error: No filter named 'no_such_filter'. [template]",
    ]
    template_env.cache_clear()


def test_autoescape_is_on_for_every_template(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    env = template_env(site / "layouts")
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    template_env.cache_clear()


def test_search_data_json_cannot_end_a_script_or_open_a_comment():
    text = script_json({"t": "</script><!-- & \u2028"})
    assert text == '{"t":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u2028"}'
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


def offline_chunks(pages) -> dict[str, object]:
    """The offline index's files as name -> data, after checking each is one SITEGEN_SEARCH_CHUNK call."""
    chunks = {}
    for page in pages:
        match = re.fullmatch(r'SITEGEN_SEARCH_CHUNK\("([^"]+)",(.*)\);\n', page.content.decode(), re.S)
        assert match and f"search/{match.group(1)}.js" == str(page.out_path)
        chunks[match.group(1)] = json.loads(match.group(2))
    return chunks


def test_search_entry_holds_the_text_readers_search(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    result = records_of(site)
    config = load_config(site)
    _, entry_json, _, _ = record_outputs(result.records[0], config, site_info(config, result.pages))
    entry = json.loads(entry_json)
    assert entry["url"] == "records/rec.html" and entry["filters"] == {
        "level": "L2", "gate": "unverified", "tier": "watchlist", "status": "current", "language": "en"}
    assert "The body of the report." in entry["text"] and "The second claim." in entry["text"]
    assert "An abstract with emphasis." in entry["text"] and "*" not in entry["text"]
    # Record text only: the page's labels and explanations are not what a reader searches for.
    assert "Paper level" not in entry["text"] and "Descriptive public" not in entry["text"]
    assert entry["badges"][0] == "L2 · Source-grounded claims" and "Verification level:" not in entry["text"]
    assert entry["abstract"] == "An abstract with emphasis."

    chunks = offline_chunks(offline_index([entry], config))
    assert chunks["manifest"]["count"] == 1 and chunks["manifest"]["filters"]["gate"] == {"unverified": 1}
    assert chunks["w/62-6f"]["body"] == "0"  # "body" -> record 0
    assert chunks["f/level/L2"] == "0"
    assert chunks["r/0"][0][:3] == ["records/rec.html", "SRCH:0000AAAA", "A valid record"]


def test_offline_index_words_and_record_lists():
    # As Pagefind: the whole piece and its parts, no diacritics (tests/search/test_pagefind_words.py).
    assert words("Zero-shot NER, naïve CAFÉ 2026") == {"zeroshot", "zero", "shot", "ner", "naive", "cafe", "2026"}
    assert chunk_key("na") == "6e-61" and chunk_key(fold("Éa")) == "65-61"
    assert encode([0, 3, 4, 50]) == "0.3.1.1a"
    assert encode([]) == ""

def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_badges_and_text_meet_wcag_aa_contrast(scheme):
    css = (ROOT / "assets" / "site.css").read_text(encoding="utf-8")
    light, rest = css.split("@media (prefers-color-scheme: dark)", 1)
    block = light if scheme == "light" else rest.split("\n}\n", 1)[0]
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))
    pairs = [(k, k[:-3] + "-fg") for k in colours if k.startswith("b-") and k.endswith("-bg")]
    assert len(pairs) == 8
    pairs += [("surface", "text"), ("surface", "muted"), ("bg", "muted"), ("surface", "accent"), ("notice-bg", "notice-text"),
              ("mark", "mark-text")]
    for background, foreground in pairs:
        assert _contrast(colours[background], colours[foreground]) >= 4.5, (scheme, background, foreground)


def test_large_word_chunks_are_split_by_one_more_letter(monkeypatch):
    import sitegen.search.offline as offline

    monkeypatch.setattr(offline, "CHUNK_BYTES", 40)
    postings = {"re": "0", "result": "0.1", "results": "1", "research": "2", "rest": "3", "ab": "4"}
    chunks = offline.word_chunks(postings)
    # Every word in exactly one chunk whose key starts it; "re" stays under the shorter key.
    assert sorted(w for c in chunks.values() for w in c) == sorted(postings)
    assert all(word.startswith(key) for key, c in chunks.items() for word in c)
    assert chunks["re"] == {"re": "0"} and "ab" in chunks and len(chunks) > 3


def test_words_that_share_a_long_prefix_still_come_in_bounded_chunks():
    import sitegen.search.offline as offline

    # Every record's DOI is a word, and a registry's DOIs share their first twelve letters (105281zenodo):
    # a chunk keyed by eight letters would hold them all, one more record at a time.
    postings = {f"105281zenodo{n:07d}": offline.encode([n]) for n in range(0, 120_000, 7)}
    chunks = offline.word_chunks(postings)
    sizes = [sum(len(w) + len(n) + 6 for w, n in chunk.items()) for chunk in chunks.values()]
    assert sum(len(c) for c in chunks.values()) == len(postings)
    assert max(sizes) <= offline.CHUNK_BYTES
