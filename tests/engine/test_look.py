"""The default look: a site without layouts/ or assets/ builds with sitegen's own, and a site's file
overrides the default of the same name, one file at a time, in builds, rebuilds and checks."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, VALID_RECORD

from sitegen.config import load_config
from sitegen.engine.pipeline import build
from sitegen.site.render import compile_layouts, template_env

PAGE = "---\ntitle: About\n---\nAbout this registry.\n"
PAGE_OVERRIDE = ('{% extends "default/page.html" %}\n'
                 '{% block main %}<p class="site-own">Our own page layout</p>{{ super() }}{% endblock %}\n')


def tree(folder: Path) -> dict[str, str]:
    """Every file under folder: relative path -> sha256 of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def bare_site(make_site, extra: dict[str, str] | None = None) -> Path:
    """A site of one record and one page, with no layouts/ or assets/ of its own."""
    return make_site({"content/records/rec.md": VALID_RECORD, "content/pages/about.md": PAGE, **(extra or {})},
                     with_layouts=False)


def built(site: Path, out: Path, **options) -> dict[str, str]:
    result = build(load_config(site, output_dir=out), search=False, jobs=1, **options)
    assert result.ok
    return tree(out)


def test_a_site_without_layouts_or_assets_builds_with_the_packaged_folder(make_site, tmp_path):
    site = bare_site(make_site)
    assert not (site / "layouts").exists() and not (site / "assets").exists()
    files = built(site, tmp_path / "out")
    for page in ("index.html", "records/rec.html", "about.html", "browse/index.html", "404.html"):
        assert page in files
    for asset in sorted((ROOT / "assets").iterdir()):
        assert (tmp_path / "out" / "assets" / asset.name).read_bytes() == asset.read_bytes()
    record = (tmp_path / "out" / "records" / "rec.html").read_text()
    assert '<link rel="stylesheet" href="../assets/site.css">' in record


def test_an_override_changes_only_the_pages_that_use_it(make_site, tmp_path):
    site = bare_site(make_site)
    plain = built(site, tmp_path / "plain")
    (site / "layouts").mkdir()
    (site / "layouts" / "page.html").write_text(PAGE_OVERRIDE)
    own = built(site, tmp_path / "own")  # another output: a build from scratch, no cache beside it
    assert sorted(path for path in plain if own.get(path) != plain[path]) == ["about.html"]
    assert set(own) == set(plain)
    about = (tmp_path / "own" / "about.html").read_text()
    # The override extends the default it replaces: the default's content is still there, inside its own.
    assert '<p class="site-own">Our own page layout</p>' in about and "About this registry." in about
    assert '<meta name="generator" content="sitegen' in about


def test_an_asset_override_replaces_that_file_only_and_adds_the_sites_others(make_site, tmp_path):
    site = bare_site(make_site)
    plain = built(site, tmp_path / "plain")
    (site / "assets" / "extra").mkdir(parents=True)
    (site / "assets" / "site.css").write_text("body { color: teal; }\n")
    (site / "assets" / "extra" / "logo.txt").write_text("logo\n")
    own = built(site, tmp_path / "own")
    assert sorted(path for path in own if own[path] != plain.get(path)) == ["assets/extra/logo.txt", "assets/site.css"]
    assert (tmp_path / "own" / "assets" / "site.css").read_text() == "body { color: teal; }\n"
    assert set(plain) <= set(own)


RECORD_OVERRIDE = ('{% extends "default/record.html" %}\n'
                   '{% block body_class %}page page-record site-own{% endblock %}\n')


def aged(site: Path) -> None:
    """Every file of the site dated long ago, always the same moment: stamps the build trusts, so a build
    with nothing new to read takes its shortest way (inputs_fingerprint), as it does between two real edits.
    A file added since has a new inode, so its stamp still differs."""
    past = time.time() - 86_400 * 30
    past -= past % 86_400  # the same for every call in a test
    for path in site.rglob("*"):
        os.utime(path, (past, past))


def test_adding_and_removing_an_override_rebuilds_the_right_output(make_site, tmp_path):
    site = bare_site(make_site)
    out = tmp_path / "out"
    aged(site)
    first = built(site, out)
    # The previous output and its cache stay beside it; record pages are taken from it unless the
    # cache's key says the templates changed, so the key must see the new file in the site's layouts/.
    (site / "layouts").mkdir()
    (site / "layouts" / "record.html").write_text(RECORD_OVERRIDE)
    aged(site)
    second = built(site, out)
    assert 'class="page page-record site-own"' in (out / "records" / "rec.html").read_text()
    assert sorted(p for p in first if second[p] != first[p]) == ["records/rec.html"]
    (site / "layouts" / "record.html").unlink()
    aged(site)
    assert built(site, out) == first
    # Nothing new: the build says so and stops (the shortest way the asset override below must not take).
    assert build(load_config(site, output_dir=out), search=False, jobs=1).sitewide == 0
    (site / "assets").mkdir()
    (site / "assets" / "site.css").write_text("body { color: teal; }\n")
    aged(site)
    fourth = built(site, out)
    assert sorted(p for p in first if fourth[p] != first[p]) == ["assets/site.css"]


def test_a_template_environment_takes_an_override_added_after_it_loaded_the_default(make_site):
    site = bare_site(make_site)
    config = load_config(site)
    env = template_env(*config.layout_folders)
    default = env.get_template("page.html")
    assert default.filename == str(config.default_layouts_dir / "page.html")
    (site / "layouts").mkdir()
    (site / "layouts" / "page.html").write_text("site's own\n")
    assert env.get_template("page.html") is not default
    assert env.get_template("page.html").render() == "site's own\n"
    assert env.get_template("default/page.html").filename == str(config.default_layouts_dir / "page.html")
    (site / "layouts" / "page.html").unlink()
    assert env.get_template("page.html").filename == str(config.default_layouts_dir / "page.html")
    template_env.cache_clear()


def test_check_renders_a_site_without_layouts_with_the_defaults_and_reports_an_overrides_mistake(make_site):
    site = bare_site(make_site)
    out = subprocess.run([sys.executable, "-m", "sitegen", "check", "--root", str(site)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and out.stdout == "", out.stderr
    (site / "layouts" / "partials").mkdir(parents=True)
    # An override the default record page includes: its mistake is reported at the site's file.
    (site / "layouts" / "partials" / "badges.html").write_text(
        "{% macro badge_list(badges, site, root) -%}\n{{ badges.no_such }}\n{%- endmacro %}\n")
    out = subprocess.run([sys.executable, "-m", "sitegen", "check", "--root", str(site)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 1
    assert out.stdout.splitlines()[0].startswith("layouts/partials/badges.html:2:1: error: ")


def test_compile_layouts_compiles_the_defaults_and_the_sites_files_by_the_name_they_load_as(make_site):
    site = bare_site(make_site, {"layouts/index.html": "{% if %}\n"})
    config = load_config(site)
    problems = compile_layouts(*config.layout_folders)
    assert [(d.pos.path, d.pos.line) for d in problems] == [("layouts/index.html", 1)]
    template_env.cache_clear()
