"""Reading record files: fences, bytes, and every class of bad YAML, with exact positions."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT, VALID_RECORD, record_with
from helpers import check_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.config import load_config
from sitegen.engine.pipeline import check
from sitegen.errors import format_text
from sitegen.formats.safeyaml import YamlLimits, YamlProblem, load_yaml
from sitegen.records.load import split_front_matter

F = "content/records/rec.md"


def diagnostics_for(make_site, content: str | bytes) -> list[str]:
    return check_site(make_site({"content/records/rec.md": content}))


def test_bom_and_crlf_are_accepted(make_site):
    data = b"\xef\xbb\xbf" + VALID_RECORD.replace("\n", "\r\n").encode()
    assert diagnostics_for(make_site, data) == []


def test_crlf_positions_match_lf_positions(make_site):
    data = record_with("review_score: 7.5", "review_score: 70").replace("\n", "\r\n").encode()
    assert diagnostics_for(make_site, data) == [
        f"{F}:11:15: error: 'review_score' must be at most 10; found the number 70 [schema:paper-manifest-v1.1]"
    ]


@pytest.mark.parametrize("content,expected", [
    (b"", f"{F}:1:1: error: the file is empty [front-matter]"),
    (b"title: x\n", f"{F}:1:1: error: the file does not start with front matter [front-matter]"),
    (b"---\ntitle: x\n", f"{F}:1:1: error: the front matter opened on line 1 is never closed [front-matter]"),
    (b"---\n---\nbody\n", f"{F}:2:1: error: the front matter is empty [front-matter]"),
    (b"---\n# only a comment\n---\n", f"{F}:2:1: error: the front matter is empty [front-matter]"),
    (b"---\n- a\n- b\n---\n", f"{F}:2:1: error: the front matter must be a mapping of fields (key: value lines), not a single value or a list [front-matter]"),
    (b"---\njust text\n---\n", f"{F}:2:1: error: the front matter must be a mapping of fields (key: value lines), not a single value or a list [front-matter]"),
    (b"---\ntitle: caf\xe9\n---\n", f"{F}:2:11: error: the file is not valid UTF-8 (byte 0xe9 cannot start or continue a character) [encoding]"),
    (b"---\ntitle: a\x00b\n---\n", f"{F}:2:9: error: the file contains a NUL byte; it is binary, not a Markdown record [encoding]"),
    (b"---\ntitle: a\x07b\n---\n", f"{F}:2:9: error: the file contains the control character U+0007 [encoding]"),
])
def test_file_level_problems(make_site, content, expected):
    assert diagnostics_for(make_site, content) == [expected]


@pytest.mark.parametrize("yaml_text,expected", [
    ("a: 1\na: 2\n", f"{F}:3:1: error: duplicate key 'a' (first written on line 2) [duplicate-key]"),
    ("a: !!python/object/apply:os.system ['true']\n", f"{F}:2:4: error: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed [yaml-tag]"),
    ("a: !custom x\n", f"{F}:2:4: error: the tag '!custom' is not allowed [yaml-tag]"),
    ("a: [1, 2\n", f"{F}:3:1: error: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence) [yaml-syntax]"),
    ("a: b: c\n", f"{F}:2:5: error: a value contains ': ' (a colon and a space), which YAML reads as the start of another key [yaml-syntax]"),
    ("a: x\n  b: y\n", f"{F}:3:4: error: invalid YAML: mapping values are not allowed in this context [yaml-syntax]"),
    ("a: .inf\n", f"{F}:2:4: error: '.inf' is not a finite number [non-finite-number]"),
    ("a: 1e400\n", f"{F}:2:4: error: the number 1e400 is too large to represent [non-finite-number]"),
    ("a: " + "9" * 100 + "\n", f"{F}:2:4: error: a number with 100 characters is too long [number-too-long]"),
    ("a: *nothing\n", f"{F}:2:4: error: the alias *nothing names no anchor defined before it [yaml-syntax]"),
    ("? [a]\n: 1\n", f"{F}:2:3: error: a key must be plain text, not a list or mapping [complex-key]"),
])
def test_yaml_problems(make_site, yaml_text, expected):
    assert diagnostics_for(make_site, f"---\n{yaml_text}---\n") == [expected]


@pytest.mark.parametrize("old,new,expected", [
    ("gate:\n  gate: 2", "gate:\n\tgate: 2",
     f"{F}:17:1: error: a tab is used for indentation; YAML is indented with spaces only [yaml-syntax]\n"
     "    hint: replace the tab with spaces, as many as the lines around it use"),
    ("  status: unverified", " \tstatus: unverified",
     f"{F}:18:2: error: a tab is used for indentation; YAML is indented with spaces only [yaml-syntax]\n"
     "    hint: replace the tab with spaces, as many as the lines around it use"),
    ("title: A valid record", "title: Subword Tokenisation: A Synthesis  # from the source page",
     f"{F}:4:28: error: a value contains ': ' (a colon and a space), which YAML reads as the start of another key [yaml-syntax]\n"
     '    hint: put the value in quotes: title: "Subword Tokenisation: A Synthesis"'),
    ("  - text: The first claim.", "  - text: Claim: it holds.",
     f"{F}:41:16: error: a value contains ': ' (a colon and a space), which YAML reads as the start of another key [yaml-syntax]\n"
     '    hint: put the value in quotes: - text: "Claim: it holds."'),
    ("title: A valid record", 'title: "A valid": record',
     f"{F}:4:17: error: a value contains ': ' (a colon and a space), which YAML reads as the start of another key [yaml-syntax]\n"
     "    hint: put the whole value in quotes"),
], ids=["tab-indent", "tab-after-space", "colon-in-value", "colon-in-list-item", "colon-after-quotes"])
def test_common_yaml_slips_are_named_with_the_fix(make_site, old, new, expected):
    site = make_site({"content/records/rec.md": record_with(old, new)})
    assert [format_text(d) for d in check(load_config(site)).diagnostics] == [expected]


def test_alias_bomb_is_refused_quickly(make_site):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    text = "---\n" + "\n".join(lines) + "\n---\n"
    (line,) = diagnostics_for(make_site, text)
    assert line.endswith("error: aliases expand to more than 50000 values [yaml-too-large]")
    assert line.startswith(f"{F}:6:")  # the fifth level is the first over the bound


def test_too_many_aliases(make_site):
    text = "---\na: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n---\n"
    (line,) = diagnostics_for(make_site, text)
    assert line.endswith("error: more than 100 aliases [yaml-aliases]")


# The mapping that holds `a` is level 1, so the 32nd opener is the first past the limit.
# PyYAML 6.0.4's libyaml refuses flow nesting past 1,000 levels by itself, before our
# bound sees it; the message and the position must not depend on which layer stops first.
@pytest.mark.parametrize("opener,depth,position", [
    ("[", 200_000, "2:35"),  # "a: " then 31 brackets within the limit
    ("[", 1_001, "2:35"),  # just past libyaml's own bound
    ("{a: ", 200_000, "2:128"),
    ("  -", 40, "34:63"),  # block nesting: one "-" per line, indented two more each time
    (" -", 1_100, "34:32"),  # past libyaml's bound, indented one more each time (to stay under 1 MB)
])
def test_deep_nesting_is_refused_without_recursion(make_site, opener, depth, position):
    if opener.endswith("-"):
        indent = opener[:-1]
        yaml_text = "a:\n" + "".join(indent * i + "-\n" for i in range(depth))
    else:
        yaml_text = "a: " + opener * depth + "\n"
    assert diagnostics_for(make_site, f"---\n{yaml_text}---\n") == [
        f"{F}:{position}: error: nesting deeper than 32 levels [yaml-too-deep]"
    ]


def test_deep_nesting_at_the_top_level_points_at_the_first_bracket_past_the_limit():
    with pytest.raises(YamlProblem) as caught:
        load_yaml("[" * 1_000_000)
    assert (caught.value.rule, caught.value.line, caught.value.col) == ("yaml-too-deep", 1, 33)
    assert caught.value.message == "nesting deeper than 32 levels"


def test_oversized_file_is_refused_before_parsing(make_site):
    big = VALID_RECORD + "x" * 2_000_000
    assert diagnostics_for(make_site, big) == [
        f"{F}:1:1: error: the file is {len(big)} bytes, over the limit of 1048576 [file-too-large]"
    ]


def test_record_size_limit_is_configurable(make_site):
    site = make_site({"content/records/rec.md": VALID_RECORD, "site.yaml": "limits:\n  max_record_bytes: 1024\n"})
    assert check_site(site) == [
        f"{F}:1:1: error: the file is {len(VALID_RECORD)} bytes, over the limit of 1024 [file-too-large]"
    ]


def test_yaml_11_surprises_stay_text():
    values, _ = load_yaml("a: no\nb: on\nc: 2026-07-04\nd: 1:20\ne: 0777\nf: ~\ng: True\nh: 0x1F\n")
    assert values == {"a": "no", "b": "on", "c": "2026-07-04", "d": "1:20", "e": 777, "f": None, "g": True, "h": 31}


def test_positions_point_at_keys_and_values():
    _, positions = load_yaml("outer:\n  inner: [1, {k: v}]\n", line_offset=1)
    node = positions[("outer", "inner", 1, "k")]
    assert (node.key_line, node.key_col, node.value_line, node.value_col) == (3, 15, 3, 18)


def test_bad_file_does_not_stop_the_others(make_site):
    site = make_site({
        "content/records/a.md": b"---\na: [\n---\n",
        "content/records/b.md": record_with("review_score: 7.5", "review_score: -1"),
    })
    lines = check_site(site)
    assert [line.split(":")[0] for line in lines] == ["content/records/a.md", "content/records/b.md"]


@pytest.mark.parametrize("name,expected", [
    ("Upper.md", "content/records/Upper.md:1:1: error: the file name 'Upper.md' is not a valid slug [slug]"),
    ("with space.md", "content/records/with space.md:1:1: error: the file name 'with space.md' is not a valid slug [slug]"),
    ("double--dash.md", "content/records/double--dash.md:1:1: error: the file name 'double--dash.md' is not a valid slug [slug]"),
    # A regular expression's $ also matches before a final line break: the name must be all slug; and
    # the report keeps one problem per line, with the break written as \n.
    ("rec\n.md", "content/records/rec\\n.md:1:1: error: the file name 'rec\\n.md' is not a valid slug [slug]"),
    ("notes.txt", "content/records/notes.txt:1:1: warning: this file is not a record (records end in .md) and is ignored [not-a-record]"),
])
def test_file_names_follow_slug_rules(make_site, name, expected):
    site = make_site({f"content/records/{name}": VALID_RECORD})
    assert check_site(site) == [expected]


def test_symlinked_record_outside_content_is_refused(make_site, tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text(VALID_RECORD)
    site = make_site({})
    (site / "content" / "records" / "linked.md").symlink_to(outside)
    assert check_site(site) == [
        "content/records/linked.md:1:1: error: this record is a symbolic link to a file outside the content folder [symlink]"
    ]


# --- properties: random input is reported, never raised ---------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_front_matter_splitter_never_raises(text):
    result = split_front_matter(text, "x.md")
    assert isinstance(result, tuple) or result.rule == "front-matter"


_yaml_alphabet = st.sampled_from(list("ab:- \n[]{},&*!?|>'\"#%@`~.01\t")) | st.characters()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_yaml_alphabet, max_size=300))
def test_yaml_loader_only_reports(text):
    try:
        load_yaml(text, YamlLimits(max_depth=8, max_nodes=500, max_aliases=10))
    except YamlProblem as problem:
        assert problem.line >= 1 and problem.col >= 1 and problem.rule


_keys = st.sampled_from(["contract", "id", "title", "submitted", "gate", "tier", "corrections", "claims", "x", "review_score"])
_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                  st.text(max_size=30), st.sampled_from(["paper-manifest-v1.1", "correction-record-v1", "SRCH:0000AAAA", "2026-07-01"]))
_values = st.recursive(_leaf, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=5), max_leaves=30)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(_keys, _values, max_size=10))
def test_check_never_raises_on_arbitrary_front_matter(make_site, data):
    import json

    # JSON is YAML: any mapping written as flow YAML reaches validation.
    text = "---\n" + json.dumps(data) + "\n---\n"
    lines = check_site(make_site({"content/records/rec.md": text}))
    assert all(line.startswith(f"{F}:") for line in lines)


def test_hostile_yaml_under_a_memory_limit():
    """A bomb must fail as a diagnostic inside a 512 MiB address-space limit, not take the machine down."""
    script = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))\n"
        "from sitegen.formats.safeyaml import load_yaml, YamlProblem\n"
        "bomb = 'a: &a [' + ','.join(['x']*10) + ']\\n' + ''.join(\n"
        "    f'{chr(98+i)}: &{chr(98+i)} [' + ','.join(['*'+chr(97+i)]*10) + ']\\n' for i in range(9))\n"
        "for text in [bomb, '[' * 1_000_000, 'a: ' + '{a: ' * 500_000]:\n"
        "    try:\n"
        "        load_yaml(text)\n"
        "        sys.exit('accepted')\n"
        "    except YamlProblem as p:\n"
        "        print(p.rule)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["yaml-too-large", "yaml-too-deep", "yaml-too-deep"]
