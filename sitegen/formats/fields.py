"""The dotted field names of a record contract: what a correction entry's
`fields`, `sitegen correct --field` and site.yaml's `updatable_without_correction`
may name. One rule for all three, so what one accepts the others accept.

A name is a path of keys joined by dots, list items left out: `review_score`,
`gate.status`, `claims.text`, `references.url`. `body` names the Markdown
report below the front matter.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any, Iterable

from .schema import load_schema

BODY = "body"  # the Markdown report below the front matter; not a front-matter key
NAMING_HINT = "name fields dotted as in docs/records.md, e.g. review_score or gate.status; body names the report"


def _shapes(node: Any) -> Iterable[dict]:
    """node and every schema it may take the shape of: list items, oneOf/anyOf/allOf branches."""
    stack = [node]
    while stack:
        here = stack.pop()
        if not isinstance(here, dict):
            continue
        yield here
        stack.append(here.get("items"))
        for key in ("oneOf", "anyOf", "allOf"):
            stack.extend(here.get(key) or [])


@cache
def field_names(manifest: str) -> tuple[str, ...]:
    """Every name of the manifest contract, in the contract's order, with `body` first."""
    names: list[str] = [BODY]

    def walk(node: Any, prefix: str) -> None:
        for shape in _shapes(node):
            for key, sub in shape.get("properties", {}).items():
                names.append(prefix + key)
                walk(sub, prefix + key + ".")

    walk(load_schema(manifest), "")
    return tuple(dict.fromkeys(names))


def is_field(name: str, manifest: str) -> bool:
    """Whether name is a field of the manifest contract (or `body`)."""
    return name in field_names(manifest)


def suggest_field(name: str, manifest: str) -> str | None:
    """The field name closest to a misspelt one, if any is close."""
    close = difflib.get_close_matches(name, field_names(manifest), n=1)
    return close[0] if close else None


def field_hint(name: str, manifest: str) -> str:
    """The hint for a name that is not a field: the closest field, else how names are written."""
    close = suggest_field(name, manifest)
    return f"did you mean '{close}'?" if close else NAMING_HINT


def not_a_field(name: str, manifest: str) -> str:
    """The problem with a name that is not a field, in words, with a suggestion when one is close."""
    close = suggest_field(name, manifest)
    return f"'{name}' is not a field of {manifest}" + (f"; did you mean '{close}'?" if close else "")


def field_of(path: Iterable[str | int], manifest: str) -> str | None:
    """The name for a value's YAML path: list indexes left out, cut to the deepest part that is a field.

    ("claims", 2, "text") -> claims.text; ("references", 0, "title") -> references.title.
    None when not even the first key is a field (the schema reports such keys).
    """
    keys = [part for part in path if isinstance(part, str)]
    while keys and not is_field(".".join(keys), manifest):
        keys.pop()
    return ".".join(keys) or None
