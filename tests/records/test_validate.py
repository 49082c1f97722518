"""Every contract and cross-field rule, asserted as the exact diagnostic a maintainer sees."""

from __future__ import annotations

import hashlib

import pytest
from conftest import VALID_RECORD, record_with
from helpers import check_site

F = "content/records/rec.md"


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
     [f"{F}:48:5: error: 'references[0]' does not have an accepted form: found the text 'javascript:alert(1)' [schema:paper-manifest-v1.1]"]),
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
    assert check_site(site) == [
        f"{F}:24:13: error: the artifact's sha256 does not match the file (the file's is {hashlib.sha256(body).hexdigest()}) [artifact-hash]"
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
