"""The offline index cuts words as the installed Pagefind does, checked against the real binary in Chromium.

sitegen/search/offline.py ports Pagefind's rules (white space, letters and
digits, case changes, diacritics, punctuation in queries). If a Pagefind
release changes them, this test fails on the weekly upstream job before a
reader sees the two engines disagree.
"""

from __future__ import annotations

import html
import subprocess
from pathlib import Path

import pytest
from browser import browser_page, serve_folder

from sitegen.search.index import _executable
from sitegen.search.offline import query_terms, words

PIECES = ["AfroXLMR", "AfroXLMR,", "mBERT.", "WKWebVIEWComponent", "LaBSE", "XLM-R", "mT5-XL", "fine-tuning",
          "zero-shot", "e.g.", "l'alphabet", "TyDi", "GPT4oMini", "ABCdef", "naïve", "über-cool", "snake_case",
          "2026-07-01", "(Belebele)", "model’s", "IndicBERTv2", "Qwen2.5", "Llama3Chat", "fooBar2", "café", "Ærø",
          "straße", "İstanbul", "résumé-writing", "العربية", "Ａｂｃ"]
QUERIES = ["afro", "xlmr", "bert", "web", "view", "component", "bse", "xlm", "mt5", "t5", "xl", "tuning", "shot", "eg",
           "alphabet", "di", "gpt", "mini", "def", "cdef", "naive", "Naïve", "cool", "case", "2026", "07", "belebele",
           "model", "indic", "tv", "v2", "qwen", "chat", "bar", "Cafe", "CAFÉ", "aero", "ærø", "strasse",
           "istanbul", "resume", "writing", "العربية", "zero-shot", "(fine)", "x-l-m"]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("pagefind-words")
    site = base / "site"
    site.mkdir()
    for n, piece in enumerate(PIECES):
        (site / f"{n}.html").write_text(
            f'<!doctype html><html lang="und"><head><title>{n}</title></head><body><main data-pagefind-body>'
            f"<p>{html.escape(piece)}</p></main></body></html>", encoding="utf-8")
    out = base / "www"
    subprocess.run([_executable(), "--site", str(site), "--output-path", str(out / "pagefind"), "--force-language", "und",
                    "--quiet"], check=True, capture_output=True, timeout=300)
    (out / "index.html").write_text("<!doctype html><title>x</title>")
    return out


def test_words_and_queries_match_what_pagefind_matches(bundle):
    with serve_folder(bundle) as base, browser_page() as (page, _):
        page.goto(base + "index.html")
        found = page.evaluate("""async queries => {
            const pagefind = await import('/pagefind/pagefind.js');
            await pagefind.options({ baseUrl: '/' });
            const out = {};
            for (const q of queries) {
                const r = await pagefind.search(q);
                out[q] = (await Promise.all(r.results.map(x => x.data()))).map(d => Number(d.meta.title)).sort((a, b) => a - b);
            }
            return out;
        }""", QUERIES)
    indexed = [words(piece) for piece in PIECES]
    ours = {}
    for query in QUERIES:
        terms = query_terms(query)
        ours[query] = [n for n, ws in enumerate(indexed) if all(any(w.startswith(t) for w in ws) for t in terms)]
    wrong = {q: ([PIECES[n] for n in found[q]], [PIECES[n] for n in ours[q]]) for q in QUERIES if found[q] != ours[q]}
    assert not wrong, wrong  # query: (what Pagefind found, what the offline index finds)
    assert sum(map(len, ours.values())) > len(QUERIES)  # the queries do find things
