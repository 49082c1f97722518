"""The maintainers' workflow: sitegen new, sitegen correct, the shipped CI files and editor schemas."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, VALID_RECORD, record_with
from helpers import check_site
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from sitegen.cli import _parser, main
from sitegen.config import load_config
from sitegen.formats.safeyaml import load_yaml
from sitegen.formats.schema import load_schema
from sitegen.maintain.correct import edit_text, front_matter_yaml
from sitegen.maintain.scaffold import existing_ids, mint_id, slug_from_title
from sitegen.maintain.schemas import editor_schemas
from sitegen.records.load import SourceFile, load_record

F = "content/records/rec.md"
TODAY = "2026-07-25"


# --- sitegen new ------------------------------------------------------------------------------

# What a maintainer writes in place of each placeholder, by key.
FILL = {
    "publisher": "Assignee Research", "abstract": "An abstract.", "research_question": "Does it validate?",
    "review_score": "7.5", "level": "L2", "source_grounded_claims": "3", "claim_record_source": "parsed source sections",
    "status": "unverified", "reason": "No reproduction has been attempted.", "tier": "watchlist",
    "evidence_strength": "medium", "citation_grounding": "medium", "uncertainty_disclosure": "low",
    "reproducibility": "medium", "public_provenance": "L3", "report_artifact": "available",
    "external_record": "not-registered", "claim_lineage": "3", "review_method": "Automated multi-reviewer assessment",
    "note": "Machine-generated synthesis.",
}
_TODO_LINE = re.compile(r'^(\s*)(\w+): "TODO: [^"]*"$', re.M)


def fill(text: str) -> str:
    """The scaffold with every placeholder replaced as a maintainer would."""
    return _TODO_LINE.sub(lambda m: f"{m.group(1)}{m.group(2)}: {FILL[m.group(2)]}", text)


@pytest.fixture
def site(make_site, monkeypatch) -> Path:
    monkeypatch.setenv("SITEGEN_TODAY", TODAY)
    return make_site({F: VALID_RECORD}, with_layouts=False)


def test_new_writes_a_record_that_fails_check_only_on_its_placeholders(site, capsys):
    assert main(["new", "--root", str(site), "my-record", "--title", "A new synthesis"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("created content/records/my-record.md\n")
    assert 'replace its 20 "TODO: ..." values' in out and "sitegen check" in out
    text = (site / "content/records/my-record.md").read_text()
    assert "submitted: 2026-07-25\n" in text and "title: A new synthesis\n" in text
    todo_lines = [i + 1 for i, line in enumerate(text.split("\n")) if '"TODO:' in line and not line.lstrip().startswith("#")]
    problems = [p for p in check_site(site) if p.startswith("content/records/my-record.md")]
    assert len(problems) == len(todo_lines) == 20
    assert all(p.endswith("[placeholder]") for p in problems)
    assert [int(p.split(":")[1]) for p in problems] == todo_lines
    assert "content/records/my-record.md:16:10: error: 'verification.level' still holds a placeholder: " \
           "TODO: L1, L2, L3 or L4 [placeholder]" in problems


def test_new_record_passes_check_once_the_placeholders_are_filled(site):
    assert main(["new", "--root", str(site), "my-record"]) == 0
    path = site / "content/records/my-record.md"
    filled = fill(path.read_text().replace('title: "TODO: the title, on one line"', "title: A filled record"))
    assert "TODO" not in "\n".join(line for line in filled.split("\n") if not line.lstrip().startswith("#"))
    path.write_text(filled)
    assert check_site(site) == []


def test_new_record_passes_with_optional_lines_deleted(site):
    assert main(["new", "--root", str(site), "my-record", "--title", "T"]) == 0
    path = site / "content/records/my-record.md"
    kept = [line for line in path.read_text().split("\n") if "(or delete this line)" not in line]
    path.write_text(fill("\n".join(kept)))
    assert check_site(site) == []


def test_new_record_has_every_required_key_of_the_contract(site):
    assert main(["new", "--root", str(site), "my-record"]) == 0
    raw = load_record(SourceFile(site / "content/records/my-record.md", "x", "my-record"), load_config(site).limits)
    schema = load_schema("paper-manifest-v1.1")

    def missing(node: dict, data: dict, where: str) -> list[str]:
        out = [f"{where}{key}" for key in node.get("required", []) if key not in data]
        for key, sub in node.get("properties", {}).items():
            if isinstance(data.get(key), dict) and sub.get("type") == "object":
                out += missing(sub, data[key], f"{where}{key}.")
        return out

    assert missing(schema, raw.data, "") == []
    assert set(raw.data["corrections"]) == {"contract", "status", "entries"}


def test_new_refuses_to_overwrite(site, capsys):
    before = (site / F).read_bytes()
    assert main(["new", "--root", str(site), "rec"]) == 2
    assert "content/records/rec.md already exists" in capsys.readouterr().err
    assert (site / F).read_bytes() == before


@pytest.mark.parametrize("slug", ["My-Record", "my_record", "x-", "a--b", "x" * 81])
def test_new_refuses_an_invalid_slug(site, capsys, slug):
    assert main(["new", "--root", str(site), slug]) == 2
    assert "slug" in capsys.readouterr().err
    assert sorted(p.name for p in (site / "content/records").iterdir()) == ["rec.md"]


def test_new_needs_a_slug_or_a_title(site, capsys):
    assert main(["new", "--root", str(site)]) == 2
    assert "give a slug" in capsys.readouterr().err


def test_slug_is_made_from_the_title():
    assert slug_from_title("Über-Tokenisation: A Study of NER (2026)!") == "uber-tokenisation-a-study-of-ner-2026"
    assert slug_from_title("Straße, Œuvre and Łódź") == "strasse-oeuvre-and-lodz"
    assert len(slug_from_title("word " * 50)) <= 80
    assert slug_from_title("跨语言命名实体识别") == slug_from_title("BERT für Ελληνικά") == ""


def test_new_makes_the_slug_from_the_id_when_the_title_cannot_be_spelt_in_a_to_z(site, capsys):
    assert main(["new", "--root", str(site), "--title", "跨语言命名实体识别的子词切分"]) == 0
    out = capsys.readouterr().out
    (made,) = [p for p in (site / "content/records").iterdir() if p.name != "rec.md"]
    record_id = re.search(r"^id: (SRCH:[0-9A-F]{8})", made.read_text(), re.M).group(1)
    slug = record_id.lower().replace(":", "-")
    assert made.name == f"{slug}.md"
    assert out.startswith(
        f"created content/records/{slug}.md\n  id {record_id}, submitted 2026-07-25\n"
        f"  the slug {slug} is made from the id: the title has letters that a slug cannot hold (a slug is a-z, 0-9 "
        "and hyphens, as it names the file and the page address); to choose another, rename the file before the record "
        "is published\nNext:\n")
    assert "title: 跨语言命名实体识别的子词切分\n" in made.read_text()


def test_new_applies_the_title_limit_of_check_with_its_words(site, capsys):
    assert main(["new", "--root", str(site), "long", "--title", "x" * 750]) == 2
    assert capsys.readouterr().err == (
        "sitegen: error: --title: 'title' is longer than 500 characters (it has 750); nothing was written\n")
    assert not (site / "content/records/long.md").exists()


def test_new_refuses_to_run_inside_the_records_folder(site, capsys, monkeypatch):
    monkeypatch.chdir(site / "content/records")
    assert main(["new", "x"]) == 2
    assert capsys.readouterr().err == (
        f"sitegen: error: {(site / 'content/records').resolve()} is not a site folder: it has no site.yaml and no content/ "
        "folder. The site seems to be ../..: run sitegen new there, or pass --root ../..\n")
    assert sorted(p.name for p in site.rglob("*.md")) == ["rec.md"]


def test_new_refuses_a_folder_that_holds_no_site(tmp_path, capsys):
    assert main(["new", "--root", str(tmp_path), "x"]) == 2
    assert capsys.readouterr().err == (
        f"sitegen: error: {tmp_path.resolve()} is not a site folder: it has no site.yaml and no content/ folder. "
        "Run sitegen new in the site's top folder (the one that holds content/), or pass --root DIR\n")
    assert list(tmp_path.iterdir()) == []


def test_new_starts_a_site_that_has_only_its_site_yaml(tmp_path):
    (tmp_path / "site.yaml").write_text("title: A new registry\n")
    assert main(["new", "--root", str(tmp_path), "first-record"]) == 0
    assert (tmp_path / "content/records/first-record.md").is_file()


def test_minted_ids_avoid_every_id_in_use(site):
    assert existing_ids(load_config(site)) == {"SRCH:0000AAAA"}
    tokens = iter(["0000aaaa", "0000aaaa", "1234abcd"])
    assert mint_id({"SRCH:0000AAAA"}, lambda n: next(tokens)) == "SRCH:1234ABCD"
    assert re.fullmatch(r"SRCH:[0-9A-F]{8}", mint_id(set()))


# --- sitegen correct ---------------------------------------------------------------------------

def correct(site: Path, *args: str) -> int:
    return main(["correct", "--root", str(site), "rec", *args])


def test_correct_rewrites_only_the_status_and_the_empty_list(site):
    before = (site / F).read_bytes()
    assert correct(site, "--kind", "erratum", "--summary", "A typo in the abstract.", "--field", "abstract",
                   "--notice", "https://example.org/notices/1") == 0
    expected = before.replace(b"  status: current\n  entries: []\n", b"""\
  status: corrected
  entries:
    - id: C1
      date: 2026-07-25
      kind: erratum
      summary: A typo in the abstract.
      fields: [abstract]
      notice: https://example.org/notices/1
""")
    assert (site / F).read_bytes() == expected
    assert check_site(site) == []


CRLF_COMMENTED = record_with("corrections:\n  contract: correction-record-v1\n  status: current\n  entries: []", """\
corrections:
  contract: correction-record-v1   # the correction contract
  # The status follows from the entries.
  status: 'current'  # quoted on purpose
  entries: []  # none yet
  # A comment after the list.""").replace("\n", "\r\n").encode("utf-8")


def test_correct_keeps_comments_quotes_and_crlf_byte_identical(site):
    (site / F).write_bytes(CRLF_COMMENTED)
    assert correct(site, "--kind", "retraction", "--summary", "The sources were misread.", "--date", "2026-07-20") == 0
    expected = CRLF_COMMENTED.replace(b"  status: 'current'  # quoted on purpose\r\n  entries: []  # none yet\r\n", b"""\
  status: retracted  # quoted on purpose\r
  entries:  # none yet\r
    - id: C1\r
      date: 2026-07-20\r
      kind: retraction\r
      summary: The sources were misread.\r
""")
    after = (site / F).read_bytes()
    assert after == expected
    assert b"\n" not in after.replace(b"\r\n", b"")  # every line still ends in CRLF
    assert check_site(site) == []


BLOCK = record_with("corrections:\n  contract: correction-record-v1\n  status: current\n  entries: []", """\
corrections:
  # History first, then the status.
  entries:
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: >-
        Fixed a claim
        count.

    # (the end of the entries)
  status: corrected   # derived from the entries
  contract: correction-record-v1""")


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_correct_appends_after_the_last_entry_of_a_block_list(site, newline):
    before = BLOCK.replace("\n", newline).encode()
    (site / F).write_bytes(before)
    long_summary = "The gate verdict was recorded against the wrong artifact; " * 3
    assert correct(site, "--kind", "Expression of concern", "--summary", long_summary.strip(), "--date", "2026-07-20",
                   "--field", "gate.artifact", "--field", "gate.status") == 0
    entry = newline.join([
        "    - id: C2",
        "      date: 2026-07-20",
        "      kind: expression-of-concern",
        "      summary: >-",
        "        The gate verdict was recorded against the wrong artifact; The gate",
        "        verdict was recorded against the wrong artifact; The gate verdict was",
        "        recorded against the wrong artifact;",
        "      fields: [gate.artifact, gate.status]",
    ]) + newline
    marker = f"    # (the end of the entries){newline}".encode()
    expected = before.replace(marker, entry.encode() + marker).replace(
        b"status: corrected   # derived", b"status: expression-of-concern   # derived")
    assert (site / F).read_bytes() == expected
    assert check_site(site) == []


def test_correct_keeps_a_byte_order_mark_and_a_list_that_ends_the_front_matter(site):
    text = "\ufeff" + VALID_RECORD.split("claims:\n")[0] + "---\nBody.\n"
    (site / F).write_bytes(text.encode("utf-8"))
    assert correct(site, "--kind", "addendum", "--summary", "Added the data statement.") == 0
    after = (site / F).read_bytes().decode("utf-8")
    assert after.startswith("\ufeff---\n")
    assert after.endswith("  entries:\n    - id: C1\n      date: 2026-07-25\n      kind: addendum\n"
                          "      summary: Added the data statement.\n---\nBody.\n")
    assert check_site(site) == []


def test_correct_status_follows_the_most_severe_entry(site, capsys):
    assert correct(site, "--kind", "withdrawal", "--summary", "Withdrawn by the publisher.") == 0
    assert correct(site, "--kind", "clarification", "--summary", "Clarified the notice.") == 0
    out = capsys.readouterr().out
    assert "corrections.status: current -> withdrawn" in out and "corrections.status stays withdrawn" in out
    assert "stays published" in out
    assert "  status: withdrawn\n" in (site / F).read_text()
    assert check_site(site) == []


def refused(site: Path, capsys, *args: str) -> str:
    """What a refused correction printed: the record's diagnostics (stdout), then why it refused (stderr)."""
    before = (site / F).read_bytes()
    assert correct(site, *args) != 0
    assert (site / F).read_bytes() == before, "a refused correction must not touch the file"
    captured = capsys.readouterr()
    return captured.out + captured.err


def test_correct_refuses_bad_input_and_leaves_the_file_alone(site, capsys):
    assert "unknown correction kind 'errata'; did you mean 'erratum'?" in refused(site, capsys, "--kind", "errata", "--summary", "x")
    assert "--field 'review_scor' is not a field of paper-manifest-v1.1; did you mean 'review_score'?" in refused(
        site, capsys, "--kind", "erratum", "--summary", "x", "--field", "review_scor")
    assert "notice" in refused(site, capsys, "--kind", "erratum", "--summary", "x", "--notice", "ftp://example.org/n")
    assert "before it" in refused(site, capsys, "--kind", "erratum", "--summary", "x", "--date", "2026-06-30")
    assert "YYYY-MM-DD" in refused(site, capsys, "--kind", "erratum", "--summary", "x", "--date", "20 July")
    assert "--summary must say" in refused(site, capsys, "--kind", "erratum", "--summary", "  ")
    assert correct(site, "--kind", "erratum", "--summary", "First.", "--date", "2026-07-20") == 0
    assert "the last entry C1 is dated 2026-07-20" in refused(site, capsys, "--kind", "erratum", "--summary", "x",
                                                              "--date", "2026-07-19")


def test_correct_refuses_a_record_whose_history_is_broken(site, capsys):
    broken = BLOCK.replace("- id: C1", "- id: C7")
    (site / F).write_text(broken)
    before = (site / F).read_bytes()
    assert correct(site, "--kind", "erratum", "--summary", "x") == 1
    assert (site / F).read_bytes() == before
    line = broken[:broken.index("id: C7")].count("\n") + 1
    captured = capsys.readouterr()
    # The problems are the report (stdout); why nothing was done goes with the other messages (stderr).
    assert captured.out == f"content/records/rec.md:{line}:7: error: entry 1 has id 'C7', not C1 [correction-order]\n"
    assert captured.err == ("sitegen: the record cannot be corrected safely until the problems above are fixed; "
                            "the file was not changed\n")
    (site / F).write_text(VALID_RECORD.replace("  status: current", "  status: fine"))
    assert "'corrections.status' must be one of" in refused(site, capsys, "--kind", "erratum", "--summary", "x")
    (site / F).write_text(VALID_RECORD.replace("title: A valid record", "title: [unclosed"))
    assert "[yaml-syntax]" in refused(site, capsys, "--kind", "erratum", "--summary", "x")


@pytest.mark.parametrize("given,cwd", [
    ("rec.md", "."), ("content/records/rec.md", "."), ("rec", "content/records"), ("rec.md", "content/records"),
    ("./rec.md", "content/records"), ("../records/rec.md", "content/pages"), ("content/records/rec.md", "elsewhere"),
], ids=["file-name", "path-from-root", "slug-in-records", "file-name-in-records", "path-in-records", "path-from-a-sibling",
        "path-from-the-root-given-by-root"])
def test_correct_takes_a_slug_a_file_name_or_a_path(site, capsys, monkeypatch, given, cwd):
    for folder in ("content/pages", "elsewhere"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(site / cwd)
    assert main(["correct", "--root", str(site), given, "--kind", "erratum", "--summary", "A typo."]) == 0
    assert capsys.readouterr().out.startswith("appended C1 (erratum, 2026-07-25) to content/records/rec.md\n")


@pytest.mark.parametrize("given,message", [
    ("content/pages/about.md", "content/pages/about.md is not in the records folder content/records/: "
                               "sitegen correct works on the record files there"),
    ("content/records/notes.txt", "content/records/notes.txt is not a record file: records are named <slug>.md, "
                                  "with a slug of a-z, 0-9 and hyphens"),
    ("Rec", "'Rec' is not a record: give its slug (my-record), its file name (my-record.md) or the path to its file "
            "(content/records/my-record.md)"),
])
def test_correct_refuses_what_is_not_a_record_file(site, capsys, monkeypatch, given, message):
    (site / "content/pages").mkdir()
    (site / "content/pages/about.md").write_text("---\ntitle: About\n---\n")
    (site / "content/records/notes.txt").write_text("notes\n")
    monkeypatch.chdir(site)
    assert main(["correct", given, "--kind", "erratum", "--summary", "x"]) == 2
    assert capsys.readouterr().err == f"sitegen: error: {message}\n"


def test_correct_refuses_a_date_in_the_future(site, capsys):
    err = refused(site, capsys, "--kind", "erratum", "--summary", "x", "--date", "2062-12-01")
    assert err == ("sitegen: error: --date 2062-12-01 is in the future (today is 2026-07-25); "
                   "a correction is dated the day it is made\n")


def test_correct_says_which_entry_to_fix_when_the_last_one_is_in_the_future(site, capsys):
    (site / F).write_text(record_with("  status: current\n  entries: []", """\
  status: corrected
  entries:
    - id: C1
      date: 2062-12-01
      kind: erratum
      summary: Dated wrongly."""))
    err = refused(site, capsys, "--kind", "erratum", "--summary", "x")
    assert err.splitlines()[:2] == [
        "content/records/rec.md:41:13: error: correction C1 is dated 2062-12-01, in the future (today is 2026-07-25) [future-date]",
        "    hint: fix its date by hand to the day the entry was made, then run sitegen correct again",
    ]


def test_correct_dates_a_new_entry_like_a_last_entry_made_tomorrow_in_another_time_zone(site, capsys):
    (site / F).write_text(record_with("  status: current\n  entries: []", """\
  status: corrected
  entries:
    - id: C1
      date: 2026-07-26
      kind: erratum
      summary: Made east of here."""))
    assert correct(site, "--kind", "clarification", "--summary", "Clarified.") == 0
    assert capsys.readouterr().out.startswith("appended C2 (clarification, 2026-07-26) to content/records/rec.md\n")


def test_correct_names_a_missing_record(site, capsys):
    assert main(["correct", "--root", str(site), "recc", "--kind", "erratum", "--summary", "x"]) == 2
    assert "there is no record content/records/recc.md; did you mean 'rec'?" in capsys.readouterr().err


def test_correct_works_on_a_record_with_other_errors_and_says_so(site, capsys):
    (site / F).write_text(VALID_RECORD.replace("abstract: An abstract with *emphasis*.", 'abstract: "TODO: later"'))
    assert correct(site, "--kind", "erratum", "--summary", "x") == 0
    captured = capsys.readouterr()
    assert "'abstract' still holds a placeholder" in captured.out and captured.err == ""
    assert "The record still has 1 error(s)" in captured.out


# --- shipped files -----------------------------------------------------------------------------

def _commands(text: str) -> list[list[str]]:
    """The sitegen command lines in a shell script, as argv lists without the program name."""
    out = []
    for line in text.replace("\\\n", " ").split("\n"):
        line = re.sub(r"\$\{\{[^}]*\}\}", "X", line)
        line = re.sub(r"\$\{?\w+\}?", "X", line).split(">>")[0]
        words = shlex.split(line, comments=True)
        if "sitegen" in words:
            out.append(words[words.index("sitegen") + 1:])
        elif words[:2] == ["python", "build.py"]:
            out.append(["build", *words[2:]])
    return out


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_workflows_are_valid_yaml_and_call_existing_commands(name):
    workflow = yaml.safe_load((ROOT / ".github/workflows" / name).read_text())
    commands = [argv for step in _steps(workflow) if "run" in step for argv in _commands(step["run"])]
    assert commands, "the workflow runs sitegen"
    parser = _parser()
    for argv in commands:
        parser.parse_args(argv)  # exits (fails the test) on an unknown command or option


def test_check_workflow_checks_history_and_writes_the_summary():
    workflow = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())
    assert "pull_request" in workflow[True]  # YAML 1.1 reads the key `on` as true
    steps = _steps(workflow)
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))["with"]["python-version"] == "3.11"
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "pip install --require-hashes --no-deps -r requirements/site.txt" in runs
    assert 'sitegen check --format github --base "$BASE"' in runs
    assert 'sitegen diff --base "$BASE" --format markdown >> "$GITHUB_STEP_SUMMARY"' in runs
    assert workflow["jobs"]["check"]["env"]["BASE"] == "origin/${{ github.base_ref }}"


def test_check_workflow_writes_the_summary_only_when_the_check_ran():
    steps = _steps(yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text()))
    check = next(s for s in steps if s.get("id") == "check")
    assert check["run"] == 'sitegen check --format github --base "$BASE"'
    summary = next(s for s in steps if "GITHUB_STEP_SUMMARY" in s.get("run", ""))
    # Passed or failed, reviewers get the summary; after a failed install (check skipped) or a cancel, no step runs
    # a command that cannot work. Written positively: a step that never ran may have no outcome at all.
    assert summary["if"] == "${{ !cancelled() && (steps.check.outcome == 'success' || steps.check.outcome == 'failure') }}"
    assert steps.index(summary) > steps.index(check)


def test_the_pull_request_check_fails_on_a_broken_template_with_its_file_and_line(make_site, tmp_path):
    """The command check.yml runs, run as the workflow runs it, on a pull request that breaks layouts/record.html."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/check.yml").read_text())
    job = workflow["jobs"]["check"]
    command = next(s for s in job["steps"] if s.get("id") == "check")["run"]
    site = make_site({F: VALID_RECORD})
    git_env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
               "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "main"], ["update-ref", "refs/remotes/origin/main", "HEAD"]):
        subprocess.run(["git", "-C", str(site), "-c", "init.defaultBranch=main", *args], check=True, capture_output=True,
                       env={**os.environ, **git_env})
    record_html = site / "layouts/record.html"
    lines = record_html.read_text().split("\n")
    lines[20] = "{% if %}"
    record_html.write_text("\n".join(lines))
    env = {**os.environ, "BASE": job["env"]["BASE"].replace("${{ github.base_ref }}", "main"),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-e", "-c", command], cwd=site, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stdout == ("::error file=layouts/record.html,line=21,col=1,title=template::"
                           "Expected an expression, got 'end of statement block' [template]\n")


WORKFLOWS = sorted(p.name for p in (ROOT / ".github/workflows").glob("*.yml"))


def _workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text())


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_job_has_a_timeout(name):
    for job_name, job in _workflow(name)["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int) and 0 < job["timeout-minutes"] <= 60, f"{name}: {job_name}"


_PINNED = re.compile(r"^\s*(?:- )?uses: (?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40}) # (?P<version>v\d+\.\d+\.\d+)$")


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment(name):
    lines = [line for line in (ROOT / ".github/workflows" / name).read_text().split("\n") if re.match(r"^\s*(- )?uses:", line)]
    assert lines, f"{name} uses no action"
    for line in lines:
        assert _PINNED.match(line), f"{name}: not pinned to a full commit SHA with '# vX.Y.Z': {line.strip()}"
    uses = {step["uses"] for step in _steps(_workflow(name)) if "uses" in step}  # what GitHub reads: the comment is gone
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", u) for u in uses)


def test_each_action_is_pinned_to_one_release_in_every_workflow():
    pins: dict[str, set[tuple[str, str]]] = {}
    for name in WORKFLOWS:
        for line in (ROOT / ".github/workflows" / name).read_text().split("\n"):
            match = _PINNED.match(line)
            if match:
                pins.setdefault(match["action"], set()).add((match["sha"], match["version"]))
    assert {action: len(found) for action, found in pins.items()} == dict.fromkeys(pins, 1), pins


@pytest.mark.parametrize("name", WORKFLOWS)
def test_superseded_runs_are_cancelled_only_where_that_is_safe(name):
    workflow = _workflow(name)
    concurrency = workflow["concurrency"]
    events = set(workflow[True])  # YAML 1.1 reads the key `on` as true
    if "pages" in workflow.get("permissions", {}):
        # A deployment in progress is never cancelled: a newer push waits for it.
        assert concurrency == {"group": "pages", "cancel-in-progress": False}
    elif "pull_request" in events:
        # A new push to a pull request cancels the run still going for the previous one.
        assert concurrency["cancel-in-progress"] is True
        if events - {"pull_request"}:
            # Runs for pushes to main keep a group of their own, so only pull-request runs cancel each other.
            assert "github.event_name == 'pull_request' && github.ref || github.sha" in concurrency["group"]
    else:
        assert concurrency["cancel-in-progress"] is False  # a scheduled run started again by hand waits
    assert "${{ github.workflow }}" in concurrency["group"] or concurrency["group"] == "pages"


def test_deploy_workflow_publishes_with_the_official_pages_actions():
    workflow = yaml.safe_load((ROOT / ".github/workflows/deploy.yml").read_text())
    assert workflow[True]["push"]["branches"] == ["main"]
    uses = [s.get("uses", "").split("@")[0] for s in _steps(workflow)]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"} <= set(uses)
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}


# --- locked installs --------------------------------------------------------------------------

_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.M)


def _locked(name: str) -> dict[str, str]:
    """Package -> version in requirements/NAME.txt, after checking every entry is pinned with hashes."""
    text = (ROOT / "requirements" / name).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text[re.search(r"^[A-Za-z0-9]", text, re.M).start():])
    for entry in entries:
        assert _REQUIREMENT.match(entry), f"requirements/{name}: not an exact pin: {entry.splitlines()[0]}"
        assert "--hash=sha256:" in entry, f"requirements/{name}: no hash for {entry.splitlines()[0]}"
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in map(_REQUIREMENT.match, entries)}


def _declared(extra: str | None = None) -> set[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return {re.match(r"[A-Za-z0-9._-]+", spec).group(0).lower().replace("_", "-") for spec in specs}


@pytest.mark.parametrize("lock,extras", [("site.txt", ()), ("test.txt", ("test",)), ("bench.txt", ("test", "bench")),
                                         ("oldest.txt", ("test",))])
def test_every_dependency_is_locked_with_hashes(lock, extras):
    locked = _locked(lock)
    wanted = _declared().union(*(_declared(extra) for extra in extras)) | {"setuptools"}
    assert wanted <= set(locked), f"requirements/{lock} misses {sorted(wanted - set(locked))}: run .ci/lock"


def test_the_installed_versions_are_the_locked_ones():
    """The suite runs on exactly what requirements/test.txt (or, on the upstream job, the newest releases) holds."""
    import os
    from importlib.metadata import version

    if os.environ.get("SITEGEN_DEPS") == "newest":
        pytest.skip("the weekly upstream job tests the newest releases on purpose")
    for name, pinned in _locked("test.txt").items():
        if name == "colorama":  # Windows only
            continue
        assert version(name) == pinned, f"{name} {version(name)} is installed, the lock says {pinned}: run .ci/run"


def test_the_javascript_test_dependency_is_locked():
    package = json.loads((ROOT / "tests/package.json").read_text())
    lock = json.loads((ROOT / "tests/package-lock.json").read_text())
    for name, wanted in package["devDependencies"].items():
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"] == wanted and entry["integrity"].startswith("sha512-")
    assert "npm ci --prefix tests" in (ROOT / ".ci/run").read_text()


@pytest.mark.parametrize("name", ["check.yml", "deploy.yml"])
def test_shipped_workflows_install_the_lock(name):
    runs = "\n".join(s.get("run", "") for s in _steps(yaml.safe_load((ROOT / ".github/workflows" / name).read_text())))
    assert "pip install --require-hashes --no-deps -r requirements/site.txt" in runs
    assert "pip install --no-deps --no-build-isolation ." in runs
    assert re.search(r"pip install (?!--)", runs.replace("pip install --no-deps --no-build-isolation .", "")) is None


def test_the_readme_commands_install_the_lock():
    readme = (ROOT / "README.md").read_text()
    first_screen = readme[:readme.index("## ")]
    assert "pip install --require-hashes --no-deps -r requirements/site.txt" in first_screen
    assert "python build.py" in first_screen and ".ci/run" in first_screen


def test_the_upstream_job_runs_the_whole_suite_weekly_on_the_newest_releases():
    workflow = yaml.safe_load((ROOT / ".github/workflows/upstream.yml").read_text())
    (cron,) = [entry["cron"] for entry in workflow[True]["schedule"]]
    assert len(cron.split()) == 5 and cron.split()[2:4] == ["*", "*"] and cron.split()[4] != "*"  # one day a week
    (step,) = [s for s in _steps(workflow) if "run" in s]
    assert step["run"].strip() == ".ci/run" and step["env"] == {"SITEGEN_DEPS": "newest"}
    ci = (ROOT / ".ci/run").read_text()
    assert "newest)" in ci and "--upgrade" in ci


def test_pre_commit_hook_runs_an_existing_command():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "sitegen-check")
    assert hook["language"] == "python" and hook["pass_filenames"] is True and hook["require_serial"] is True
    program, *argv = shlex.split(hook["entry"]) + hook.get("args", [])
    assert program == "sitegen"
    _parser().parse_args([*argv, "content/records/x.md"])


def test_pre_commit_hook_reports_the_staged_files_and_duplicates_of_their_ids(make_site):
    """As pre-commit runs the hook: its entry and args, then the staged files its `files` pattern selects."""
    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text()) if h["id"] == "sitegen-check")
    site = make_site({"content/records/new.md": VALID_RECORD, "content/records/old.md": VALID_RECORD,
                      "content/records/broken.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB",
                                                               record_with("review_score: 7.5", "review_score: 70")),
                      "README.md": "# The registry\n"})
    staged = ["README.md", "content/records/new.md", "layouts/record.html"]
    files = [path for path in staged if re.search(hook["files"], path)]
    assert files == ["content/records/new.md", "layouts/record.html"]
    program, *argv = shlex.split(hook["entry"]) + hook.get("args", [])
    done = subprocess.run([sys.executable, "-m", "sitegen", *argv, *files], cwd=site, capture_output=True, text=True,
                          timeout=120)
    # new.md comes first by name, so the duplicate is reported at old.md; broken.md's error is not this commit's.
    assert done.returncode == 1
    assert done.stdout == ("content/records/old.md:3:5: error: the id SRCH:0000AAAA is already used by content/records/new.md "
                           "[duplicate-id]\n    hint: ids are unique and never change: give the record that is not published yet an id of its "
                           "own (sitegen new mints one); sitegen check --base origin/main tells which one is new\n")


def test_committed_schemas_match_the_contracts():
    for name, text in editor_schemas().items():
        committed = ROOT / "schemas" / name
        assert committed.is_file() and committed.read_text() == text, \
            f"schemas/{name} is out of date: run `sitegen schemas --output schemas` and commit the result"


def test_editor_schema_covers_the_correction_block_of_the_example_records():
    schema = json.loads(editor_schemas()["paper-manifest-v1.1.json"])
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"  # what editors' YAML support speaks
    Draft7Validator.check_schema(schema)
    checker = Draft7Validator(schema)
    as_2020 = Draft202012Validator({**schema, "$schema": "https://json-schema.org/draft/2020-12/schema"})
    config = load_config(ROOT)
    records = sorted((ROOT / "content/records").glob("*.md"))
    assert records
    for path in records:
        raw = load_record(SourceFile(path, path.name, path.stem), config.limits)
        assert [e.message for e in checker.iter_errors(raw.data)] == [], path.name
        broken = {**raw.data, "corrections": {**raw.data["corrections"], "status": "fine"}, "tier": {"tier": "gold"}}
        messages = sorted(e.message for e in checker.iter_errors(broken))
        assert any("'fine' is not one of" in m for m in messages)
        assert messages == sorted(e.message for e in as_2020.iter_errors(broken))


def test_schemas_command_writes_every_contract(tmp_path, capsys):
    assert main(["schemas", "--output", str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(editor_schemas())
    assert "wrote" in capsys.readouterr().out


LAYOUTS = {
    "flow": VALID_RECORD,
    "block": BLOCK,
    "dash-at-key-indent": VALID_RECORD.replace("  entries: []", "  entries:\n  - id: C1\n    date: 2026-07-02\n"
                                               "    kind: erratum\n    summary: x\n  # trailing comment\n"),
    "flow-items": VALID_RECORD.replace("  entries: []", "  entries:\n    - {id: C1, date: 2026-07-02, kind: erratum, summary: x}  # c"),
    "kept-literal": VALID_RECORD.replace("  entries: []", "  entries:\n    - id: C1\n      date: 2026-07-02\n"
                                         "      kind: erratum\n      summary: |+\n        kept\n\n"),
    "last-in-front-matter": VALID_RECORD.split("claims:\n")[0] + "---\n",
}


@settings(max_examples=150, deadline=None)
@given(layout=st.sampled_from(sorted(LAYOUTS)), summary=st.text(min_size=1, max_size=200).filter(str.strip),
       crlf=st.booleans())
def test_correct_edit_reads_back_as_the_old_data_plus_the_entry(layout, summary, crlf):
    text = LAYOUTS[layout].replace("\n", "\r\n") if crlf else LAYOUTS[layout]
    before, _ = load_yaml(front_matter_yaml(text))
    entry = {"id": f"C{len(before['corrections']['entries']) + 1}", "date": "2026-07-20", "kind": "erratum",
             "summary": summary, "fields": ["gate.status"]}
    after, _ = load_yaml(front_matter_yaml(edit_text(text, entry, "corrected")))
    before["corrections"]["entries"].append(entry)
    before["corrections"]["status"] = "corrected"
    assert after == before


def test_compiling_the_fast_validator_leaves_the_shared_contract_untouched():
    from sitegen.formats.schema import fast_validator

    shipped = json.loads((ROOT / "sitegen/contracts/site-config.json").read_text())
    fast_validator("site-config")
    assert load_schema("site-config") == shipped
