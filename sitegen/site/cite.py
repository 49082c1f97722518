"""Citations of a record: BibTeX, RIS, CSL-JSON and a formatted reference.

Records name no personal authors. Every format cites the publisher as the
institutional author, the registry id as the report number, and the record as a
report (BibTeX @techreport, RIS RPRT, CSL "report"), so a reference manager files
a record the same way whichever file it imports. A record that is retracted,
withdrawn or under an expression of concern says so in every format: a reader
who pastes the citation carries the warning along with it.

The three files are written next to the record page (records/<slug>.bib,
.ris, .csl.json), and the same text fills the record page's cite box. Like the
exports of arXiv and Zenodo they leave the abstract out: a citation is for
finding the record, and the abstract is on its page, in its JSON-LD and in
records.json.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Iterable
from urllib.parse import quote

from ..config import SiteConfig
from ..model import Page, Record

# Correction statuses that change whether a record can be relied on; a citation names them.
WARNING_STATUSES = ("retracted", "withdrawn", "expression-of-concern")
_BIBTEX_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Braces are written as commands, not \{ \}: BibTeX counts every brace, escaped or not,
# so a lone { in a title would otherwise swallow the rest of the file.
_BIBTEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                   "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
                   "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


@dataclass(frozen=True, slots=True)
class Citation:
    """One record cited in every format the record page offers."""

    key: str  # the BibTeX key and CSL id: the registry id, e.g. SRCH:5C0FFEE1
    text: str  # the formatted reference, plain text on one line
    warning: str | None  # e.g. "Retracted 2026-07-02"; None for a record that stands
    bibtex: str
    ris: str
    csl_json: str


@dataclass(frozen=True, slots=True)
class CiteFormat:
    """One downloadable citation format: its name, file suffix and media type."""

    key: str  # bibtex | ris | csl — also the element id suffix on the record page
    label: str
    suffix: str
    media_type: str


FORMATS = (
    CiteFormat("bibtex", "BibTeX", ".bib", "application/x-bibtex"),
    CiteFormat("ris", "RIS", ".ris", "application/x-research-info-systems"),
    CiteFormat("csl", "CSL-JSON", ".csl.json", "application/vnd.citationstyles.csl+json"),
)


def doi_url(doi: str) -> str:
    """The DOI as a resolver link, percent-encoded where a DOI's characters need it."""
    return "https://doi.org/" + quote(doi, safe="/:;()[]._-~!$'*+,=@")


def page_url(record: Record, config: SiteConfig) -> str | None:
    """The record page's absolute URL; None when the site has no base URL."""
    return config.base_url + record.url if config.base_url else None


def warning_for(record: Record, config: SiteConfig) -> str | None:
    """'Retracted 2026-07-02' for a record that no longer stands, dated by its latest correction entry."""
    status = record.correction_status
    if status not in WARNING_STATUSES:
        return None
    entries = record.fields["corrections"]["entries"]
    label = config.correction_statuses[status]["label"]
    return f"{label} {entries[-1]['date']}" if entries else label


def _one_line(text: str) -> str:
    return " ".join(text.split())


def bibtex_text(text: str) -> str:
    """Text as a BibTeX value: LaTeX specials escaped, braces always balanced, one line."""
    return "".join(_BIBTEX_ESCAPES.get(char, char) for char in _one_line(text))


def bibtex_verbatim(text: str) -> str:
    """A DOI or URL as a BibTeX value: kept verbatim (biblatex reads these fields raw), with the
    characters that could unbalance or end the field percent-encoded."""
    return "".join({"{": "%7B", "}": "%7D", "\\": "%5C"}.get(char, char) for char in _one_line(text))


def _bibtex(record: Record, config: SiteConfig, warning: str | None) -> str:
    fields = record.fields
    url = page_url(record, config) or (doi_url(fields["doi"]) if fields.get("doi") else None)
    note = f"Registry record {record.id}" + (f". {warning}" if warning else "")
    lines = [
        ("author", "{" + bibtex_text(fields["publisher"]) + "}"),  # double braces: an institution, not a name to split
        ("title", "{" + bibtex_text(record.title) + "}"),  # double braces keep the title's capitals
        ("institution", bibtex_text(fields["publisher"])),
        ("type", "Research synthesis"),
        ("number", bibtex_text(record.id)),
        ("year", str(record.submitted.year)),
        ("date", record.submitted.isoformat()),
        ("doi", bibtex_verbatim(fields["doi"]) if fields.get("doi") else None),
        ("url", bibtex_verbatim(url) if url else None),
        ("language", record.language),
        ("note", bibtex_text(note)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in lines if value is not None)
    month = f",\n  month = {_BIBTEX_MONTHS[record.submitted.month - 1]}"  # a macro, unbraced, as styles expect
    return f"@techreport{{{record.id},\n{body}{month}\n}}\n"


def _ris(record: Record, config: SiteConfig, warning: str | None) -> str:
    fields = record.fields
    lines = [
        ("TY", "RPRT"),
        ("ID", record.id),
        ("TI", record.title),
        ("AU", fields["publisher"]),
        ("PY", str(record.submitted.year)),
        ("DA", record.submitted.strftime("%Y/%m/%d/")),
        ("PB", fields["publisher"]),
        ("SN", record.id),  # RIS puts a report's number in SN
        ("M3", "Research synthesis"),
        ("DO", fields.get("doi")),
        ("UR", page_url(record, config) or (doi_url(fields["doi"]) if fields.get("doi") else None)),
        ("LA", record.language),
        ("N1", warning),
        ("ER", ""),
    ]
    # RIS is one tag per line: every value is folded onto one line.
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines if value is not None)


def _csl(record: Record, config: SiteConfig, warning: str | None) -> str:
    fields = record.fields
    day = record.submitted
    item: dict[str, Any] = {
        "id": record.id,
        "type": "report",
        "title": record.title,
        "author": [{"literal": fields["publisher"]}],
        "issued": {"date-parts": [[day.year, day.month, day.day]]},
        "publisher": fields["publisher"],
        "number": record.id,
        "genre": "Research synthesis",
        "language": record.language,
    }
    if fields.get("doi"):
        item["DOI"] = fields["doi"]
    url = page_url(record, config) or (doi_url(fields["doi"]) if fields.get("doi") else None)
    if url:
        item["URL"] = url
    if warning:
        item["status"] = config.correction_statuses[record.correction_status]["label"]
        item["note"] = warning
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def _formatted(record: Record, config: SiteConfig, warning: str | None) -> str:
    """Author. (Year). Title [Retracted 2026-07-02] (Registry record ID). Site. URL"""
    fields = record.fields
    title = _one_line(record.title)
    url = doi_url(fields["doi"]) if fields.get("doi") else page_url(record, config)
    parts = [f"{_one_line(fields['publisher'])}.", f"({record.submitted.year}).",
             f"{title}{' [' + warning + ']' if warning else ''} (Registry record {record.id}).", f"{config.title}."]
    return " ".join(parts + ([url] if url else []))


def cite_record(record: Record, config: SiteConfig) -> Citation:
    """The record cited in every format, from its validated fields."""
    warning = warning_for(record, config)
    return Citation(
        key=record.id,
        text=_formatted(record, config, warning),
        warning=warning,
        bibtex=_bibtex(record, config, warning),
        ris=_ris(record, config, warning),
        csl_json=_csl(record, config, warning),
    )


def _texts(citation: Citation) -> dict[str, str]:
    return {"bibtex": citation.bibtex, "ris": citation.ris, "csl": citation.csl_json}


def cite_path(record: Record, fmt: CiteFormat) -> PurePosixPath:
    """Where one citation file is written: next to the record page."""
    return PurePosixPath("records", record.slug + fmt.suffix)


def cite_context(record: Record, config: SiteConfig) -> dict[str, Any]:
    """What the record page's cite box shows: the formatted reference and each format's text and file."""
    citation = cite_record(record, config)
    texts = _texts(citation)
    return {
        "text": citation.text,
        "warning": citation.warning,
        "formats": [{"key": f.key, "label": f.label, "text": texts[f.key], "media_type": f.media_type,
                     "href": cite_path(record, f).name, "lines": min(16, texts[f.key].count("\n"))}
                    for f in FORMATS],
    }


def cite_files(records: Iterable[Record], config: SiteConfig) -> list[Page]:
    """records/<slug>.bib, .ris and .csl.json for every record."""
    pages = []
    for record in records:
        texts = _texts(cite_record(record, config))
        pages.extend(Page(cite_path(record, f), texts[f.key].encode("utf-8"), record.rel_path) for f in FORMATS)
    return pages
