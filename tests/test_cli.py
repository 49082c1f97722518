"""The command line as a maintainer runs it: real processes, exit codes, output formats."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, VALID_RECORD, record_with
from gitrepo import git
from jsonschema import Draft202012Validator


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_example_content_passes_with_the_warnings_the_seeds_deserve():
    out = run("check")
    assert out.returncode == 0, out.stderr
    rules = sorted(line.rsplit("[", 1)[1].rstrip("]") for line in out.stdout.splitlines() if ": warning: " in line)
    # Two seeds say they predate the gate pipeline but were submitted after it; seed 003 too;
    # seed 000 is registered externally without a DOI on its page and has no score to meet DOI-grade thresholds.
    assert rules == ["doi-missing", "gate-predates-pipeline", "gate-predates-pipeline", "gate-predates-pipeline", "tier-threshold"]
    assert "checked 5 record file(s): 0 error(s), 5 warning(s)" in out.stderr


def test_strict_makes_warnings_fatal():
    assert run("check", "--strict").returncode == 1


def test_content_errors_exit_1_and_name_file_line_and_rule(make_site):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    out = run("check", "--root", str(site))
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == (
        "content/records/rec.md:11:15: error: 'review_score' must be at most 10; found the number 70 [schema:paper-manifest-v1.1]"
    )


def test_usage_errors_exit_2():
    assert run("check", "--format", "xml").returncode == 2
    assert run().returncode == 2
    missing = run("check", "--root", "/nonexistent/site")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr and "Traceback" not in missing.stderr


def test_json_format_is_machine_readable(make_site):
    site = make_site({"content/records/rec.md": record_with("  status: unverified", "  status: verified")})
    out = run("check", "--root", str(site), "--format", "json")
    report = json.loads(out.stdout)
    assert report["ok"] is False and report["errors"] == 2
    first = report["diagnostics"][0]
    assert (first["path"], first["line"], first["column"], first["level"]) == ("content/records/rec.md", 16, 1, "error")


def test_github_format_annotates_pull_request_files(make_site):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    out = run("check", "--root", str(site), "--format", "github")
    assert out.stdout.splitlines()[0].startswith(
        "::error file=content/records/rec.md,line=11,col=15,title=schema%3Apaper-manifest-v1.1::'review_score' must be at most 10"
    )


def test_invalid_site_config_is_reported_with_its_line(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "site.yaml": "title: ok\ntiers:\n  watchlist:\n    colour: red\n"})
    out = run("check", "--root", str(site))
    assert out.returncode == 2
    assert out.stdout.splitlines()[0] == "site.yaml:4:5: error: unknown field 'tiers.watchlist.colour' [schema:site-config]"
    assert out.stderr == "sitegen: 1 problem(s) in the site configuration\n"


def test_check_writes_nothing(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    before = sorted(p for p in site.rglob("*"))
    assert run("check", "--root", str(site)).returncode == 0
    assert sorted(p for p in site.rglob("*")) == before


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["build", "--help"]])
def test_help_reads_well(args):
    out = run(*args)
    assert out.returncode == 0
    assert "usage: sitegen" in out.stdout and "Traceback" not in out.stdout


# --- the layouts: sitegen check catches what only the deployment's build used to -----------------

def test_check_reports_a_template_syntax_error_at_its_file_and_line(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    record_html = site / "layouts/record.html"
    record_html.write_text(record_html.read_text() + "{% if %}\n")
    line = record_html.read_text().count("\n")
    out = run("check", "--root", str(site))
    assert out.returncode == 1
    assert out.stdout == f"layouts/record.html:{line}:1: error: Expected an expression, got 'end of statement block' [template]\n"
    assert out.stderr.startswith("checked 1 record file(s): 1 error(s), 0 warning(s) in ")
    github = run("check", "--root", str(site), "--format", "github")
    assert github.returncode == 1
    assert github.stdout == (f"::error file=layouts/record.html,line={line},col=1,title=template::"
                             "Expected an expression, got 'end of statement block' [template]\n")


RETRACTED = record_with("  status: current\n  entries: []", """\
  status: retracted
  entries:
    - id: C1
      date: 2026-07-02
      kind: retraction
      summary: The sources were misread.""", record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB",
                                                         record_with("submitted: 2026-07-01", "submitted: 2026-06-01")))


def test_check_renders_a_record_of_each_correction_status_so_a_branch_only_a_retraction_takes_is_checked(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "content/records/old.md": RETRACTED})
    record_html = site / "layouts/record.html"
    text = record_html.read_text()
    assert "    <p>{{ corrections.description }}</p>\n" in text  # inside {% if corrections.status != "current" %}
    record_html.write_text(text.replace("{{ corrections.description }}", "{{ corrections.descripton }}", 1))
    line = text[:text.index("{{ corrections.description }}")].count("\n") + 1
    out = run("check", "--root", str(site))
    assert out.returncode == 1
    assert out.stdout == (f"layouts/record.html:{line}:1: error: 'dict object' has no attribute 'descripton' "
                          "(the template uses a value the page does not have) [template]\n")


def test_check_without_a_layouts_folder_checks_with_the_default_layouts(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD}, with_layouts=False)
    out = run("check", "--root", str(site))
    assert out.returncode == 0 and out.stdout == ""


# --- streams: the report on stdout, the summary on stderr ------------------------------------------

def test_check_prints_the_report_on_stdout_and_only_the_summary_on_stderr(make_site):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    out = run("check", "--root", str(site))
    assert out.returncode == 1
    assert out.stdout == ("content/records/rec.md:11:15: error: 'review_score' must be at most 10; found the number 70 "
                          "[schema:paper-manifest-v1.1]\n")  # so `sitegen check | less` shows it
    assert re.fullmatch(r"checked 1 record file\(s\): 1 error\(s\), 0 warning\(s\) in \d+\.\d\d s\n", out.stderr)


# --- --format json: one document for every outcome --------------------------------------------------

REPORT_SCHEMA = json.loads((ROOT / "sitegen/contracts/check-report-v1.json").read_text())


def json_report(*args: str, cwd: Path = ROOT) -> tuple[dict, subprocess.CompletedProcess]:
    """Run `sitegen check --format json ARGS`; the document on stdout, checked against its contract."""
    out = run("check", "--format", "json", *args, cwd=cwd)
    report = json.loads(out.stdout)
    Draft202012Validator.check_schema(REPORT_SCHEMA)
    assert [e.message for e in Draft202012Validator(REPORT_SCHEMA).iter_errors(report)] == []
    assert report["exit_status"] == out.returncode and report["ok"] is (out.returncode == 0)
    return report, out


def test_json_report_of_a_clean_check_follows_its_contract():
    report, out = json_report()
    assert out.returncode == 0
    assert (report["contract"], report["errors"], report["warnings"], report["files"], report["records"]) == (
        "check-report-v1", 0, 5, 5, 5)
    assert report["failure"] is None and report["paths"] is None and report["not_shown"] == 0


def test_json_report_of_content_errors_exits_1(make_site):
    site = make_site({"content/records/rec.md": record_with("  status: unverified", "  status: verified")})
    report, out = json_report("--root", str(site))
    assert out.returncode == 1 and report["errors"] == 2 and out.stderr == ""
    first = report["diagnostics"][0]
    assert (first["path"], first["line"], first["column"], first["level"]) == ("content/records/rec.md", 16, 1, "error")


def test_json_report_of_an_invalid_site_config_exits_2_with_its_diagnostics(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "site.yaml": "title: ok\ntiers:\n  watchlist:\n    colour: red\n"})
    report, out = json_report("--root", str(site))
    assert out.returncode == 2
    assert report["failure"] == {"kind": "config", "message": "1 problem(s) in the site configuration"}
    assert (report["files"], report["records"], report["errors"]) == (None, None, 1)
    assert [(d["path"], d["line"], d["column"], d["rule"], d["message"]) for d in report["diagnostics"]] == [
        ("site.yaml", 4, 5, "schema:site-config", "unknown field 'tiers.watchlist.colour'")]


def test_json_report_of_a_site_config_that_is_not_yaml_exits_2(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "site.yaml": "title: [unclosed\n"})
    report, out = json_report("--root", str(site))
    assert out.returncode == 2 and report["failure"]["kind"] == "config"
    assert [(d["path"], d["rule"]) for d in report["diagnostics"]] == [("site.yaml", "yaml-syntax")]


def test_json_report_of_a_missing_site_folder_exits_2():
    report, out = json_report("--root", "/nonexistent/site")
    assert out.returncode == 2
    assert report["failure"] == {"kind": "usage", "message": "the site folder /nonexistent/site does not exist"}
    assert report["diagnostics"] == [] and report["files"] is None
    assert out.stderr == "sitegen: error: the site folder /nonexistent/site does not exist\n"


def test_json_report_of_a_missing_base_revision_exits_2(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-q", "-m", "publish")
    report, out = json_report("--root", str(site), "--base", "origin/gone")
    assert out.returncode == 2
    assert report["failure"]["kind"] == "usage" and report["diagnostics"] == []
    # The message is the one the text format prints (docs/maintainers.md, "When the base is missing").
    assert report["failure"]["message"].split("\n")[0] == (
        "the base revision 'origin/gone' is not in this clone, so the correction history cannot be compared.")
    assert out.stderr == f"sitegen: error: {report['failure']['message']}\n"


@pytest.mark.parametrize("args,message", [
    (["--base"], "argument --base: expected one argument"),
    (["--strict=yes"], "argument --strict: ignored explicit argument 'yes'"),
    (["--no-such-option"], "unrecognized arguments: --no-such-option"),
], ids=["missing-value", "bad-flag", "unknown-option"])
def test_json_report_of_a_wrong_command_line_exits_2(args, message):
    report, out = json_report(*args)
    assert out.returncode == 2
    assert report["failure"] == {"kind": "usage", "message": message}


def test_a_wrong_command_line_without_json_reads_as_argparse_says_it():
    out = run("check", "--base")
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("usage: sitegen check [-h]")
    assert out.stderr.endswith("sitegen check: error: argument --base: expected one argument\n")


def test_json_format_abbreviated_is_still_json():
    out = run("check", "--form=json", "--no-such-option")
    assert out.returncode == 2 and json.loads(out.stdout)["failure"]["kind"] == "usage"


# --- GitHub annotations name paths from the repository's top folder ---------------------------------

def test_github_annotations_with_root_in_a_subfolder_name_paths_from_the_repository(make_site, tmp_path):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    repo = tmp_path / "repo"
    repo.mkdir()
    site.rename(repo / "registry")
    git(repo, "init", "-q")
    out = run("check", "--root", "registry", "--format", "github", cwd=repo)
    assert out.returncode == 1
    assert out.stdout.startswith("::error file=registry/content/records/rec.md,line=11,col=15,title=schema%3Apaper-manifest-v1.1::")
    # From anywhere in the repository, and with the site's config errors too.
    (repo / "registry/site.yaml").write_text("title: ok\nnot_a_key: 1\n")
    config = run("check", "--root", str(repo / "registry"), "--format", "github", cwd=tmp_path)
    assert config.returncode == 2
    assert config.stdout.startswith("::error file=registry/site.yaml,line=2,col=1,title=schema%3Asite-config::")


def test_github_annotations_outside_git_start_at_github_workspace(make_site, tmp_path):
    site = make_site({"content/records/rec.md": record_with("review_score: 7.5", "review_score: 70")})
    out = subprocess.run([sys.executable, "-m", "sitegen", "check", "--root", str(site), "--format", "github"],
                         capture_output=True, text=True, cwd=ROOT, timeout=120,
                         env={**os.environ, "GITHUB_WORKSPACE": str(tmp_path), "GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert out.stdout.startswith("::error file=site/content/records/rec.md,line=11,col=15,")


# --- sitegen check FILE...: pre-commit's pass_filenames -------------------------------------------------

BAD_SCORE = record_with("review_score: 7.5", "review_score: 70")
OTHER_ID = record_with("id: SRCH:0000AAAA", "id: SRCH:0000CCCC")


def test_check_with_files_reports_only_the_problems_in_them(make_site):
    site = make_site({"content/records/rec.md": BAD_SCORE,
                      "content/records/other.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000CCCC", BAD_SCORE)})
    out = run("check", "content/records/rec.md", cwd=site)
    assert out.returncode == 1
    assert out.stdout == ("content/records/rec.md:11:15: error: 'review_score' must be at most 10; found the number 70 "
                          "[schema:paper-manifest-v1.1]\n")
    assert re.fullmatch(r"checked 2 record file\(s\): 1 error\(s\), 0 warning\(s\) in \d+\.\d\d s "
                        r"\(problems in the 1 file\(s\) given; 1 elsewhere not shown\)\n", out.stderr)
    (site / "content/records/rec.md").write_text(VALID_RECORD)
    fixed = run("check", "content/records/rec.md", cwd=site)
    assert fixed.returncode == 0 and fixed.stdout == ""  # other.md still has its error: not this commit's


def test_check_with_files_still_finds_a_duplicate_id_wherever_it_is_reported(make_site):
    # The duplicate is reported at the later file (zzz.md); giving only the new record still shows it.
    site = make_site({"content/records/aaa.md": VALID_RECORD, "content/records/zzz.md": VALID_RECORD,
                      "content/records/other.md": OTHER_ID})
    out = run("check", "content/records/aaa.md", cwd=site)
    assert out.returncode == 1
    assert out.stdout.splitlines()[0] == ("content/records/zzz.md:3:5: error: the id SRCH:0000AAAA is already used by "
                                          "content/records/aaa.md [duplicate-id]")
    assert run("check", "content/records/other.md", cwd=site).returncode == 0


def test_check_with_files_takes_paths_from_the_current_folder_with_root(make_site, tmp_path):
    site = make_site({"content/records/rec.md": BAD_SCORE})
    out = run("check", "--root", "site", "site/content/records/rec.md", cwd=tmp_path)
    assert out.returncode == 1 and out.stdout.startswith("content/records/rec.md:11:15: error:")


def test_check_with_files_notes_those_it_does_not_read_and_passes(make_site):
    site = make_site({"content/records/rec.md": BAD_SCORE, "content/pages/about.md": "---\ntitle: About\n---\nText.\n",
                      "README.md": "# A registry\n", "assets/extra.css": "p {}\n"})
    out = run("check", "README.md", "assets/extra.css", "content/records/gone.md", "content/pages/about.md", cwd=site)
    assert out.returncode == 0 and out.stdout == ""
    assert out.stderr.splitlines()[:3] == [
        "sitegen: note: content/records/gone.md does not exist",
        "sitegen: note: README.md is not checked: sitegen check reads records, content pages, artifacts, layouts and site.yaml",
        "sitegen: note: assets/extra.css is not checked: sitegen check reads records, content pages, artifacts, layouts and "
        "site.yaml",
    ]
    assert out.stderr.splitlines()[3].endswith("(problems in the 4 file(s) given; 1 elsewhere not shown)")


def test_check_with_a_content_page_reports_its_problems(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "content/pages/about.md": "---\ntitel: About\n---\nText.\n"})
    out = run("check", "content/pages/about.md", cwd=site)
    assert out.returncode == 1
    assert [line for line in out.stdout.splitlines() if not line.startswith("    hint: ")] == [
        "content/pages/about.md:2:1: error: missing required field 'title' [schema:content-page]",
        "content/pages/about.md:2:1: error: unknown field 'titel' [schema:content-page]"]


def test_check_with_an_artifact_reports_the_record_whose_hash_it_breaks(make_site):
    artifact = "content/artifacts/rec/repro.py"
    verified = record_with("  status: unverified\n  reason: No formal proof or sandbox reproduction has been attempted.\n"
                           "  reason_code: not-attempted", f"""\
  status: verified
  reason: Reproduced.
  reason_code: sandbox-reproduced
  evaluated: "2026-07-02T10:00:00+00:00"
  artifact:
    kind: repro-script
    path: artifacts/rec/repro.py
    sha256: {"ab" * 32}""")
    site = make_site({"content/records/rec.md": verified, artifact: "print('changed')\n"})
    out = run("check", artifact, cwd=site)
    assert out.returncode == 1
    assert [line.rsplit("[", 1)[1] for line in out.stdout.splitlines() if ": error: " in line] == ["artifact-hash]"]
    assert out.stdout.startswith("content/records/rec.md:")


def test_check_with_a_layout_reports_its_template_errors(make_site):
    site = make_site({"content/records/rec.md": BAD_SCORE})
    (site / "layouts/page.html").write_text("{% if %}\n")
    out = run("check", "layouts/page.html", cwd=site)
    assert out.returncode == 1
    assert out.stdout == "layouts/page.html:1:1: error: Expected an expression, got 'end of statement block' [template]\n"


def test_check_with_a_folder_reports_everything_under_it(make_site):
    site = make_site({"content/records/rec.md": BAD_SCORE, "content/pages/about.md": "---\ntitel: About\n---\n"})
    out = run("check", "content/records", cwd=site)
    assert out.returncode == 1 and [line.split(":")[0] for line in out.stdout.splitlines()] == ["content/records/rec.md"]


def test_json_report_with_files_names_them_and_counts_the_rest(make_site):
    site = make_site({"content/records/rec.md": BAD_SCORE, "content/records/other.md": record_with(
        "id: SRCH:0000AAAA", "id: SRCH:0000CCCC", BAD_SCORE)})
    report, out = json_report("content/records/other.md", "README.md", cwd=site)
    assert out.returncode == 1
    assert (report["paths"], report["not_shown"], report["errors"], report["files"]) == (
        ["content/records/other.md", "README.md"], 1, 1, 2)
    assert [d["path"] for d in report["diagnostics"]] == ["content/records/other.md"]
