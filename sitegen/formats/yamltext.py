"""Writing YAML by hand: scalars that read back, through safeyaml, as exactly
the text they were made from.

`sitegen new` and `sitegen correct` write record text directly instead of
dumping a data structure, because a dump would reorder keys and drop the
maintainers' comments. Each value is checked by reading it back, so a
quoting rule we got wrong fails here, not in a published record.
"""

from __future__ import annotations

import re

from .safeyaml import YamlProblem, load_yaml

# Characters a double-quoted scalar must escape: the quote and backslash, controls,
# and the characters YAML treats as line breaks or that editors hide.
_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Text that may be folded over several lines without changing it: printable, no
# newline, no run of spaces, nothing at either end that a folded block would drop.
_FOLDABLE = re.compile(r"^[^\s\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff](?:[^\t\n\r\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff ]| (?! ))*(?<=\S)$")


def _reads_back(fragment: str, text: str) -> bool:
    try:
        value, _ = load_yaml(f"k: {fragment}\n")
    except YamlProblem:
        return False
    return isinstance(value, dict) and value.get("k") == text


def double_quoted(text: str) -> str:
    """text as a double-quoted YAML scalar on one line."""
    return '"' + _ESCAPE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"), text) + '"'


def scalar(text: str) -> str:
    """text as a one-line YAML scalar: plain where that reads back unchanged, else double-quoted."""
    if text and "\n" not in text and _reads_back(text, text) and not text.startswith(("'", '"', "#")):
        return text
    quoted = double_quoted(text)
    if not _reads_back(quoted, text):  # pragma: no cover - a bug in the escaping above
        raise ValueError(f"cannot write {text!r} as a YAML scalar")
    return quoted


def block_scalar(text: str, indent: int, width: int = 78) -> list[str]:
    """text as a key's value: one line when it fits, else a folded `>-` block.

    Returns the value's lines: the first goes after "key: ", the others are
    complete lines indented by `indent` spaces.
    """
    one_line = scalar(text)
    if len(one_line) + indent <= width or not _FOLDABLE.match(text):
        return [one_line]
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and indent + len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    if not _reads_back(">-\n" + "\n".join("  " + line for line in lines), text):  # pragma: no cover
        return [one_line]
    return [">-"] + [" " * indent + line for line in lines]


_SIMPLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def flow_list(items: list[str]) -> str:
    """A short list written on one line: [a, b]; anything but simple names is quoted."""
    return "[" + ", ".join(item if _SIMPLE.match(item) and scalar(item) == item else double_quoted(item) for item in items) + "]"
