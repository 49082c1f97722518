"""`sitegen init DIR`: a new registry in one command.

What it writes comes from the package, so that a plain install of the wheel
has it: the files of sitegen/starter/ (the example record, the about page,
the registry's README, .gitignore, .pre-commit-config.yaml), and one copy of
what this repository keeps for itself (the readers' guide, the workflows and
the lock, found by config.packaged_folder). site.yaml is made from the
packaged defaults and the site-config contract, so it lists every setting
there is, whatever version wrote it. The workflows and pre-commit name the
installed version, so a registry stays on the sitegen it was made with until
it moves on purpose.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Mapping

from .. import __version__
from ..config import packaged_folder
from ..errors import UsageError
from ..formats.yamltext import scalar
from .scaffold import mint_id

# Where the workflows and pre-commit install sitegen from when the installed package does not say
# (its Project-URL "Source"): a placeholder that fails loudly, and `sitegen init` says to replace it.
UNKNOWN_REPOSITORY = "https://example.invalid/sitegen.git"
DEFAULT_TITLE = "Research Registry"
_MARKER = re.compile(r"@@([A-Z]+)@@")
_WIDTH = 88


@dataclass(frozen=True, slots=True)
class NewRegistry:
    """What `sitegen init` wrote."""

    root: Path
    files: tuple[str, ...]  # relative to root, in the order written
    record: str  # the example record, relative to root
    repository: str  # where the workflows and pre-commit install sitegen from
    repository_known: bool  # False: the placeholder, to be replaced


def source_repository() -> str | None:
    """The git repository sitegen is published from, as the installed package's metadata names it."""
    try:
        urls = metadata.metadata("sitegen").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a folder that was never installed
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("source", "repository") and url.strip():
            return url.strip()
    return None


def check_target(folder: Path, *, force: bool) -> None:
    """Refuse a folder that holds anything: init never overwrites or mixes in. --force allows one whose only
    entry is .git (a repository just made or cloned empty, as GitHub's "new repository" gives)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    entries = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    if not entries:
        return
    if entries == [".git"]:
        if force:
            return
        raise UsageError(f"{folder} is a git repository with nothing else in it; to make the registry there, "
                         "pass --force (sitegen init --force DIR)")
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
    hint = " (--force only allows an empty git repository)" if force else ""
    raise UsageError(f"{folder} is not empty (it holds {shown}); sitegen init makes a registry in a new or empty "
                     f"folder and never overwrites a file{hint}")


def _fill(text: str, values: Mapping[str, str], name: str) -> str:
    """The starter text with each @@NAME@@ replaced; a marker without a value is a bug, not a silent blank."""
    def value(match: re.Match[str]) -> str:
        if match[1] not in values:
            raise AssertionError(f"starter/{name}: no value for @@{match[1]}@@")
        return values[match[1]]
    return _MARKER.sub(value, text)


def registry_workflow(text: str, repository: str, version: str) -> str:
    """One of this repository's workflows as a registry runs it: sitegen installed from its release tag
    with --no-deps, the dependencies from the registry's requirements.txt, `sitegen build` for build.py."""
    rules = (
        ("pip install --no-deps --no-build-isolation .",
         f'pip install --no-deps --no-build-isolation "sitegen @ git+{repository}@v{version}"'),
        ("requirements/site.txt", "requirements.txt"),
        ("python build.py", "sitegen build"),
    )
    for old, new in rules:
        text = text.replace(old, new)
    # The workflows must install sitegen at all: a change upstream that moves the install line fails here.
    if f"@v{version}" not in text or "requirements/" in text or "build.py" in text:
        raise AssertionError("a workflow's install step no longer reads as registry_workflow expects")
    return text


# -- site.yaml, every setting commented ---------------------------------------------------------

def _schema() -> dict[str, Any]:
    return json.loads(resources.files("sitegen").joinpath("contracts/site-config.json").read_text(encoding="utf-8"))


def _comment(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, _WIDTH - len(indent) - 2, initial_indent=f"{indent}# ", subsequent_indent=f"{indent}# ")


def _blocks(defaults: str) -> list[tuple[str, list[str], list[str]]]:
    """(top-level key, the comment lines above it, its lines) of the packaged defaults, in order; the file's
    own header (its first comment block) is left out."""
    lines = defaults.split("\n")
    start = next(i for i, line in enumerate(lines) if not line.strip())  # the header ends at the first blank line
    blocks: list[tuple[str, list[str], list[str]]] = []
    comments: list[str] = []
    for line in lines[start:]:
        top = re.match(r"([a-z_]+):", line)
        if top:
            blocks.append((top[1], comments, [line]))
            comments = []
        elif line.startswith("#"):
            comments.append(line)
        elif line.strip() and blocks:
            blocks[-1][2].append(line)
    return blocks


def commented_site_yaml(title: str) -> str:
    """site.yaml for a new registry: its title set, and every other setting at its default, commented out,
    with what it means (the defaults' own comments, else the contract's description)."""
    schema = _schema()
    properties = schema["properties"]
    out = [
        f"# The settings of this registry (sitegen {__version__}). Every setting is listed at its",
        "# default, commented out: to change one, delete the '#' right before the setting's",
        "# lines (not the '# ' of an explanation) and edit the value. What is left out keeps",
        "# its default; an unknown key is an error. sitegen's docs/config.md describes them all.",
        "",
    ]
    for key, comments, body in _blocks(_package_text("defaults/site.yaml")):
        out.extend(comments or _comment(properties[key].get("description", "")))
        if key == "title":
            out.append(f"title: {scalar(title)}")
        else:
            node = properties[key]
            for line in body:
                leaf = re.match(r"( +)([a-z_]+):", line)
                described = (node.get("properties") or {}).get(leaf[2], {}).get("description") if leaf else None
                if described and len(leaf[1]) == 2:  # the settings of a block of settings (limits)
                    out.extend(_comment(described, "#" + leaf[1]))
                out.append("#" + line)
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


# -- the registry ---------------------------------------------------------------------------------

def _package_text(name: str) -> str:
    return resources.files("sitegen").joinpath(name).read_text(encoding="utf-8")


def _starter(name: str) -> str:
    return _package_text(f"starter/{name}")


def registry_files(*, title: str, repository: str, record_id: str, today: dt.date) -> dict[str, str]:
    """Every file of a new registry, by its path in it: what `sitegen init` writes, in that order."""
    values = {"TITLE": title, "PUBLISHER": scalar(title), "REPOSITORY": repository, "VERSION": __version__,
              "ID": record_id, "TODAY": today.isoformat()}
    lock = (packaged_folder("requirements") / "site.txt").read_text(encoding="utf-8")
    workflows = packaged_folder("workflows")
    return {
        "site.yaml": commented_site_yaml(title),
        "content/records/example-record.md": _fill(_starter("content/records/example-record.md"), values, "example-record.md"),
        "content/pages/about.md": _starter("content/pages/about.md"),
        "content/pages/guide.md": (packaged_folder("pages") / "guide.md").read_text(encoding="utf-8"),
        "requirements.txt": (f"# What sitegen {__version__} needs, at exact versions with their hashes: sitegen's own\n"
                             "# requirements/site.txt of that release. Install with\n"
                             "#   pip install --require-hashes --no-deps -r requirements.txt\n" + lock),
        ".github/workflows/check.yml": registry_workflow((workflows / "check.yml").read_text(encoding="utf-8"),
                                                         repository, __version__),
        ".github/workflows/deploy.yml": registry_workflow((workflows / "deploy.yml").read_text(encoding="utf-8"),
                                                          repository, __version__),
        ".pre-commit-config.yaml": _fill(_starter("pre-commit-config.yaml"), values, "pre-commit-config.yaml"),
        ".gitignore": _starter("gitignore"),
        "README.md": _fill(_starter("README.md"), values, "README.md"),
    }


def init_registry(folder: Path, *, title: str | None = None, force: bool = False, repository: str | None = None,
                  today: dt.date | None = None) -> NewRegistry:
    """Write a new registry into folder (made if missing; refused unless empty, see check_target)."""
    check_target(folder, force=force)
    if title is not None and (not title.strip() or "\n" in title or "\r" in title):
        raise UsageError("--title must be one line of text")
    known = repository or source_repository()
    files = registry_files(title=(title or DEFAULT_TITLE).strip(), repository=known or UNKNOWN_REPOSITORY,
                           record_id=mint_id(()), today=today or dt.date.today())
    folder.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="utf-8", newline="\n") as handle:  # "x": never overwrite, even in a race
            handle.write(text)
    return NewRegistry(folder, tuple(files), "content/records/example-record.md", known or UNKNOWN_REPOSITORY,
                       known is not None)
