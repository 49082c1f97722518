"""The contracts as data: JSON Schema files in sitegen/contracts/, and the one
place that turns a schema violation into a maintainer-facing Diagnostic."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
from functools import cache
from importlib import resources
from typing import Any, Collection, Iterable, Mapping

import fastjsonschema
import jsonschema
from jsonschema import Draft202012Validator, FormatChecker

from ..model import Diagnostic, NodePos, SourcePos, YamlPath

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:\d{2})$")

_formats = FormatChecker(formats=())


@_formats.checks("date", raises=ValueError)
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.match(value):
        return False
    dt.date.fromisoformat(value)
    return True


@_formats.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATETIME.match(value):
        return False
    dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    return True


def parse_date(value: str) -> dt.date:
    """A contract date (already validated) as a date."""
    return dt.date.fromisoformat(value)


def parse_datetime(value: str) -> dt.datetime:
    """A contract timestamp (already validated) as an aware datetime."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))


@cache
def contract_names() -> tuple[str, ...]:
    """Every contract shipped with the package, e.g. paper-manifest-v1.1."""
    folder = resources.files("sitegen").joinpath("contracts")
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))


def known_versions(family: str) -> tuple[str, ...]:
    """The shipped versions of one contract family, e.g. 'paper-manifest'."""
    return tuple(n for n in contract_names() if n.startswith(family + "-v"))


@cache
def load_schema(name: str) -> dict:
    """The schema document of a shipped contract."""
    return json.loads(resources.files("sitegen").joinpath(f"contracts/{name}.json").read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    """A compiled validator for a shipped contract, with date formats checked."""
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=_formats)


@cache
def fast_validator(name: str) -> Any:
    """The same contract compiled to Python code: the fast path for valid records.

    It only answers valid or not; records it rejects go through the full
    validator, which lists every problem with its position.
    """
    # A deep copy: the compiler rewrites nested $refs in place, and load_schema's cached
    # copy is shared with the full validator, _subschema and the editor export.
    schema = copy.deepcopy(load_schema(name))
    # The keywords we use mean the same in draft 7, which the compiler speaks.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    return fastjsonschema.compile(schema, formats={"date": _is_date_strict, "date-time": _is_datetime_strict})


def _is_date_strict(value: object) -> bool:
    try:
        return _is_date(value)
    except ValueError:
        return False


def _is_datetime_strict(value: object) -> bool:
    try:
        return _is_datetime(value)
    except ValueError:
        return False


def dotted(path: Iterable[str | int]) -> str:
    """("claims", 2, "text") -> claims[2].text, the way maintainers read paths."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "the front matter"


def position_of(positions: Mapping[YamlPath, NodePos], path: YamlPath, *, key: bool = False) -> tuple[int, int]:
    """Where path (or its nearest written ancestor) stands in the file."""
    probe = tuple(path)
    while probe not in positions and probe:
        probe = probe[:-1]
    node = positions.get(probe)
    if node is None:
        return 1, 1
    if probe == () or key or probe != tuple(path):
        return (node.key_line, node.key_col)
    return (node.value_line, node.value_col)


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping of keys to values",
    "array": "a list",
    "null": "empty",
}


def _subschema(schema: dict, path: Iterable[str | int]) -> dict:
    """The schema that governs a data path, following properties and items."""
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {}) if isinstance(node.get("items"), dict) else {}
        else:
            props = node.get("properties", {})
            if part in props:
                node = props[part]
            else:
                pattern = next((v for k, v in node.get("patternProperties", {}).items() if re.match(k, part)), None)
                node = pattern or {}
        if "$ref" in node and node["$ref"].startswith("#/$defs/"):
            node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def describe(name: str, path: Iterable[str | int]) -> str | None:
    """The description the contract gives for the field at path, if any."""
    return _subschema(load_schema(name), tuple(path)).get("description")


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


def _messages(err: jsonschema.ValidationError, schema: dict, base: YamlPath) -> list[tuple[YamlPath, str, str | None, bool]]:
    """(path, message, hint, point_at_key) for one schema error; base prefixes the paths shown."""
    path = tuple(err.absolute_path)
    where = dotted(base + path)
    v = err.validator
    if v == "required":
        missing = [k for k in err.validator_value if isinstance(err.instance, dict) and k not in err.instance]
        out = []
        for name in missing:
            desc = _subschema(schema, path + (name,)).get("description")
            out.append((path, f"missing required field '{dotted(base + path + (name,))}'", desc, True))
        return out
    if v == "additionalProperties":
        allowed = set(_subschema(schema, path).get("properties", {}))
        patterns = list(_subschema(schema, path).get("patternProperties", {}))
        out = []
        for key in err.instance:
            if key in allowed or any(re.match(p, key) for p in patterns):
                continue
            hint = _did_you_mean(key, allowed) or (f"the fields allowed here are: {', '.join(sorted(allowed))}" if allowed else None)
            out.append((path + (key,), f"unknown field '{dotted(base + path + (key,))}'", hint, True))
        return out
    if v == "enum":
        choices = [str(c) for c in err.validator_value]
        return [(path, f"'{where}' must be one of {', '.join(choices)}; found {_describe(err.instance)}",
                 _did_you_mean(err.instance, choices) if isinstance(err.instance, str) else None, False)]
    if v == "const":
        return [(path, f"'{where}' must be {err.validator_value}; found {_describe(err.instance)}", None, False)]
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        hint = None
        if "string" in wanted and isinstance(err.instance, (bool, int, float)):
            hint = "put the value in quotes to keep it as text"
        return [(path, f"'{where}' must be {words}; found {_describe(err.instance)}", hint, False)]
    if v == "format":
        form = {"date": "a date written YYYY-MM-DD", "date-time": "a timestamp with a time zone, like 2026-06-17T15:03:36+00:00"}
        return [(path, f"'{where}' must be {form.get(err.validator_value, err.validator_value)}; found {_describe(err.instance)}", None, False)]
    desc = _subschema(schema, path).get("description")
    if v == "pattern":
        return [(path, f"'{where}' has the wrong form: found {_describe(err.instance)}", desc, False)]
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}[v]
        return [(path, f"'{where}' must be {word} {err.validator_value}; found {_describe(err.instance)}", None, False)]
    if v == "minLength":
        return [(path, f"'{where}' must not be empty", desc, False)]
    if v == "maxLength":
        return [(path, f"'{where}' is longer than {err.validator_value} characters", None, False)]
    if v == "maxItems":
        return [(path, f"'{where}' has more than {err.validator_value} items", None, False)]
    if v == "minItems":
        return [(path, f"'{where}' needs at least {err.validator_value} items", None, False)]
    if v == "oneOf":
        if isinstance(err.instance, dict) and "path" in err.instance and "url" in err.instance:
            return [(path, f"'{where}' gives both a path and a url; give one of them", desc, True)]
        if isinstance(err.instance, dict) and "kind" in err.instance:
            return [(path, f"'{where}' needs a path or a url", desc, True)]
        return [(path, f"'{where}' does not have an accepted form: found {_describe(err.instance)}", desc, False)]
    return [(path, f"'{where}' is invalid: {err.message}", desc, False)]


def validate_against(
    name: str, data: Any, positions: Mapping[YamlPath, NodePos], rel_path: str, base: YamlPath = (),
    skip: Collection[YamlPath] = (),
) -> list[Diagnostic]:
    """Every schema violation of data against contract name, as diagnostics.

    base is where data sits inside the document (for a nested contract such
    as the corrections block), so positions and paths name the full key.
    Violations by a value whose full path is in skip are left out: the caller
    reports those values itself (a "TODO: ..." placeholder in a number field is
    one problem, not also a type error).
    """
    try:
        fast_validator(name)(data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass  # fall through to the full listing
    checker = validator(name)
    schema = load_schema(name)
    out: list[Diagnostic] = []
    for err in checker.iter_errors(data):
        if skip and base + tuple(err.absolute_path) in skip:
            continue
        for path, message, hint, at_key in _messages(err, schema, base):
            full = base + path
            line, col = position_of(positions, full, key=at_key)
            out.append(Diagnostic(SourcePos(rel_path, line, col), "error", message, f"schema:{name}", hint))
    return out
