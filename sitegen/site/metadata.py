"""Metadata for machines in a record page's head: schema.org JSON-LD and Google Scholar tags.

JSON-LD describes the record as a schema.org ScholarlyArticle, with its
corrections as CorrectionComment items and its standing (corrected, retracted)
as creativeWorkStatus. Google Scholar reads the Highwire-style citation_* meta
tags instead. Both are built from the same validated fields the page shows.

The JSON-LD sits in a <script type="application/ld+json"> element. Browsers never
run it, but an HTML parser still ends the element at the first "</script", so
<, > and & are written as JSON escapes: a title can never close the element.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..config import SiteConfig
from ..model import Record
from .cite import doi_url, page_url

SCHEMA_ORG = "https://schema.org"


def script_safe_json(value: Any) -> str:
    """JSON that cannot end a script element or open an HTML comment: <, > and & as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def scholarly_article(record: Record, config: SiteConfig, abstract: str) -> dict[str, Any]:
    """The record as a schema.org ScholarlyArticle, with its correction notices; abstract is plain text."""
    fields = record.fields
    organisation = {"@type": "Organization", "name": fields["publisher"]}
    identifiers: list[Any] = [{"@type": "PropertyValue", "propertyID": "registry-id", "value": record.id}]
    article: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "ScholarlyArticle",
        "identifier": identifiers,
        "headline": record.title,
        "name": record.title,
        "abstract": abstract,
        "inLanguage": record.language,
        "datePublished": record.submitted.isoformat(),
        "dateModified": record.updated.isoformat(),
        "author": organisation,
        "publisher": organisation,
        "isAccessibleForFree": True,
        "genre": "Research synthesis",
        "creativeWorkStatus": config.correction_statuses[record.correction_status]["label"],
    }
    url = page_url(record, config)
    if url:
        article["@id"] = url
        article["url"] = url
    if fields.get("doi"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": fields["doi"]})
        article["sameAs"] = doi_url(fields["doi"])
    entries = fields["corrections"]["entries"]
    if entries:
        article["correction"] = [
            {"@type": "CorrectionComment", "name": f"{e['id']}: {e['kind'].replace('-', ' ')}", "text": e["summary"],
             "datePublished": e["date"], **({"url": e["notice"]} if e.get("notice") else {})}
            for e in entries
        ]
    return article


def scholar_tags(record: Record, config: SiteConfig) -> list[tuple[str, str]]:
    """Google Scholar's citation_* meta tags, as (name, content) pairs in the order Scholar documents them."""
    fields = record.fields
    tags = [
        ("citation_title", record.title),
        ("citation_author", fields["publisher"]),
        ("citation_publication_date", record.submitted.strftime("%Y/%m/%d")),
        ("citation_online_date", record.submitted.strftime("%Y/%m/%d")),
        ("citation_publisher", fields["publisher"]),
        ("citation_technical_report_institution", fields["publisher"]),
        ("citation_technical_report_number", record.id),
        ("citation_language", record.language),
    ]
    if fields.get("doi"):
        tags.append(("citation_doi", fields["doi"]))
    url = page_url(record, config)
    if url:
        tags.append(("citation_abstract_html_url", url))
    return tags


def head_context(record: Record, config: SiteConfig, abstract: str) -> dict[str, Any]:
    """What record.html puts in its head: the JSON-LD text (already escaped) and the Scholar tags."""
    return {"jsonld": Markup(script_safe_json(scholarly_article(record, config, abstract))),
            "scholar": scholar_tags(record, config),
            "modified": record.updated.isoformat()}
