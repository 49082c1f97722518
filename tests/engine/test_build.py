"""Whole builds: every link resolves, rebuilds repeat byte for byte, and a failed
or killed build leaves the previous output exactly as it was."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import html5lib
import jsonschema
import pytest
from conftest import ROOT, VALID_RECORD, record_with
from helpers import build_killed_when

from sitegen.engine.pipeline import Progress, build
from sitegen.engine.write import MARKER, check_collisions, staging
from sitegen.config import load_config
from sitegen.errors import BuildError
from sitegen.model import Page, StaticFile

BASIC = Path(__file__).parent.parent / "sites" / "basic"


def tree(folder: Path, *, exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under folder: relative path -> sha256 of its bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and not rel.startswith(exclude):
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def leftovers(out: Path) -> list[str]:
    """Temporary folders a build left beside its output."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith((f".{out.name}.tmp-", f".{out.name}.old-")))


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env=env)


def copy_basic(make_site) -> Path:
    return make_site({p.relative_to(BASIC).as_posix(): p.read_bytes() for p in BASIC.rglob("*") if p.is_file()})


@pytest.fixture(scope="module")
def example_output(tmp_path_factory) -> Path:
    """The project's own example site, built with its search index."""
    out = tmp_path_factory.mktemp("example") / "public"
    result = build(load_config(ROOT, output_dir=out), search=True)
    assert result.ok and result.indexed
    return out


# ---- the built site ----

def _ids(path: Path, cache: dict[Path, set[str]]) -> set[str]:
    if path not in cache:
        document = html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        cache[path] = {e.get("id") for e in document.iter() if e.get("id")}
    return cache[path]


def link_problems(out: Path) -> list[str]:
    """Every internal href/src (and the search scripts the index loads) must name a file in out; fragments an id."""
    problems: list[str] = []
    ids: dict[Path, set[str]] = {}
    root = out.resolve()
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        for element in document.iter():
            for attr in ("href", "src", "data-pagefind", "data-fallback"):
                value = element.get(attr)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme in ("http", "https", "mailto"):
                    continue
                where = f"{page.relative_to(out).as_posix()}: {attr}={value!r}"
                if parts.scheme or value.startswith("//") or value.startswith("/"):
                    problems.append(f"{where} is not relative")
                    continue
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
                if not target.is_relative_to(root) or not target.is_file():
                    problems.append(f"{where} does not resolve to a file in the output")
                elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _ids(target, ids):
                    problems.append(f"{where}: no element with id {parts.fragment!r}")
    return problems


def test_every_internal_link_resolves_in_the_example_site(example_output):
    assert link_problems(example_output) == []


def test_every_internal_link_resolves_in_the_basic_site(make_site, tmp_path):
    out = tmp_path / "out"
    assert build(load_config(copy_basic(make_site), output_dir=out), search=True).ok
    assert link_problems(out) == []
    # The guide sections the badges point at exist: a renamed heading breaks this test, not the site.
    assert {"verification-levels", "verification-gate", "quality-tiers", "corrections"} <= _ids(out / "guide.html", {})


def test_link_check_notices_a_broken_link(example_output, tmp_path):
    broken = tmp_path / "site"
    broken.mkdir()
    (broken / "index.html").write_text('<a href="records/missing.html">x</a><a href="index.html#nowhere">y</a>'
                                       '<img src="/abs.png">')
    assert len(link_problems(broken)) == 3


def test_the_example_site_has_every_part(example_output):
    files = tree(example_output)
    for slug in ("cross-lingual-ner-transfer-low-resource", "dual-contrastive-vs-prompt-few-shot-ner",
                 "llm-synthetic-data-zero-shot-ner", "scaling-contproto-multilingual-ner",
                 "zero-shot-transfer-xtreme-classification"):
        assert f"records/{slug}.html" in files and f"records/{slug}.json" in files
    assert {"index.html", "about.html", "guide.html", "search/manifest.js", "assets/site.css", "assets/site.js",
            "contracts/paper-manifest-v1.1.json", "contracts/correction-record-v1.json",
            "artifacts/scaling-contproto-multilingual-ner/repro.py", "pagefind/pagefind.js"} <= files.keys()
    assert not any(rel.startswith("contracts/site-config") for rel in files)


def test_published_manifests_validate_against_the_published_contracts(example_output):
    manifest_schema = json.loads((example_output / "contracts/paper-manifest-v1.1.json").read_text())
    correction_schema = json.loads((example_output / "contracts/correction-record-v1.json").read_text())
    manifests = sorted(p for p in (example_output / "records").glob("*.json") if not p.name.endswith(".csl.json"))
    assert len(manifests) == 5
    for path in manifests:
        data = json.loads(path.read_text(encoding="utf-8"))
        jsonschema.validate(data, manifest_schema)
        jsonschema.validate(data["corrections"], correction_schema)


def test_every_page_has_the_navigation_and_no_external_resource(example_output):
    for page in sorted(example_output.rglob("*.html")):
        document = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        nav = [a.get("href") for a in document.iterfind(".//nav[@class='site-nav']//a")]
        prefix = "../" if page.parent != example_output else ""
        assert nav == [prefix + "index.html", prefix + "browse/index.html", prefix + "about.html", prefix + "guide.html"], page
        for element in document.iter():
            for attr in ("src", "srcset", "poster", "data"):
                assert not urlsplit(element.get(attr) or "").scheme, (page, element.tag, attr)
            if element.tag == "link":
                assert not urlsplit(element.get("href") or "").scheme, (page, element.get("href"))


# ---- determinism ----

def test_two_builds_of_the_same_input_are_byte_identical(make_site, tmp_path):
    """The Pagefind bundle included: sitegen.search.bundle sorts what Pagefind writes in hash-map order."""
    site = copy_basic(make_site)
    first, second = tmp_path / "one", tmp_path / "two"
    assert build(load_config(site, output_dir=first), search=True).ok
    assert build(load_config(site, output_dir=second), search=True).ok
    assert (first / "pagefind" / "pagefind.js").is_file() and (second / "pagefind" / "pagefind.js").is_file()
    one, two = tree(first), tree(second)
    assert len(one) > 15 and one == two
    assert any(name.startswith("pagefind/filter/") for name in one)
    # Rebuilding over the previous output gives the same bytes again, several times over.
    for _ in range(3):
        assert build(load_config(site, output_dir=first), search=True).ok
        assert tree(first) == one


def test_a_build_date_appears_only_from_source_date_epoch(make_site, tmp_path, monkeypatch):
    site = copy_basic(make_site)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build(load_config(site, output_dir=tmp_path / "a"), search=False).ok
    assert "Built on" not in (tmp_path / "a" / "index.html").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1783296000")
    assert build(load_config(site, output_dir=tmp_path / "b"), search=False).ok
    assert '<time datetime="2026-07-06">6 July 2026</time>' in (tmp_path / "b" / "index.html").read_text()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(BuildError, match="SOURCE_DATE_EPOCH"):
        build(load_config(site, output_dir=tmp_path / "c"), search=False)


# ---- all or nothing ----

def test_content_errors_publish_nothing_and_keep_the_previous_output(make_site, tmp_path, capsys):
    site = copy_basic(make_site)
    out = tmp_path / "out"
    assert build(load_config(site, output_dir=out), search=True).ok
    before = tree(out)
    (site / "content/records/broken.md").write_text(record_with("review_score: 7.5", "review_score: 70"))
    capsys.readouterr()
    result = build(load_config(site, output_dir=out), search=True)
    assert not result.ok and result.errors == 1
    captured = capsys.readouterr()
    # The diagnostics are the report, on stdout; the summary is on stderr with the progress.
    assert captured.out.startswith("content/records/broken.md:11:15: error: 'review_score' must be at most 10; "
                                   "found the number 70 [schema:paper-manifest-v1.1]\n")
    assert "nothing was published" in captured.err and "broken.md" not in captured.err
    assert tree(out) == before
    assert leftovers(out) == []


def test_strict_makes_warnings_block_publishing(make_site, tmp_path):
    site = make_site({"content/records/rec.md": record_with("  tier: watchlist", "  tier: doi-grade")})
    out = tmp_path / "out"
    assert not build(load_config(site, output_dir=out), search=False, strict=True).ok
    assert not out.exists()
    assert build(load_config(site, output_dir=out), search=False).ok  # a warning alone does not stop a build


def many_records(count: int) -> dict[str, str]:
    return {f"content/records/record-{n:04d}.md": record_with("id: SRCH:0000AAAA", f"id: SRCH:{n:08X}")
            for n in range(count)}


def test_a_build_killed_midway_leaves_the_previous_output_intact(make_site, tmp_path):
    site = make_site(many_records(400))
    out = tmp_path / "out"
    first = run_cli("build", "--root", str(site), "--output", str(out))
    assert first.returncode == 0, first.stderr
    before = tree(out)
    for path in (site / "content" / "records").glob("*.md"):
        path.write_text(path.read_text().replace("title: A valid record", "title: A changed record"))

    # Killed mid-write: pages are going into the staging folder.
    build_killed_when(site, out, lambda: any((tmp_path / name / "records").is_dir()
                                             for name in leftovers(out) if ".tmp-" in name))
    assert tree(out) == before
    assert "A valid record" in (out / "records" / "record-0000.html").read_text()
    assert leftovers(out), "the killed build's staging folder should still be there"

    again = run_cli("build", "--root", str(site), "--output", str(out), "--no-search")
    assert again.returncode == 0, again.stderr
    assert leftovers(out) == []  # the next build removes what the killed one left
    assert "A changed record" in (out / "records" / "record-0000.html").read_text()


def test_leftovers_of_an_interrupted_swap_are_recovered(tmp_path):
    out = tmp_path / "public"
    moved_away = tmp_path / ".public.old-abc123"
    moved_away.mkdir()
    (moved_away / "index.html").write_text("previous site")
    stale = tmp_path / ".public.tmp-zzz"
    stale.mkdir()
    with staging(out) as stage:
        assert (out / "index.html").read_text() == "previous site"  # put back before anything else happens
        assert not stale.exists() and stage.path.is_dir()
    assert not stage.path.exists()


def test_two_outputs_on_one_path_is_an_error(make_site, tmp_path):
    site = make_site({"content/records/rec.md": VALID_RECORD,
                      "content/pages/index.md": "---\ntitle: A page that wants the index's place\n---\nText.\n"})
    out = tmp_path / "out"
    done = run_cli("build", "--root", str(site), "--output", str(out), "--no-search")
    assert done.returncode == 1
    assert "two outputs claim index.html: the record index and content/pages/index.md" in done.stderr
    assert not out.exists() and leftovers(out) == []


@pytest.mark.parametrize("bad", ["../escape.html", "/etc/passwd", "records/../../x.html", "a\\b.html", ".", "x\x00.html"])
def test_no_output_is_written_outside_the_output_folder(bad):
    with pytest.raises(BuildError, match="outside the output folder"):
        check_collisions([Page(PurePosixPath(bad), b"", "test")], [])


def test_an_asset_and_a_page_on_one_path_is_an_error(tmp_path):
    with pytest.raises(BuildError, match="two outputs claim assets/site.css"):
        check_collisions([Page(PurePosixPath("assets/site.css"), b"", "a page")],
                         [StaticFile(PurePosixPath("assets/site.css"), tmp_path / "site.css")])


def test_refuses_to_replace_a_folder_it_did_not_write(make_site, tmp_path):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.tex").write_text("years of work")
    with pytest.raises(BuildError, match="was not written by sitegen build"):
        build(load_config(site, output_dir=out), search=False)
    assert (out / "thesis.tex").read_text() == "years of work"
    with pytest.raises(BuildError, match="overlaps the layouts folder"):
        build(load_config(site, output_dir=site / "layouts"), search=False)
    assert (site / "layouts" / "base.html").is_file()


def test_output_marker_lets_the_next_build_replace_the_folder(make_site, tmp_path):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    out = tmp_path / "out"
    assert build(load_config(site, output_dir=out), search=False).ok
    assert (out / MARKER).is_file()
    (out / "stale.html").write_text("from an old build")
    assert build(load_config(site, output_dir=out), search=False).ok
    assert not (out / "stale.html").exists()
    assert oct((out).stat().st_mode & 0o777) != oct(0o700)  # readable like any folder, not mkdtemp's 0700


# ---- the command line ----

def test_build_command_prints_progress_and_a_summary(make_site, tmp_path):
    site = copy_basic(make_site)
    out = tmp_path / "out"
    done = run_cli("build", "--root", str(site), "--output", str(out))
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "rendering records: 4/4" in lines  # plain lines when stderr is not a terminal
    assert "indexing 4 record(s) with Pagefind" in lines
    assert any(line.startswith("wrote ") and line.endswith(" files") for line in lines)
    assert any(line.startswith(f"built 4 record(s), 26 page(s), 0 warning(s) into {out} in ") for line in lines)
    assert "\r" not in done.stderr


def test_build_py_builds_like_the_command(make_site, tmp_path):
    site = copy_basic(make_site)
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--root", str(site), "--output", str(out),
                           "--no-search"], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()
    assert done.stderr.rstrip().endswith("(no search index)")


def test_build_with_content_errors_exits_1(make_site, tmp_path):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    done = run_cli("build", "--root", str(site), "--output", str(tmp_path / "out"))
    assert done.returncode == 1
    assert done.stdout == ("content/records/rec.md:11:15: error: 'review_score' must be at most 10; found the number 70 "
                           "[schema:paper-manifest-v1.1]\n")  # the report; `sitegen build | less` shows it
    assert done.stderr.splitlines()[-1] == "sitegen: 1 error(s), 0 warning(s); nothing was published"
    assert "rec.md" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_environment_without_a_terminal_gets_no_control_characters(make_site, tmp_path):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    env = dict(os.environ, TERM="xterm-256color")
    done = run_cli("build", "--root", str(site), "--output", str(tmp_path / "out"), "--no-search", env=env)
    assert done.returncode == 0 and "\x1b" not in done.stderr


def test_progress_rewrites_one_line_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        progress = Progress(stream)
        for done in (1, 2, 3):
            progress.count("rendering records", done, 3)
    assert terminal.getvalue() == ("\r\x1b[Krendering records 1/3\r\x1b[Krendering records 2/3"
                                   "\r\x1b[Krendering records 3/3\n")
    assert log.getvalue() == "rendering records: 3/3\n"


def test_a_page_with_bad_front_matter_stops_the_build_with_its_position(make_site, tmp_path, capsys):
    site = make_site({"content/records/rec.md": VALID_RECORD,
                      "content/pages/about.md": "---\ntitel: About\n---\nText.\n"})
    result = build(load_config(site, output_dir=tmp_path / "out"), search=False)
    assert not result.ok and result.errors == 2
    out = capsys.readouterr().out.splitlines()
    assert "content/pages/about.md:2:1: error: missing required field 'title' [schema:content-page]" in out
    assert "content/pages/about.md:2:1: error: unknown field 'titel' [schema:content-page]" in out
    assert not (tmp_path / "out").exists()


def test_an_empty_registry_builds_without_a_search_index(make_site, tmp_path):
    site = make_site({})
    out = tmp_path / "out"
    done = run_cli("build", "--root", str(site), "--output", str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "index.html").is_file() and not (out / "pagefind").exists()
    assert 'data-pagefind="' not in (out / "index.html").read_text()
