"""The Hugo peer of bench/run.py writes the per-record files sitegen writes.

A small generated corpus (bench/generate.py) is built the way bench/run.py
builds it: Hugo's pages-only variant (hugo.toml) and the variant with the
per-record formats (hugo.toml + formats.toml), with the binary bench/run.py
uses. Every record must get its manifest JSON, BibTeX, RIS, CSL-JSON and SVG
badge, naming the record; and the files must hold what sitegen's hold, so the
two builds do the same work.

Hugo is locked in requirements/test.txt (the `test` extra), so these tests run
wherever the suite runs.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from helpers import build_cli

RECORDS = 20  # records 3, 4, 11 and 12 of the default seed are retracted, corrected, under concern, corrected


def _bench_run():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = _bench_run()
HUGO = run.hugo_binary()


def test_the_hugo_binary_is_installed():
    assert Path(HUGO).is_file() or shutil.which(HUGO), "hugo comes with requirements/test.txt: run .ci/run"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, object]:
    work = tmp_path_factory.mktemp("hugo-peer")
    site = work / "site"
    generated = run.generate.generate_site(site, RECORDS, run.generate.DEFAULT_SEED)
    run.prepare_site(site)
    mounts = run.write_hugo_mounts(site, work / "hugo-mounts.toml")
    outputs = {}
    for formats in (False, True):
        out = work / ("hugo-formats-public" if formats else "hugo-public")
        done = subprocess.run(run.hugo_command(HUGO, mounts, out, work / f"cache-{formats}", formats=formats),
                              capture_output=True, text=True, timeout=300, env=run._env())
        assert done.returncode == 0, done.stderr + done.stdout
        outputs[formats] = out
    ids = {}
    for path in (site / "content" / "records").glob("*.md"):
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        ids[path.stem] = front
    assert len(ids) == RECORDS == generated.records
    return {"site": site, "work": work, "pages": outputs[False], "formats": outputs[True], "records": ids}


def test_the_pages_only_variant_writes_pages_and_no_per_record_files(corpus):
    out = corpus["pages"]
    assert run._count_pages(out) == RECORDS
    assert run.count_hugo_formats(out) == {name: 0 for name in run.HUGO_FORMATS}


def test_every_record_gets_each_per_record_file_naming_it(corpus):
    out = corpus["formats"]
    assert run._count_pages(out) == RECORDS
    assert run.count_hugo_formats(out) == {name: RECORDS for name in run.HUGO_FORMATS}
    for slug, front in corpus["records"].items():
        rid = front["id"]
        manifest = json.loads((out / "records" / f"{slug}.json").read_text(encoding="utf-8"))
        assert manifest["id"] == rid and manifest["title"] == front["title"]
        assert manifest["claims"] == front["claims"] and manifest["submitted"] == front["submitted"].isoformat()
        assert "draft" not in manifest  # only the record's own fields, not Hugo's page parameters

        bib = (out / "records" / f"{slug}.bib").read_text(encoding="utf-8")
        assert bib.startswith(f"@techreport{{{rid},\n") and bib.endswith("\n}\n")
        assert bib.count("{") == bib.count("}")

        ris = (out / "records" / f"{slug}.ris").read_text(encoding="utf-8").splitlines()
        assert ris[0] == "TY  - RPRT" and f"ID  - {rid}" in ris and ris[-1] == "ER  - "

        csl = json.loads((out / "records" / f"{slug}.csl.json").read_text(encoding="utf-8"))
        assert [item["id"] for item in csl] == [rid] and csl[0]["type"] == "report"

        svg = ET.fromstring((out / "badges" / "records" / f"{slug}.svg").read_bytes())
        assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("aria-label").startswith(f"{rid}: ")
        assert rid in [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]


def test_a_record_that_no_longer_stands_says_so_in_every_citation(corpus):
    out = corpus["formats"]
    warned = {slug: front for slug, front in corpus["records"].items()
              if front["corrections"]["status"] in ("retracted", "withdrawn", "expression-of-concern")}
    assert warned, "the corpus should hold a retraction or an expression of concern"
    for slug, front in warned.items():
        csl = json.loads((out / "records" / f"{slug}.csl.json").read_text(encoding="utf-8"))[0]
        date = str(front["corrections"]["entries"][-1]["date"])
        assert csl["note"].endswith(date) and csl["status"]
        assert re.search(rf"^N1  - {re.escape(csl['note'])}$", (out / "records" / f"{slug}.ris").read_text(), re.M)
        assert f"note = {{Registry record {front['id']}. {csl['note']}}}" in (out / "records" / f"{slug}.bib").read_text()


def test_the_per_record_files_hold_what_sitegens_hold(corpus):
    """Like for like: the same fields and values as sitegen's own files for the same records."""
    public = corpus["work"] / "sitegen-public"
    build_cli(corpus["site"], public, "--no-search", "--no-cache")
    out = corpus["formats"]
    for slug in corpus["records"]:
        for suffix in (".bib", ".ris"):
            assert (out / "records" / f"{slug}{suffix}").read_text() == (public / "records" / f"{slug}{suffix}").read_text()
        for suffix in (".json", ".csl.json"):  # the same values; Hugo writes object keys in sorted order
            assert (json.loads((out / "records" / f"{slug}{suffix}").read_text())
                    == json.loads((public / "records" / f"{slug}{suffix}").read_text())), slug + suffix
        assert (out / "badges" / "records" / f"{slug}.svg").read_text() == (public / "badges" / f"{slug}.svg").read_text()
