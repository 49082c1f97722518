"""The documentation says what the code does: every rule the code can report is in docs/records.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "sitegen"
AMBIGUOUS = -1


def _makers(trees: dict[Path, ast.Module]) -> dict[Path, dict[str, int]]:
    """Per module, the callables that take a rule name: function or class name -> the rule's position.

    A callable takes a rule when it has a parameter (or, for a dataclass, a field) named
    rule: Diagnostic, YamlProblem, _Report.at, a local helper. Names defined in the module
    itself win; a name defined once anywhere in the package is known everywhere.
    """
    local: dict[Path, dict[str, int]] = {}
    everywhere: dict[str, set[int]] = {}
    for path, tree in trees.items():
        found: dict[str, int] = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if names[:1] in (["self"], ["cls"]):
                    names = names[1:]
                if "rule" in names:
                    found[node.name] = names.index("rule")
            elif isinstance(node, ast.ClassDef):
                fields = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
                init = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "__init__"), None)
                if init is not None:
                    fields = [a.arg for a in init.args.args[1:]]
                if "rule" in fields:
                    found[node.name] = fields.index("rule")
        local[path] = found
        for name, index in found.items():
            everywhere.setdefault(name, set()).add(index)
    # A name defined with the rule at different places (two helpers called at) is only known where it is defined.
    shared = {name: next(iter(indexes)) if len(indexes) == 1 else AMBIGUOUS for name, indexes in everywhere.items()}
    return {path: {**shared, **found} for path, found in local.items()}


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _rule_values(expr: ast.expr, passed_on: set[str]) -> set[str] | None:
    """The rule names an argument can hold; an empty set for a rule handed on; None when it cannot be told."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return {expr.value}
    if isinstance(expr, ast.IfExp):
        body, orelse = _rule_values(expr.body, passed_on), _rule_values(expr.orelse, passed_on)
        return None if body is None or orelse is None else body | orelse
    if isinstance(expr, ast.Name) and expr.id in passed_on:
        return set()  # a rule parameter handed on; its callers are read in turn
    if isinstance(expr, ast.Attribute) and expr.attr == "rule":
        return set()  # another problem's rule, e.g. a YamlProblem's, made (and read) elsewhere
    if isinstance(expr, ast.JoinedStr) and expr.values and isinstance(expr.values[0], ast.Constant):
        prefix = str(expr.values[0].value)
        if prefix.endswith(":"):
            return {prefix[:-1]}  # a family such as schema:<contract>
    return None


# Modules that rebuild diagnostics read back from the build cache: each repeats one the code made,
# and this test read, where it was first reported.
RESTORED = {"sitegen/engine/stored.py"}


def emitted_rules() -> tuple[dict[str, list[str]], list[str]]:
    """(rule -> where the code reports it, the calls whose rule cannot be read from the source)."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}
    makers = _makers(trees)
    rules: dict[str, list[str]] = {}
    unreadable: list[str] = []
    for path, tree in trees.items():
        if path.relative_to(ROOT).as_posix() in RESTORED:
            continue
        scopes: list[tuple[ast.AST, set[str]]] = []
        for func in ast.walk(tree):
            if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                params = {a.arg for a in func.args.posonlyargs + func.args.args + func.args.kwonlyargs}
                scopes.append((func, {"rule"} & params))
        enclosing: dict[int, set[str]] = {}
        for func, passed in scopes:
            for inner in ast.walk(func):
                if isinstance(inner, ast.Call):
                    enclosing.setdefault(id(inner), set()).update(passed)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            where = f"{path.relative_to(ROOT).as_posix()}:{call.lineno}"
            keywords = {k.arg: k.value for k in call.keywords}
            index = makers[path].get(_callee(call) or "")
            if index == AMBIGUOUS and "rule" not in keywords:
                unreadable.append(f"{where}: {_callee(call)}() is defined in several modules with the rule at different places")
                continue
            if "rule" in keywords:
                arg = keywords["rule"]
            elif index is not None and len(call.args) > index and not any(isinstance(a, ast.Starred) for a in call.args):
                arg = call.args[index]
            elif index is not None and any(isinstance(a, ast.Starred) for a in call.args):
                unreadable.append(f"{where}: rule passed through *args")
                continue
            else:
                continue
            values = _rule_values(arg, enclosing.get(id(call), set()))
            if values is None:
                unreadable.append(f"{where}: {ast.unparse(arg)}")
                continue
            for value in values:
                rules.setdefault(value, []).append(where)
    return rules, unreadable


def test_the_rule_collector_sees_the_known_rules():
    rules, _ = emitted_rules()
    assert {"schema", "placeholder", "yaml-syntax", "duplicate-key", "front-matter", "not-a-record", "not-a-page",
            "future-date", "config-label", "records-folder", "gate-unknown"} <= set(rules)


def test_every_rule_name_is_read_from_the_source():
    _, unreadable = emitted_rules()
    assert unreadable == [], "write rule names as literal strings (or a literal family prefix such as f'schema:{name}')"


def test_every_rule_the_code_can_report_is_in_the_record_format_documentation():
    documented = set(re.findall(r"`([a-z][a-z0-9-]*)`", (ROOT / "docs/records.md").read_text(encoding="utf-8")))
    rules, _ = emitted_rules()
    missing = {rule: where for rule, where in sorted(rules.items()) if rule not in documented}
    assert missing == {}, "document these rules in docs/records.md"
