"""A bounded, position-keeping YAML loader for untrusted front matter.

We build values from libyaml's event stream with an explicit stack instead of
PyYAML's recursive composer and constructor, because:
- recursion on deeply nested input can exhaust the C stack and crash the
  interpreter; an explicit stack with a depth limit cannot;
- aliases are counted by the size of what they expand to, so a "billion
  laughs" document is refused after a bounded amount of work;
- every key and value keeps its line and column, so messages point at the
  right place without scraping error strings;
- scalars follow the YAML 1.2 core schema: `no`, `on`, `2026-07-04` and
  `1:20` stay text, and the contract decides what is a date;
- only the standard, language-neutral tags are accepted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from ..model import NodePos, YamlPath

try:  # libyaml's parser is iterative and fast; the pure-Python one is the fallback.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class YamlLimits:
    """Bounds on one YAML document; see docs/limits.md."""

    max_depth: int = 32  # nested mappings/sequences
    max_nodes: int = 50_000  # values after alias expansion
    max_aliases: int = 100  # alias uses per document


class YamlProblem(Exception):
    """A problem at a line and column of the YAML text (1-based)."""

    def __init__(self, message: str, line: int, col: int, rule: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.rule = rule
        self.hint = hint
        # Where libyaml stopped, as its 0-based (line, column), when it refused the
        # nesting itself; load_yaml then finds the bracket our own bound refuses.
        self.mark: tuple[int, int] | None = None


_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_NONFINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_MAX_NUMBER_CHARS = 64

_STD = "tag:yaml.org,2002:"
# Explicit tags a record may use; everything else (!!python/..., !custom) is refused.
_ALLOWED_TAGS = {None, "!", _STD + "str", _STD + "map", _STD + "seq"}


_NULLS = frozenset(("~", "null", "Null", "NULL", ""))
_NUMBER_START = frozenset("0123456789+-.")


def _resolve_plain(value: str, line: int, col: int) -> Any:
    """Type a plain (unquoted) scalar by the YAML 1.2 core schema."""
    # Most scalars are words; decide those with set lookups before any regex.
    if value in _NULLS:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[0] not in _NUMBER_START:
        return value
    if len(value) <= _MAX_NUMBER_CHARS:
        if _INT10.match(value):
            return int(value)
        if _INT8.match(value):
            return int(value[2:], 8)
        if _INT16.match(value):
            return int(value[2:], 16)
        if _FLOAT.match(value):
            number = float(value)
            if not math.isfinite(number):
                raise YamlProblem(f"the number {value} is too large to represent", line, col, "non-finite-number")
            return number
    elif _INT10.match(value) or _FLOAT.match(value):
        raise YamlProblem(f"a number with {len(value)} characters is too long", line, col, "number-too-long")
    if _NONFINITE.match(value):
        raise YamlProblem(
            f"'{value}' is not a finite number", line, col, "non-finite-number",
            "use a finite number, or quote the value if you meant text",
        )
    return value


class _Frame:
    __slots__ = ("container", "path", "key", "key_mark", "size", "anchor", "start")

    def __init__(self, container: dict | list, path: YamlPath, anchor: str | None, start: Any):
        self.container = container
        self.path = path
        self.key: str | None = None  # a mapping's pending key, waiting for its value
        self.key_mark: Any = None
        self.size = 1  # values in this subtree, aliases expanded
        self.anchor = anchor
        self.start = start


# libyaml 0.2.6 (bundled from PyYAML 6.0.4) bounds nesting itself, at 1,000 levels, in
# its scanner. The scanner reads ahead of the parser (a flow collection may turn
# out to be a key), so on `[[[[...` it can stop before the parser has handed us the
# event our own, lower bound refuses. Its messages:
_LIBYAML_NESTING = ("exceeded maximum nesting depth", "maximum nesting level reached")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")


def _offset_of(text: str, line: int, column: int) -> int:
    """The character offset of a 0-based libyaml line and column in text."""
    offset = 0
    for _ in range(line):
        found = _LINE_BREAK.search(text, offset)
        if found is None:
            return len(text)
        offset = found.end()
    return min(offset + column, len(text))


_COMMENT = re.compile(r"\s#")


def _explain(text: str, line: int, column: int, problem: str) -> tuple[str, int, int, str | None] | None:
    """A message in a maintainer's words for the syntax errors people make most: (message, line, column, hint), 0-based."""
    lines = _LINE_BREAK.split(text)
    here = lines[line] if line < len(lines) else ""
    indent = here[: len(here) - len(here.lstrip(" \t"))]
    if "\t" in indent:
        return ("a tab is used for indentation; YAML is indented with spaces only", line, indent.index("\t"),
                "replace the tab with spaces, as many as the lines around it use")
    if not problem.startswith("mapping values are not allowed"):
        return None
    # The colon libyaml stopped at starts a second key on the line only if the line has a key before it.
    start = len(indent) + (2 if here[len(indent):].startswith("- ") else 0)
    separator = here.find(": ", start, column)
    if separator < 0:
        return None
    key, value = here[:separator], _COMMENT.split(here[separator + 2:], 1)[0].strip()
    message = "a value contains ': ' (a colon and a space), which YAML reads as the start of another key"
    if value and value[0] not in "\"'" and '"' not in value and "\\" not in value:
        return message, line, column, f'put the value in quotes: {key.lstrip()}: "{value}"'
    return message, line, column, "put the whole value in quotes"


def load_yaml(text: str, limits: YamlLimits = YamlLimits(), line_offset: int = 0) -> tuple[Any, dict[YamlPath, NodePos]]:
    """Parse one YAML document into plain values and the position of every value.

    Lines in positions and problems are shifted by line_offset, so callers can
    report file lines for front matter that starts below the fence.
    Raises YamlProblem for the first problem found.
    """
    try:
        return _load(text, limits, line_offset)
    except YamlProblem as first:
        if first.rule != "yaml-too-deep" or first.mark is None:
            raise
        # libyaml refused the nesting before our bound saw it. Everything before the
        # bracket it stopped at is within libyaml's bound, so parsing that prefix
        # reaches ours and names the first bracket past it, as older libyaml does.
        prefix = text[: _offset_of(text, *first.mark)]
        try:
            _load(prefix, limits, line_offset)
        except YamlProblem as ours:
            if ours.rule == "yaml-too-deep":
                raise ours from None
        raise first from None


def _load(text: str, limits: YamlLimits, line_offset: int) -> tuple[Any, dict[YamlPath, NodePos]]:

    def problem(message: str, mark: Any, rule: str, hint: str | None = None) -> YamlProblem:
        return YamlProblem(message, mark.line + 1 + line_offset, mark.column + 1, rule, hint)

    positions: dict[YamlPath, NodePos] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    total_nodes = 0
    aliases = 0

    def attach(value: Any, size: int, mark: Any, is_scalar_key_candidate: bool, raw: str | None) -> None:
        nonlocal total_nodes
        if not stack:
            root.append(value)
            positions[()] = NodePos(mark.line + 1 + line_offset, mark.column + 1, mark.line + 1 + line_offset, mark.column + 1)
            return
        top = stack[-1]
        top.size += size
        if isinstance(top.container, list):
            index = len(top.container)
            top.container.append(value)
            positions[top.path + (index,)] = NodePos(
                mark.line + 1 + line_offset, mark.column + 1, mark.line + 1 + line_offset, mark.column + 1
            )
            return
        if top.key is None:
            if not is_scalar_key_candidate:
                raise problem("a key must be plain text, not a list or mapping", mark, "complex-key")
            key = raw if raw is not None else str(value)
            if key in top.container:
                first = positions.get(top.path + (key,))
                where = f" (first written on line {first.key_line})" if first else ""
                raise problem(
                    f"duplicate key '{key}'{where}", mark, "duplicate-key",
                    "each key may appear once in a mapping; remove or merge the repeated one",
                )
            top.key = key
            top.key_mark = mark
            return
        key = top.key
        top.container[key] = value
        km = top.key_mark
        positions[top.path + (key,)] = NodePos(
            km.line + 1 + line_offset, km.column + 1, mark.line + 1 + line_offset, mark.column + 1
        )
        top.key = None

    def child_path() -> YamlPath:
        if not stack:
            return ()
        top = stack[-1]
        if isinstance(top.container, list):
            return top.path + (len(top.container),)
        if top.key is None:
            return top.path + ("?",)
        return top.path + (top.key,)

    def check_tag(tag: str | None, mark: Any) -> None:
        if tag not in _ALLOWED_TAGS:
            raise problem(
                f"the tag '{tag}' is not allowed", mark, "yaml-tag",
                "records are plain data: remove the tag (tags such as !!python/object can run code in some loaders)",
            )

    try:
        loader = _Loader(text)
    except UnicodeError:  # lone surrogates: impossible from a decoded file, possible from callers
        raise YamlProblem("the text is not valid Unicode", 1 + line_offset, 1, "encoding") from None
    try:
        while True:
            event = loader.get_event()
            if event is None:
                break
            kind = type(event)
            if kind is yaml.ScalarEvent:
                check_tag(event.tag, event.start_mark)
                total_nodes += 1
                if total_nodes > limits.max_nodes:
                    raise problem(f"more than {limits.max_nodes} values", event.start_mark, "yaml-too-large")
                if event.implicit[0] and event.tag in (None, "!") and not event.style:
                    value = _resolve_plain(event.value, event.start_mark.line + 1 + line_offset, event.start_mark.column + 1)
                else:
                    value = event.value
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                attach(value, 1, event.start_mark, True, event.value)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                check_tag(event.tag, event.start_mark)
                if stack and isinstance(stack[-1].container, dict) and stack[-1].key is None:
                    raise problem("a key must be plain text, not a list or mapping", event.start_mark, "complex-key")
                if len(stack) >= limits.max_depth:
                    raise problem(
                        f"nesting deeper than {limits.max_depth} levels", event.start_mark, "yaml-too-deep",
                        "records need only a few levels; flatten the structure",
                    )
                total_nodes += 1
                if total_nodes > limits.max_nodes:
                    raise problem(f"more than {limits.max_nodes} values", event.start_mark, "yaml-too-large")
                container: dict | list = {} if kind is yaml.MappingStartEvent else []
                stack.append(_Frame(container, child_path(), event.anchor, event.start_mark))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.size)
                attach(frame.container, frame.size, frame.start, False, None)
            elif kind is yaml.AliasEvent:
                aliases += 1
                if aliases > limits.max_aliases:
                    raise problem(f"more than {limits.max_aliases} aliases", event.start_mark, "yaml-aliases")
                if event.anchor not in anchors:
                    raise problem(f"the alias *{event.anchor} names no anchor defined before it", event.start_mark, "yaml-syntax")
                value, size = anchors[event.anchor]
                total_nodes += size
                if total_nodes > limits.max_nodes:
                    raise problem(
                        f"aliases expand to more than {limits.max_nodes} values", event.start_mark, "yaml-too-large",
                        "write the values out instead of repeating them through anchors and aliases",
                    )
                attach(value, size, event.start_mark, not isinstance(value, (dict, list)), None)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise problem("the front matter holds more than one YAML document", event.start_mark, "yaml-syntax",
                                  "remove the extra '---' or '...' line inside the front matter")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if mark is not None and (exc.problem or "").lower().startswith(_LIBYAML_NESTING):
            deep = problem(
                f"nesting deeper than {limits.max_depth} levels", mark, "yaml-too-deep",
                "records need only a few levels; flatten the structure",
            )
            deep.mark = (mark.line, mark.column)
            raise deep from None
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}" if "while" not in exc.context else f"{what} ({exc.context})"
        if mark is None:
            raise YamlProblem(f"invalid YAML: {what}", 1 + line_offset, 1, "yaml-syntax") from None
        explained = _explain(text, mark.line, mark.column, exc.problem or "")
        if explained is not None:
            message, line, column, hint = explained
            raise YamlProblem(message, line + 1 + line_offset, column + 1, "yaml-syntax", hint) from None
        raise problem(f"invalid YAML: {what}", mark, "yaml-syntax") from None
    except yaml.YAMLError as exc:  # e.g. reader errors for characters YAML does not allow
        raise YamlProblem(f"invalid YAML: {exc}", 1 + line_offset, 1, "yaml-syntax") from None
    except UnicodeError:  # lone surrogates: impossible from a decoded file, possible from callers
        raise YamlProblem("the text is not valid Unicode", 1 + line_offset, 1, "encoding") from None
    finally:
        loader.dispose()
    return (root[0] if root else None), positions
