"""Every contract and cross-field rule, asserted as the exact diagnostic a maintainer sees."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import ROOT, VALID_RECORD, record_with
from helpers import check_site

from sitegen.config import load_config
from sitegen.engine.pipeline import check
from sitegen.errors import format_text

F = "content/records/rec.md"


def check_with_hints(site) -> list[str]:
    """Every diagnostic as the maintainer reads it, the hint line included."""
    return [format_text(d) for d in check(load_config(site)).diagnostics]


def test_valid_record_has_no_diagnostics(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD})
    assert check_site(site) == []


CASES = [
    # (test id, text replaced, replacement, expected diagnostics)
    ("unknown-contract", "contract: paper-manifest-v1.1", "contract: paper-manifest-v2",
     [f"{F}:2:11: error: unknown contract 'paper-manifest-v2' in 'contract'; known versions: paper-manifest-v1.1 [unknown-contract]"]),
    ("missing-contract", "contract: paper-manifest-v1.1\n", "",
     [f"{F}:2:1: error: missing 'contract': say which contract this record follows [unknown-contract]"]),
    ("unknown-correction-contract", "contract: correction-record-v1", "contract: correction-record-v0",
     [f"{F}:37:13: error: unknown contract 'correction-record-v0' in 'corrections.contract'; known versions: correction-record-v1 [unknown-contract]"]),
    ("missing-field", "research_question: Does it validate?\n", "",
     [f"{F}:2:1: error: missing required field 'research_question' [schema:paper-manifest-v1.1]"]),
    ("missing-nested-field", "  reason: No formal proof or sandbox reproduction has been attempted.\n", "",
     [f"{F}:16:1: error: missing required field 'gate.reason' [schema:paper-manifest-v1.1]"]),
    ("unknown-field", "review_score: 7.5", "review_score: 7.5\nreveiw: x",
     [f"{F}:12:1: error: unknown field 'reveiw' [schema:paper-manifest-v1.1]"]),
    ("wrong-type", "review_score: 7.5", "review_score: high",
     [f"{F}:11:15: error: 'review_score' must be a number; found the text 'high' [schema:paper-manifest-v1.1]"]),
    ("out-of-range", "review_score: 7.5", "review_score: 11",
     [f"{F}:11:15: error: 'review_score' must be at most 10; found the number 11 [schema:paper-manifest-v1.1]"]),
    ("bad-enum", "  status: unverified", "  status: verifed",
     [f"{F}:18:11: error: 'gate.status' must be one of verified, unverified, failed, pending; found the text 'verifed' [schema:paper-manifest-v1.1]"]),
    ("bad-id", "id: SRCH:0000AAAA", "id: SRCH:0000aaaa",
     [f"{F}:3:5: error: 'id' has the wrong form: found the text 'SRCH:0000aaaa' [schema:paper-manifest-v1.1]"]),
    ("bad-date", "submitted: 2026-07-01", "submitted: 2026-02-30",
     [f"{F}:5:12: error: 'submitted' must be a date written YYYY-MM-DD; found the text '2026-02-30' [schema:paper-manifest-v1.1]"]),
    ("yaml11-no-stays-text", "language: en", "language: no",
     []),
    ("bool-where-text", "publisher: Assignee Research", "publisher: true",
     [f"{F}:8:12: error: 'publisher' must be text; found true (a yes/no value) [schema:paper-manifest-v1.1]"]),
    ("scalar-where-mapping", "tier:\n  tier: watchlist", "tier: watchlist",
     [f"{F}:21:7: error: 'tier' must be a mapping of keys to values; found the text 'watchlist' [schema:paper-manifest-v1.1]"]),
    ("nan", "review_score: 7.5", "review_score: .nan",
     [f"{F}:11:15: error: '.nan' is not a finite number [non-finite-number]"]),
    ("verified-needs-artifact", "  status: unverified", "  status: verified\n  evaluated: 2026-06-17T15:03:36+00:00",
     [f"{F}:18:11: error: gate status 'verified' requires an artifact [gate-artifact]"]),
    ("evaluated-required", "  status: unverified", "  status: pending",
     [f"{F}:16:1: error: gate status 'pending' requires 'gate.evaluated', the time of evaluation [gate-evaluated]"]),
    ("bad-timestamp", "  status: unverified", "  status: pending\n  evaluated: 2026-06-17 15:03",
     [f"{F}:19:14: error: 'gate.evaluated' must be a timestamp with a time zone, like 2026-06-17T15:03:36+00:00; found the text '2026-06-17 15:03' [schema:paper-manifest-v1.1]"]),
    ("unknown-gate", "  gate: 2", "  gate: 3",
     [f"{F}:17:9: error: gate 3 is not configured; known gates: 2 [gate-unknown]"]),
    ("claim-lineage", "  claim_lineage: 3", "  claim_lineage: 4",
     [f"{F}:33:18: error: provenance.claim_lineage is 4 but verification.source_grounded_claims is 3; they count the same claims [claim-lineage]"]),
    ("correction-status", "  status: current", "  status: retracted",
     [f"{F}:38:11: error: the correction status is 'retracted' but the entries make it 'current' [correction-status]"]),
    ("doi-missing", "doi: 10.5281/zenodo.1\n", "",
     [f"{F}:31:20: warning: the external record is 'registered' but the record has no doi [doi-missing]"]),
    ("tier-threshold", "  tier: watchlist", "  tier: doi-grade",
     [f"{F}:22:9: warning: the tier is 'doi-grade' but the configured thresholds give 'watchlist' (review score 7.5, 1 verified claims, gate unverified) [tier-threshold]"]),
    ("predates-pipeline", "  reason_code: not-attempted", "  reason_code: pre-pipeline",
     [f"{F}:20:16: warning: the reason says the record predates the gate 2 pipeline, but it was submitted on 2026-07-01, after the pipeline was activated on 2026-06-10 [gate-predates-pipeline]"]),
    ("claims-count", "  source_grounded_claims: 3", "  source_grounded_claims: 0",
     [f"{F}:14:27: warning: 1 listed claims are verified, more than the 0 source-grounded claims stated [claims-count]",
      f"{F}:33:18: error: provenance.claim_lineage is 3 but verification.source_grounded_claims is 0; they count the same claims [claim-lineage]"]),
    ("placeholder", "title: A valid record", "title: 'TODO: write the title'",
     [f"{F}:4:8: error: 'title' still holds a placeholder: TODO: write the title [placeholder]"]),
    ("bidi", "title: A valid record", "title: \"A \u202egnp.exe\"",
     [f"{F}:4:8: warning: 'title' contains bidirectional override characters, which can make text display in a misleading order [bidi-control]"]),
    ("reference-form", "  - https://arxiv.org/abs/2004.12440", "  - javascript:alert(1)",
     [f"{F}:48:5: error: 'references[1]' has the wrong form: found the text 'javascript:alert(1)' [schema:paper-manifest-v1.1]"]),
    ("reference-number", "  - https://arxiv.org/abs/2004.12440", "  - 12",
     [f"{F}:48:5: error: 'references[1]' does not have an accepted form: found the number 12 [schema:paper-manifest-v1.1]"]),
    ("title-too-long", "title: A valid record", "title: " + "x" * 750,
     [f"{F}:4:8: error: 'title' is longer than 500 characters (it has 750) [schema:paper-manifest-v1.1]"]),
]


@pytest.mark.parametrize("old,new,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule_reports_exact_diagnostic(make_site, old, new, expected):
    site = make_site({"content/records/rec.md": record_with(old, new)})
    assert check_site(site) == expected


CORRECTED = record_with("  status: current\n  entries: []", """\
  status: corrected
  entries:
    - id: C1
      date: 2026-07-10
      kind: correction
      summary: Fixed a claim count.
      fields: [verification.source_grounded_claims]
    - id: C3
      date: 2026-07-09
      kind: erratum
      summary: Typo.
    - id: C3
      date: 2026-06-01
      kind: clarification
      summary: Earlier than the record.""")


def test_correction_entries_are_numbered_and_dated_in_order(make_site):
    site = make_site({"content/records/rec.md": CORRECTED})
    assert check_site(site) == [
        f"{F}:45:11: error: correction entry 2 has id 'C3'; entries are numbered C1, C2, ... in order [correction-order]",
        f"{F}:46:13: error: correction C3 is dated 2026-07-09, before the entry above it (2026-07-10) [correction-order]",
        f"{F}:50:13: error: correction C3 is dated 2026-06-01, before the entry above it (2026-07-10) [correction-order]",
        f"{F}:50:13: error: correction C3 is dated 2026-06-01, before the record was submitted (2026-07-01) [correction-date]",
    ]


def test_retraction_entry_requires_retracted_status(make_site):
    text = record_with("  entries: []", """\
  entries:
    - id: C1
      date: 2026-07-10
      kind: retraction
      summary: The results could not be reproduced.""")
    site = make_site({"content/records/rec.md": text})
    assert check_site(site) == [
        f"{F}:38:11: error: the correction status is 'current' but the entries make it 'retracted' [correction-status]"
    ]


def _with_artifact(path: str, sha: str | None = None) -> str:
    lines = f"  artifact:\n    kind: repro-script\n    path: {path}\n" + (f"    sha256: {sha}\n" if sha else "")
    return record_with("  reason_code: not-attempted\n", "  reason_code: not-attempted\n" + lines)


def test_local_artifact_must_exist(make_site):
    site = make_site({"content/records/rec.md": _with_artifact("artifacts/missing.py")})
    assert check_site(site) == [
        f"{F}:23:11: error: the artifact file content/artifacts/missing.py does not exist [artifact-missing]"
    ]


def test_artifact_hash_must_match(make_site):
    body = b"print('406.0')\n"
    wrong = hashlib.sha256(b"other").hexdigest()
    site = make_site({"content/records/rec.md": _with_artifact("artifacts/r.py", wrong), "content/artifacts/r.py": body})
    assert check_with_hints(site) == [
        f"{F}:24:13: error: the artifact's sha256 does not match the file (the file's is {hashlib.sha256(body).hexdigest()}) [artifact-hash]\n"
        "    hint: on a record not yet published, write the file's sha256 here; on a published one the artifact changed: "
        "restore the file, or record a correction with the new hash (sitegen correct --field gate.artifact.sha256)"
    ]


def test_artifact_with_matching_hash_passes(make_site):
    body = b"print('406.0')\n"
    site = make_site({"content/records/rec.md": _with_artifact("artifacts/r.py", hashlib.sha256(body).hexdigest()),
                      "content/artifacts/r.py": body})
    assert check_site(site) == []


@pytest.mark.parametrize("path,message", [
    ("../secret.txt", "the artifact path leaves the content folder ('..')"),
    ("/etc/passwd", "the artifact path is absolute; it must be relative to the content folder"),
    ("'artifacts\\\\r.py'", "the artifact path uses backslashes"),
    ("C:/x.py", "the artifact path is absolute; it must be relative to the content folder"),
])
def test_artifact_path_may_not_leave_content(make_site, path, message):
    site = make_site({"content/records/rec.md": _with_artifact(path)})
    assert check_site(site) == [f"{F}:23:11: error: {message} [artifact-path]"]


def test_artifact_symlink_outside_content_is_refused(make_site, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text("secret")
    site = make_site({"content/records/rec.md": _with_artifact("artifacts/link.py")})
    (site / "content" / "artifacts").mkdir()
    (site / "content" / "artifacts" / "link.py").symlink_to(outside)
    assert check_site(site) == [
        f"{F}:23:11: error: the artifact path resolves, through a symbolic link, outside the content folder [artifact-path]"
    ]


def test_duplicate_ids_across_records(make_site):
    site = make_site({"content/records/a.md": VALID_RECORD, "content/records/b.md": VALID_RECORD})
    assert check_site(site) == [
        "content/records/b.md:3:5: error: the id SRCH:0000AAAA is already used by content/records/a.md [duplicate-id]"
    ]


def test_all_problems_in_all_files_in_one_run(make_site):
    site = make_site({
        "content/records/a.md": record_with("review_score: 7.5", "review_score: 70"),
        "content/records/b.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB").replace("  claim_lineage: 3", "  claim_lineage: 9"),
        "content/records/c.md": "no front matter\n",
        "content/records/d.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000DDDD"),
    })
    lines = check_site(site)
    assert [line.split(":")[0] for line in lines] == ["content/records/a.md", "content/records/b.md", "content/records/c.md"]
    assert len(lines) == 3


def _documented_example() -> dict[str, str]:
    """The files of docs/records.md's complete example: path -> text."""
    doc = (ROOT / "docs/records.md").read_text(encoding="utf-8")
    section = doc[doc.index("## A complete example"):doc.index("Writing notes:")]
    files = {path: text + "\n" for path, text in
             re.findall(r"^File `([^`]+)`[^\n]*:\n\n```[a-z]*\n(.*?)\n```$", section, re.M | re.S)}
    assert sorted(files) == ["content/artifacts/subword-tokenisation-cross-lingual-ner/repro.py",
                             "content/records/subword-tokenisation-cross-lingual-ner.md"]
    return files


def test_the_documented_complete_example_checks_clean(make_site):
    site = make_site(_documented_example())
    assert check_site(site) == []


# --- every problem in one run -----------------------------------------------------------------

def test_rules_across_fields_run_beside_schema_errors(make_site):
    """Seven schema errors, and the rules whose values are valid still speak in the same run."""
    text = _with_artifact("artifacts/missing.py")
    for old, new in [("review_score: 7.5", "review_score: high"), ("language: en", "language: english!"),
                     ("  reproducibility: medium", "  reproducibility: medum"), ("  tier: watchlist", "  tier: gold"),
                     ("  report_artifact: available", "  report_artifact: yes"), ("  - text: The first claim.", "  - txt: The first claim."),
                     ("  claim_lineage: 3", "  claim_lineage: 4")]:
        text = record_with(old, new, text)
    site = make_site({"content/records/rec.md": text})
    assert check_site(site) == [
        f"{F}:6:11: error: 'language' has the wrong form: found the text 'english!' [schema:paper-manifest-v1.1]",
        f"{F}:11:15: error: 'review_score' must be a number; found the text 'high' [schema:paper-manifest-v1.1]",
        f"{F}:23:11: error: the artifact file content/artifacts/missing.py does not exist [artifact-missing]",
        f"{F}:25:9: error: 'tier.tier' must be one of doi-grade, flagship-candidate, watchlist; found the text 'gold' [schema:paper-manifest-v1.1]",
        f"{F}:30:20: error: 'quality.reproducibility' must be one of low, medium, high; found the text 'medum' [schema:paper-manifest-v1.1]",
        f"{F}:34:20: error: 'provenance.report_artifact' must be one of available, unavailable; found the text 'yes' [schema:paper-manifest-v1.1]",
        f"{F}:36:18: error: provenance.claim_lineage is 4 but verification.source_grounded_claims is 3; they count the same claims [claim-lineage]",
        f"{F}:44:5: error: missing required field 'claims[1].text' [schema:paper-manifest-v1.1]",
        f"{F}:44:5: error: unknown field 'claims[1].txt' [schema:paper-manifest-v1.1]",
    ]


def test_a_rule_waits_for_the_values_it_reads(make_site):
    text = record_with("  source_grounded_claims: 3", '  source_grounded_claims: "three"',
                       record_with("  claim_lineage: 3", "  claim_lineage: 4"))
    site = make_site({"content/records/rec.md": text})
    assert check_site(site) == [
        f"{F}:14:27: error: 'verification.source_grounded_claims' must be a whole number; found the text 'three' [schema:paper-manifest-v1.1]",
    ]


def test_an_unknown_correction_contract_does_not_hide_the_rest_of_the_record(make_site):
    text = record_with("contract: correction-record-v1", "contract: correction-record-v0",
                       record_with("  claim_lineage: 3", "  claim_lineage: 4"))
    site = make_site({"content/records/rec.md": text})
    assert check_site(site) == [
        f"{F}:33:18: error: provenance.claim_lineage is 4 but verification.source_grounded_claims is 3; they count the same claims [claim-lineage]",
        f"{F}:37:13: error: unknown contract 'correction-record-v0' in 'corrections.contract'; known versions: correction-record-v1 [unknown-contract]",
    ]


# --- no dates in the future -------------------------------------------------------------------

@pytest.fixture
def on_2026_07_20(monkeypatch):
    monkeypatch.setenv("SITEGEN_TODAY", "2026-07-20")


ENTRY = """\
  status: corrected
  entries:
    - id: C1
      date: {date}
      kind: correction
      summary: Fixed a claim count."""


@pytest.mark.parametrize("old,new,expected", [
    ("submitted: 2026-07-01", "submitted: 2026-07-22",
     f"{F}:5:12: error: 'submitted' is 2026-07-22, a date in the future (today is 2026-07-20) [future-date]\n"
     "    hint: write the day the record was submitted; a date may be at most one day after today, for time zones"),
    ("  status: current\n  entries: []", ENTRY.format(date="2099-01-01"),
     f"{F}:41:13: error: correction C1 is dated 2099-01-01, in the future (today is 2026-07-20) [future-date]\n"
     "    hint: write the day the correction was made; a date may be at most one day after today, for time zones"),
    ("  status: unverified", '  status: pending\n  evaluated: "2026-07-23T08:00:00+00:00"',
     f"{F}:19:14: error: 'gate.evaluated' is 2026-07-23T08:00:00+00:00, a time in the future (today is 2026-07-20) [future-date]\n"
     "    hint: write when the gate evaluated the record; a date may be at most one day after today, for time zones"),
], ids=["submitted", "correction-entry", "gate-evaluated"])
def test_dates_in_the_future_are_refused(make_site, on_2026_07_20, old, new, expected):
    site = make_site({"content/records/rec.md": record_with(old, new)})
    assert check_with_hints(site) == [expected]


def test_a_date_one_day_ahead_is_allowed_for_time_zones(make_site, on_2026_07_20):
    text = record_with("  status: current\n  entries: []", ENTRY.format(date="2026-07-21"),
                       record_with("  status: unverified", '  status: pending\n  evaluated: "2026-07-21T23:59:00-11:00"'))
    site = make_site({"content/records/rec.md": record_with("submitted: 2026-07-01", "submitted: 2026-07-21", text)})
    assert check_site(site) == []


def test_today_must_be_written_as_a_date(make_site, monkeypatch):
    from sitegen.errors import UsageError

    monkeypatch.setenv("SITEGEN_TODAY", "tomorrow")
    with pytest.raises(UsageError, match="^SITEGEN_TODAY must be a date written YYYY-MM-DD, found 'tomorrow'$"):
        load_config(make_site({}))


# --- what the messages say --------------------------------------------------------------------

HINTS = [
    ("level-case", "  level: L2", "  level: l2",
     f"{F}:13:10: error: 'verification.level' must be one of L1, L2, L3, L4; found the text 'l2' [schema:paper-manifest-v1.1]\n"
     "    hint: did you mean 'L2'? Upper and lower case are not the same here"),
    ("count-in-quotes", "  source_grounded_claims: 3", '  source_grounded_claims: "3"',
     f"{F}:14:27: error: 'verification.source_grounded_claims' must be a whole number; found the text '3' [schema:paper-manifest-v1.1]\n"
     '    hint: remove the quotes: write 3, not "3"; in quotes it is text, not a number'),
    ("verified-yes", "    verified: true", "    verified: yes",
     f"{F}:42:15: error: 'claims[1].verified' must be true or false; found the text 'yes' [schema:paper-manifest-v1.1]\n"
     "    hint: write true: only true and false are yes/no values, 'yes' is text"),
    ("verified-in-quotes", "    verified: false", '    verified: "false"',
     f"{F}:45:15: error: 'claims[2].verified' must be true or false; found the text 'false' [schema:paper-manifest-v1.1]\n"
     '    hint: remove the quotes: write false, not "false"; in quotes it is text, not true or false'),
    ("reference-link", "    url: https://example.org/paper", "    link: https://example.org/paper",
     f"{F}:50:5: error: unknown field 'references[2].link' [schema:paper-manifest-v1.1]\n"
     "    hint: did you mean 'url'? It is required here, and 'link' is not a field of 'references[2]'"),
    ("reference-typo", "    url: https://example.org/paper", "    ulr: https://example.org/paper",
     f"{F}:49:5: error: missing required field 'references[2].url' [schema:paper-manifest-v1.1]\n"
     "    hint: An http or https URL of the cited work.\n"
     f"{F}:50:5: error: unknown field 'references[2].ulr' [schema:paper-manifest-v1.1]\n"
     "    hint: did you mean 'url'?"),
    ("required-key-under-another-name", "  tier: watchlist", "  grade: watchlist",
     f"{F}:22:3: error: unknown field 'tier.grade' [schema:paper-manifest-v1.1]\n"
     "    hint: did you mean 'tier'? It is required here, and 'grade' is not a field of 'tier'"),
    ("sha256-placeholder", "  reason_code: not-attempted",
     "  reason_code: not-attempted\n  artifact:\n    kind: repro-script\n    url: https://example.org/repro.py\n"
     "    sha256: 0000000000000000000000000000000000000000000000000000000000000000",
     f"{F}:24:13: error: 'gate.artifact.sha256' must be text; found the number 0 [schema:paper-manifest-v1.1]\n"
     "    hint: YAML reads 0, or a row of zeros such as a placeholder 000...0, as the number 0: write the real value here, in quotes"),
]


@pytest.mark.parametrize("old,new,expected", [c[1:] for c in HINTS], ids=[c[0] for c in HINTS])
def test_likely_slips_get_a_hint_that_says_what_to_write(make_site, old, new, expected):
    site = make_site({"content/records/rec.md": record_with(old, new)})
    assert "\n".join(check_with_hints(site)) == expected


def test_an_artifact_path_written_from_the_site_root_says_paths_start_in_content(make_site):
    site = make_site({"content/records/rec.md": _with_artifact("content/artifacts/r.py"), "content/artifacts/r.py": "print(1)\n"})
    assert check_with_hints(site) == [
        f"{F}:23:11: error: the artifact file content/content/artifacts/r.py does not exist [artifact-missing]\n"
        "    hint: artifact paths are relative to the content folder, so 'content/' is written twice: write path: artifacts/r.py"
    ]


def test_list_positions_in_messages_count_from_1_as_on_the_page(make_site):
    text = record_with("  - text: The second claim.", "  - text: ''")
    site = make_site({"content/records/rec.md": text})
    assert check_site(site) == [f"{F}:44:11: error: 'claims[2].text' must not be empty [schema:paper-manifest-v1.1]"]


def _replaced(data, path, value):
    """data with the value at path replaced, or the key removed when value is _GONE."""
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    head, rest = path[0], path[1:]
    if not rest and value is _GONE:
        del copy[head]
    else:
        copy[head] = _replaced(copy[head], rest, value)
    return copy


_GONE = object()
_VALUES = st.one_of(st.just(_GONE), st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False),
                    st.sampled_from(["", "x", "TODO: later", "2099-01-01", "2026-07-01", "C1", "verified", "L2",
                                     "2026-06-17T15:03:36+00:00", "artifacts/x.py", "../x"]),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.sampled_from(["id", "kind", "x"]), st.text(max_size=3), max_size=2))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(st.integers(0, 10_000), _VALUES), min_size=1, max_size=4))
def test_rules_across_fields_never_raise_on_a_partly_invalid_record(make_site, changes):
    """Rules run beside schema errors: whatever values are wrong, they read only values that passed."""
    from sitegen.formats.safeyaml import load_yaml
    from sitegen.model import RawRecord
    from sitegen.records.validate import validate_record

    site = make_site({})
    config = load_config(site)
    data, positions = load_yaml(VALID_RECORD.split("---\n")[1], line_offset=1)
    for pick, value in changes:
        paths = sorted((p for p in positions if p), key=repr)
        path = paths[pick % len(paths)]
        try:
            data = _replaced(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    raw = RawRecord("rec", F, data, positions, "", 50, "0" * 64)
    record, problems = validate_record(raw, config)
    assert (record is None) == any(d.level == "error" for d in problems)
