"""`sitegen new`: write a new record file with a fresh id, today's date and
every required key, holding "TODO: ..." placeholders that `check` reports
until the maintainer fills them.

Values that must be a number or one of a few choices also get a "TODO: ..."
text naming what is allowed: the validator reports each placeholder once, as
[placeholder], and skips the schema's type check for it, so the first `check`
lists every value still to fill, and the record passes once they are filled.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from ..config import CONFIG_NAME, SiteConfig
from ..errors import UsageError
from ..formats.safeyaml import load_yaml
from ..formats.schema import known_versions, load_schema, schema_problems
from ..formats.yamltext import scalar
from ..records.addresses import load_aliases
from ..records.load import SLUG
from ..records.validate import PLACEHOLDER, placeholder_paths

MAX_SLUG = 80
_ID_IN_TEXT = re.compile(r"SRCH:[0-9A-F]{8}")


@dataclass(frozen=True, slots=True)
class NewRecord:
    """What `sitegen new` wrote."""

    path: Path  # absolute
    rel_path: str  # for messages, e.g. content/records/x.md
    id: str
    submitted: dt.date
    placeholders: int  # values the maintainer still has to fill
    slug_note: str | None = None  # why the slug is not made from the title, when it is not


# Latin letters that Unicode decomposition leaves whole, spelt as their usual a-z forms.
_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def slug_from_title(title: str) -> str:
    """A file slug from a title: ASCII lower-case words joined by hyphens; "" when the title cannot be spelt in a-z.

    Accents are dropped (Über -> uber). A title with letters or digits that have
    no a-z spelling (Chinese, Greek, ...) gives "": a slug made of the rest
    would name the record by a fragment of its title.
    """
    folded = unicodedata.normalize("NFKD", title.lower().translate(_LATIN))
    if any(not ch.isascii() and unicodedata.category(ch)[0] in "LN" for ch in folded):
        return ""
    words = re.findall(r"[a-z0-9]+", folded.encode("ascii", "ignore").decode("ascii"))  # accents go
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > MAX_SLUG:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


def slug_from_id(record_id: str) -> str:
    """SRCH:4BF8489F -> srch-4bf8489f, the slug of a record whose title gives none."""
    return record_id.lower().replace(":", "-")


def check_site_folder(config: SiteConfig) -> None:
    """Refuse to write a record outside a site: a folder with site.yaml or a content folder."""
    if (config.root / CONFIG_NAME).is_file() or config.content_dir.is_dir():
        return
    message = f"{config.root} is not a site folder: it has no {CONFIG_NAME} and no content/ folder."
    for parent in config.root.parents:
        if (parent / CONFIG_NAME).is_file() or (parent / "content" / "records").is_dir():
            there = os.path.relpath(parent)
            raise UsageError(f"{message} The site seems to be {there}: run sitegen new there, or pass --root {there}")
    raise UsageError(f"{message} Run sitegen new in the site's top folder (the one that holds content/), or pass --root DIR")


def check_slug(slug: str) -> None:
    """Refuse a slug the loader would refuse, with the fix."""
    if not SLUG.fullmatch(slug):
        raise UsageError(f"'{slug}' is not a valid slug: use lower-case letters a-z, digits and single hyphens, "
                         "e.g. cross-lingual-ner-transfer (the file becomes content/records/<slug>.md)")
    if len(slug) > MAX_SLUG:
        raise UsageError(f"the slug is {len(slug)} characters long; keep it to {MAX_SLUG} (it becomes the page address)")


def existing_ids(config: SiteConfig) -> set[str]:
    """Every SRCH id written anywhere in the record files, valid or not, so a new id never collides."""
    found: set[str] = set()
    if config.records_dir.is_dir():
        for path in config.records_dir.glob("*.md"):
            try:
                found.update(_ID_IN_TEXT.findall(path.read_text(encoding="utf-8", errors="replace")))
            except OSError:
                continue
    return found


def mint_id(taken: Iterable[str], token: Callable[[int], str] = secrets.token_hex) -> str:
    """A random SRCH id not in taken: 8 upper-case hex digits."""
    taken = set(taken)
    for _ in range(1000):  # 2^32 ids: a collision twice in a row is already unlikely
        candidate = "SRCH:" + token(4).upper()
        if candidate not in taken:
            return candidate
    raise UsageError("could not mint an unused id; the registry holds too many ids")  # pragma: no cover


def _choices(path: tuple[str, ...]) -> str:
    """'TODO: a, b or c' from the contract's allowed values at path, so the list is never typed twice."""
    node: Any = load_schema(known_versions("paper-manifest")[-1])
    for part in path:
        node = node["properties"][part]
    values = [str(v) for v in node["enum"]]
    return f"{PLACEHOLDER} " + (", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0])


def _todo(text: str) -> str:
    return scalar(f"{PLACEHOLDER} {text}")


def render_record(*, record_id: str, slug: str, title: str | None, submitted: dt.date, config: SiteConfig) -> str:
    """The text of a new record file: every required key, placeholders where a person must decide."""
    manifest = known_versions("paper-manifest")[-1]
    correction = known_versions("correction-record")[-1]
    gates = sorted(config.gates)
    gate = str(gates[0]) if len(gates) == 1 else _todo("the gate number: " + ", ".join(map(str, gates)))
    lines = [
        "---",
        '# A new record. Replace every "TODO: ..." value, quotes included (write L2, not "L2"),',
        "# and delete the optional lines you do not need; `sitegen check` lists what is left.",
        "# docs/records.md describes every field. The report goes in Markdown below the closing ---.",
        f"contract: {manifest}",
        f"id: {record_id}  # minted by `sitegen new`; never change it once published",
        f"title: {scalar(title) if title else _todo('the title, on one line')}",
        f"submitted: {submitted.isoformat()}",
        f"language: {config.language}  # BCP 47 tag of the record's text",
        "# doi: 10.5281/zenodo.0000000  # add once a DOI is registered",
        f"publisher: {_todo('who publishes the record')}",
        f"abstract: {_todo('the abstract; inline Markdown is allowed')}",
        f"research_question: {_todo('the research question the synthesis answers')}",
        f"review_score: {_todo('the review score, a number from 0 to 10 (or delete this line)')}",
        "verification:",
        f"  level: {scalar(_choices(('verification', 'level')))}",
        f"  source_grounded_claims: {_todo('how many claims are grounded in sources, a whole number')}",
        f"  claim_record_source: {_todo('where the claims come from, e.g. parsed source sections (or delete this line)')}",
        "gate:",
        f"  gate: {gate}",
        f"  status: {scalar(_choices(('gate', 'status')))}",
        f"  reason: {_todo('why the gate reached this verdict, in words a reader understands')}",
        "  # reason_code: not-attempted  # optional, a structured code for the reason",
        '  # evaluated: "2026-01-31T12:00:00+00:00"  # required unless the status is unverified',
        "  # artifact:  # required when the status is verified",
        "  #   kind: repro-script  # lean4-proof, repro-script or repro-results",
        f"  #   path: artifacts/{slug}/repro.py  # a file under content/, or url: https://...",
        "  #   sha256: 0000000000000000000000000000000000000000000000000000000000000000  # sha256sum of the file",
        "tier:",
        f"  tier: {scalar(_choices(('tier', 'tier')))}",
        "  # basis: ...  # optional; the tier's default text from the site configuration is shown otherwise",
        "quality:",
    ]
    for dimension in ("evidence_strength", "citation_grounding", "uncertainty_disclosure", "reproducibility"):
        lines.append(f"  {dimension}: {scalar(_choices(('quality', dimension)))}")
    lines += [
        "provenance:",
        "  contract: source-provenance-v1",
        f"  public_provenance: {scalar(_choices(('provenance', 'public_provenance')))}",
        f"  report_artifact: {scalar(_choices(('provenance', 'report_artifact')))}",
        f"  external_record: {scalar(_choices(('provenance', 'external_record')))}",
        f"  claim_lineage: {_todo('the same whole number as verification.source_grounded_claims')}",
        f"  review_method: {_todo('how the record was reviewed, e.g. Automated multi-reviewer assessment')}",
        f"  note: {_todo('a note for readers (or delete this line)')}",
        "corrections:",
        f"  contract: {correction}",
        "  status: current",
        "  entries: []  # append entries with `sitegen correct`; never edit a published one",
        "# claims:  # optional: the claims extracted from the report, in order",
        '#   - text: "The claim as extracted."',
        "#     verified: true",
        "#     confidence: 0.4",
        "# references:  # optional: http(s) URLs, or a title and a url",
        "#   - https://arxiv.org/abs/0000.00000",
        "---",
        "",
    ]
    return "\n".join(lines)


def _check_text(text: str, rel: str) -> None:
    """Refuse a new record that breaks its contract anywhere but in its placeholders, in the words of `check`."""
    yaml_text = text.split("\n---\n", 1)[0].split("---\n", 1)[1]
    data, positions = load_yaml(yaml_text, line_offset=1)
    for path, problem in schema_problems(data["contract"], data, positions, rel, skip=placeholder_paths(data)):
        option = "--title: " if path[:1] == ("title",) else ""
        raise UsageError(f"{option}{problem.message}; nothing was written")


def create_record(config: SiteConfig, slug: str | None, title: str | None) -> NewRecord:
    """Write content/records/<slug>.md for a new record; never overwrites a file."""
    check_site_folder(config)
    if title is not None:
        title = title.strip()
        if not title or "\n" in title or "\r" in title:
            raise UsageError("--title must be one line of text")
    if slug is None and title is None:
        raise UsageError("give a slug (sitegen new my-record-slug) or a title to make one from (--title '...')")
    if slug is not None:
        check_slug(slug)
    record_id = mint_id(existing_ids(config))
    slug_note = None
    if slug is None:
        slug = slug_from_title(title or "")
        if not slug:
            slug = slug_from_id(record_id)
            slug_note = (f"the slug {slug} is made from the id: the title has letters that a slug cannot hold "
                         "(a slug is a-z, 0-9 and hyphens, as it names the file and the page address)")
    retired = next((a for a in load_aliases(config)[0] if a.slug == slug), None)
    if retired is not None:  # check would refuse the record (alias-taken); say so before writing it
        raise UsageError(f"records/{slug}.html is a retired address of {retired.id} ({retired.pos.path}:{retired.pos.line}); "
                         "an old address never carries another record: choose another slug")
    folder = config.records_dir
    path = folder / f"{slug}.md"
    submitted = config.today
    text = render_record(record_id=record_id, slug=slug, title=title, submitted=submitted, config=config)
    _check_text(text, config.rel(path))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        # "x" fails if the file exists, even if it appeared since we looked: never overwrite.
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise UsageError(f"{config.rel(path)} already exists; choose another slug "
                         f"(to change a published record, edit it, or record a correction with `sitegen correct {slug}`)") from None
    placeholders = sum(1 for line in text.splitlines() if not line.lstrip().startswith("#") and f'"{PLACEHOLDER}' in line)
    return NewRecord(path, config.rel(path), record_id, submitted, placeholders, slug_note)
