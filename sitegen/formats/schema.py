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
    """("claims", 2, "text") -> claims[3].text, the way maintainers read paths.

    List positions count from 1, as the page does (#claim-3) and as correction
    ids do (corrections.entries[1] is C1); YamlPath itself counts from 0.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
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
    choices = list(choices)
    same_letters = [c for c in choices if c.casefold() == str(word).casefold()]
    if same_letters:
        return f"did you mean '{same_letters[0]}'? Upper and lower case are not the same here"
    match = difflib.get_close_matches(str(word), choices, n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else None


_NUMBER_TEXT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_YES_NO_WORDS = {"yes": "true", "y": "true", "on": "true", "no": "false", "n": "false", "off": "false"}


def _type_hint(wanted: list[str], value: Any) -> str | None:
    """What to write instead, when the value has the wrong type in a way people often write it."""
    if isinstance(value, str):
        text = value.strip()
        if ("integer" in wanted or "number" in wanted) and _NUMBER_TEXT.match(text):
            return f"remove the quotes: write {text}, not \"{value}\"; in quotes it is text, not a number"
        if "boolean" in wanted and text.casefold() in ("true", "false"):
            return f"remove the quotes: write {text.casefold()}, not \"{value}\"; in quotes it is text, not true or false"
        if "boolean" in wanted and text.casefold() in _YES_NO_WORDS:
            return f"write {_YES_NO_WORDS[text.casefold()]}: only true and false are yes/no values, '{value}' is text"
    if "string" in wanted and isinstance(value, (bool, int, float)):
        if value == 0 and not isinstance(value, bool):
            return ("YAML reads 0, or a row of zeros such as a placeholder 000...0, as the number 0: "
                    "write the real value here, in quotes")
        return "put the value in quotes to keep it as text"
    return None


def _description(schema: dict, err: jsonschema.ValidationError, path: YamlPath) -> str | None:
    """The contract's words for the value at path: its own schema's, else its field's, else its list's."""
    found = err.schema.get("description") if isinstance(err.schema, dict) else None
    found = found or _subschema(schema, path).get("description")
    if not found and path and isinstance(path[-1], int):
        found = _subschema(schema, path[:-1]).get("description")
    return found


def _allowed_keys(node: dict, instance: dict) -> tuple[list[str], list[str], list[str]]:
    """(allowed, unknown, missing required) keys of a mapping against the schema node that governs it."""
    allowed = sorted(node.get("properties", {}))
    patterns = list(node.get("patternProperties", {}))
    unknown = [k for k in instance if k not in allowed and not any(re.match(p, k) for p in patterns)]
    missing = [k for k in node.get("required", []) if k not in instance]
    return allowed, unknown, missing


def _written_instead(node: dict, instance: dict) -> tuple[str, str] | None:
    """(unknown key, missing key) when a mapping lacks one required key and has one unknown key in its place."""
    if node.get("additionalProperties") is not False:
        return None
    allowed, unknown, missing = _allowed_keys(node, instance)
    if len(unknown) == 1 and len(missing) == 1 and not difflib.get_close_matches(unknown[0], allowed, n=1, cutoff=0.6):
        return unknown[0], missing[0]
    return None


_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean"}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return _JSON_TYPES.get(type(value), "null")


# (the field at fault, where to point, message, hint, point at the key rather than the value)
Problem = tuple[YamlPath, YamlPath, str, "str | None", bool]


def _messages(err: jsonschema.ValidationError, schema: dict, base: YamlPath) -> list[Problem]:
    """The problems one schema error stands for; base prefixes the paths shown."""
    path = tuple(err.absolute_path)
    where = dotted(base + path)
    v = err.validator
    node = err.schema if isinstance(err.schema, dict) else {}
    if v == "required":
        out: list[Problem] = []
        instead = _written_instead(node, err.instance) if isinstance(err.instance, dict) else None
        for name in err.validator_value:
            if not isinstance(err.instance, dict) or name in err.instance or (instead and instead[1] == name):
                continue  # a key written under another name is reported once, at that name
            desc = (node.get("properties", {}).get(name) or {}).get("description") or _subschema(schema, path + (name,)).get("description")
            out.append((path + (name,), path, f"missing required field '{dotted(base + path + (name,))}'", desc, True))
        return out
    if v == "additionalProperties":
        out = []
        allowed, unknown, _ = _allowed_keys(node, err.instance)
        instead = _written_instead(node, err.instance)
        for key in unknown:
            subject = path + (key,)
            if instead and instead[0] == key:
                hint = f"did you mean '{instead[1]}'? It is required here, and '{key}' is not a field of '{where}'"
                subject = path + (instead[1],)  # what is at fault is the required field, written under this name
            else:
                hint = _did_you_mean(key, allowed) or (f"the fields allowed here are: {', '.join(allowed)}" if allowed else None)
            out.append((subject, path + (key,), f"unknown field '{dotted(base + path + (key,))}'", hint, True))
        return out
    if v == "enum":
        choices = [str(c) for c in err.validator_value]
        return [(path, path, f"'{where}' must be one of {', '.join(choices)}; found {_describe(err.instance)}",
                 _did_you_mean(err.instance, choices) if isinstance(err.instance, str) else None, False)]
    if v == "const":
        return [(path, path, f"'{where}' must be {err.validator_value}; found {_describe(err.instance)}", None, False)]
    if v == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        return [(path, path, f"'{where}' must be {words}; found {_describe(err.instance)}", _type_hint(wanted, err.instance), False)]
    if v == "format":
        form = {"date": "a date written YYYY-MM-DD", "date-time": "a timestamp with a time zone, like 2026-06-17T15:03:36+00:00"}
        return [(path, path, f"'{where}' must be {form.get(err.validator_value, err.validator_value)}; found {_describe(err.instance)}",
                 None, False)]
    desc = _description(schema, err, path)
    if v == "pattern":
        return [(path, path, f"'{where}' has the wrong form: found {_describe(err.instance)}", desc, False)]
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        word = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}[v]
        return [(path, path, f"'{where}' must be {word} {err.validator_value}; found {_describe(err.instance)}", None, False)]
    if v == "minLength":
        return [(path, path, f"'{where}' must not be empty", desc, False)]
    if v == "maxLength":
        return [(path, path, f"'{where}' is longer than {err.validator_value} characters (it has {len(err.instance)})", None, False)]
    if v == "maxItems":
        return [(path, path, f"'{where}' has more than {err.validator_value} items (it has {len(err.instance)})", None, False)]
    if v == "minItems":
        return [(path, path, f"'{where}' needs at least {err.validator_value} items", None, False)]
    if v == "oneOf":
        if isinstance(err.instance, dict) and "path" in err.instance and "url" in err.instance:
            return [(path, path, f"'{where}' gives both a path and a url; give one of them", desc, True)]
        if isinstance(err.instance, dict) and "kind" in err.instance:
            return [(path, path, f"'{where}' needs a path or a url", desc, True)]
        # A value of one form's type (a mapping, a text) was meant as that form: say what is wrong with it.
        kind = _json_type(err.instance)
        fits = [i for i, branch in enumerate(err.validator_value)
                if isinstance(branch, dict) and (branch.get("type") == kind or (kind == "integer" and branch.get("type") == "number"))]
        if len(fits) == 1:
            inner = [e for e in err.context if e.relative_schema_path and e.relative_schema_path[0] == fits[0]]
            out = [problem for e in inner for problem in _messages(e, schema, base)]
            if out:
                return out
        return [(path, path, f"'{where}' does not have an accepted form: found {_describe(err.instance)}", desc, False)]
    return [(path, path, f"'{where}' is invalid: {err.message}", desc, False)]


def schema_problems(
    name: str, data: Any, positions: Mapping[YamlPath, NodePos], rel_path: str, base: YamlPath = (),
    skip: Collection[YamlPath] = (),
) -> list[tuple[YamlPath, Diagnostic]]:
    """Every schema violation of data against contract name: (the full path of the field at fault, its diagnostic).

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
    out: list[tuple[YamlPath, Diagnostic]] = []
    for err in checker.iter_errors(data):
        if skip and base + tuple(err.absolute_path) in skip:
            continue
        for subject, path, message, hint, at_key in _messages(err, schema, base):
            line, col = position_of(positions, base + path, key=at_key)
            out.append((base + subject, Diagnostic(SourcePos(rel_path, line, col), "error", message, f"schema:{name}", hint)))
    return out


def validate_against(
    name: str, data: Any, positions: Mapping[YamlPath, NodePos], rel_path: str, base: YamlPath = (),
    skip: Collection[YamlPath] = (),
) -> list[Diagnostic]:
    """Every schema violation of data against contract name, as diagnostics (see schema_problems)."""
    return [d for _, d in schema_problems(name, data, positions, rel_path, base, skip)]
