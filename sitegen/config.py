"""The site configuration: defaults shipped with the package, overridden by site.yaml."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError, SitegenError, UsageError
from .formats.safeyaml import YamlLimits, YamlProblem, load_yaml
from .model import Diagnostic, NodePos, SourcePos, YamlPath

CONFIG_NAME = "site.yaml"
_MAX_CONFIG_BYTES = 1_048_576
TODAY_VARIABLE = "SITEGEN_TODAY"
# Dates may run one day ahead of the machine's: a maintainer east of it is already tomorrow.
DATE_TOLERANCE = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource bounds applied to every record (see docs/limits.md)."""

    max_record_bytes: int = 1_048_576
    max_yaml_depth: int = 32
    max_yaml_nodes: int = 50_000
    max_yaml_aliases: int = 100
    max_markdown_nesting: int = 32
    search_shard_size: int = 25_000  # records per Pagefind bundle; Pagefind's memory grows with the records in one run
    search_rank_limit: int = 5_000  # Pagefind ranks results up to this many; its time grows with every match

    @property
    def yaml(self) -> YamlLimits:
        return YamlLimits(self.max_yaml_depth, self.max_yaml_nodes, self.max_yaml_aliases)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything a build needs to know besides the records themselves."""

    root: Path  # the site folder: holds site.yaml, content/, layouts/, assets/
    content_dir: Path
    output_dir: Path
    layouts_dir: Path  # the site's own templates, if any: each overrides the default of the same name
    assets_dir: Path  # the site's own assets, if any: each overrides the default at the same path
    title: str
    description: str
    language: str
    base_url: str  # "" or an absolute URL ending in "/"
    repository_url: str
    suggest_correction_url: str  # a URL template for the "Suggest a correction" link; "" for none (docs/config.md)
    levels: Mapping[str, Mapping[str, str]]
    gates: Mapping[int, Mapping[str, Any]]
    gate_statuses: Mapping[str, Mapping[str, str]]
    tiers: Mapping[str, Mapping[str, Any]]
    correction_statuses: Mapping[str, Mapping[str, str]]
    page_size: int = 25  # cards per listing page (site/listing.py)
    # Fields a published record may change without a correction entry naming them
    # (dotted, as in an entry's fields; `check --base`, records/edits.py). Default: none.
    updatable_without_correction: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    source_text: str = ""  # site.yaml as written, for cache keys
    today: dt.date = field(default_factory=dt.date.today)  # what "in the future" is measured from (SITEGEN_TODAY)
    # The default look shipped with sitegen (packaged_folder): what a site without layouts/ or assets/ gets.
    default_layouts_dir: Path = field(default_factory=lambda: packaged_folder("layouts"))
    default_assets_dir: Path = field(default_factory=lambda: packaged_folder("assets"))

    @property
    def layout_folders(self) -> tuple[Path, ...]:
        """Where templates are looked up, in order: the site's layouts/, then the default look's."""
        return tuple(dict.fromkeys((self.layouts_dir, self.default_layouts_dir)))

    @property
    def asset_folders(self) -> tuple[Path, ...]:
        """Where assets come from, in order of precedence: the site's assets/, then the default look's."""
        return tuple(dict.fromkeys((self.assets_dir, self.default_assets_dir)))

    @property
    def latest_date(self) -> dt.date:
        """The latest date a record may carry: today, plus a day for time zones."""
        return self.today + DATE_TOLERANCE

    @property
    def records_dir(self) -> Path:
        return self.content_dir / "records"

    @property
    def pages_dir(self) -> Path:
        return self.content_dir / "pages"

    def rel(self, path: Path) -> str:
        """A path as shown in messages: relative to the site root, forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


def packaged_folder(name: str) -> Path:
    """A folder sitegen ships from the repository's top level: "layouts" and "assets" (the default
    look); "requirements" (the lock), "pages" (content/pages, for its guide) and "workflows"
    (.github/workflows), which `sitegen init` gives a new registry.

    There is one copy of each, the repository's top-level folder. A wheel installs it
    inside the package as defaults/<name>/ (pyproject.toml maps it with package-dir);
    a checkout (an editable install, build.py) has it beside the package, where the
    wheel is made from.
    """
    package = Path(str(resources.files("sitegen")))
    top = {"pages": "content/pages", "workflows": ".github/workflows"}.get(name, name)
    for folder in (package / "defaults" / name, package.parent / top):
        if folder.is_dir():
            return folder
    raise SitegenError(f"sitegen's {name} folder is missing from {package / 'defaults' / name}; reinstall sitegen")


def today_from_environment() -> dt.date:
    """The local date, or SITEGEN_TODAY (YYYY-MM-DD) when it is set: for tests, and for a machine whose clock is wrong."""
    value = os.environ.get(TODAY_VARIABLE)
    if not value:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{TODAY_VARIABLE} must be a date written YYYY-MM-DD, found {value!r}") from None


# What readers see as badges and notices. site.yaml may reword a label or a description, but
# never so that one value reads as another: (section, noun, the key shown, how a record holding it reads).
_VOCABULARIES = (
    ("levels", "level", "label", "at level {}"),
    ("gate_statuses", "gate status", "label", "whose gate status is {}"),
    ("tiers", "tier", "label", "in tier {}"),
    ("correction_statuses", "correction status", "label", "that is {}"),
    ("gates", "gate", "name", "at gate {}"),
)


def _normal(label: str) -> str:
    """A label as a reader tells it apart: case, spaces, hyphens and other marks do not count (Watch-list = watchlist)."""
    return "".join(ch for ch in label.casefold() if ch.isalnum())


def _repeats(text: str, other: str) -> bool:
    """text says what other says: the same words, or other's first sentences."""
    a, b = " ".join(text.split()).casefold(), " ".join(other.split()).casefold()
    return a == b or (b.startswith(a) and a.endswith((".", "!", "?")))


def check_vocabularies(merged: Mapping[str, Any], positions: Mapping[YamlPath, NodePos], rel: str) -> list[Diagnostic]:
    """Every level, gate, tier and status keeps a label and a description of its own (docs/config.md)."""
    from .formats.schema import position_of

    out: list[Diagnostic] = []

    def culprit(path: YamlPath, other: YamlPath) -> bool:
        """Whether path, rather than other, is the one to report: the one written in site.yaml, the later one."""
        mine, theirs = positions.get(path), positions.get(other)
        if mine is None or theirs is None:
            return theirs is None and mine is not None
        return (mine.key_line, mine.key_col) > (theirs.key_line, theirs.key_col)

    def report(path: YamlPath, message: str, rule: str, hint: str) -> None:
        line, col = position_of(positions, path)
        out.append(Diagnostic(SourcePos(rel, line, col), "error", message, rule, hint))

    for section, noun, key, state in _VOCABULARIES:
        entries = {str(code): meta for code, meta in (merged.get(section) or {}).items()}
        codes = list(entries)
        # A label that names another value is reported as such, not again where it is shared.
        naming = {code for code in codes
                  if any(_normal(str(entries[code][key])) == _normal(other) for other in codes if other != code)}
        for code in codes:
            label = str(entries[code][key])
            path: YamlPath = (section, code, key)
            where = f"{section}.{code}.{key}"
            named = next((other for other in codes if other != code and _normal(label) == _normal(other)), None)
            same = next((other for other in codes if other != code and other not in naming
                         and _normal(label) == _normal(str(entries[other][key])) and culprit(path, (section, other, key))), None)
            if not label.strip():
                report(path, f"'{where}' is blank: readers see it on the badge of every record {state.format(code)}",
                       "config-label", f"write a short label that says what {code} means")
            elif named is not None:
                report(path, f"'{where}' is {label!r}, which names another {noun}, {named}: a record {state.format(code)} "
                       f"would look like one {state.format(named)}", "config-label",
                       f"reword the label of {code} so that it says what {code} means")
            elif same is not None:
                report(path, f"'{where}' is {label!r}, the label of {same} too: a record {state.format(code)} would look "
                       f"like one {state.format(same)}", "config-label",
                       f"give each {noun} a label of its own; labels may be reworded, not shared")
            if "description" not in entries[code]:
                continue
            text = str(entries[code]["description"])
            path = (section, code, "description")
            where = f"{section}.{code}.description"
            if not text.strip():
                report(path, f"'{where}' is blank: readers are shown it to explain what {code} means", "config-description",
                       f"describe what {code} means")
                continue
            # Of two equal descriptions, the one written later is reported; a shortened copy always is.
            repeated = next((other for other in codes if other != code and "description" in entries[other]
                             and _repeats(text, str(entries[other]["description"]))
                             and (not _repeats(str(entries[other]["description"]), text)
                                  or culprit(path, (section, other, "description")))), None)
            if repeated is not None:
                report(path, f"'{where}' repeats the description of {repeated}: a record {state.format(code)} would be "
                       f"explained as one {state.format(repeated)}", "config-description", f"describe what {code} means")
    return out


def _deep_merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return override


def _defaults_text() -> str:
    return resources.files("sitegen").joinpath("defaults/site.yaml").read_text(encoding="utf-8")


def _check_field_names(merged: Mapping[str, Any], positions: Mapping[YamlPath, NodePos], rel: str) -> list[Diagnostic]:
    """updatable_without_correction names fields of a record contract, by the rule correction entries follow."""
    from .formats.fields import field_hint, is_field
    from .formats.schema import known_versions

    manifests = known_versions("paper-manifest")
    out = []
    for index, name in enumerate(merged.get("updatable_without_correction", ())):
        if not any(is_field(name, m) for m in manifests):
            node = positions.get(("updatable_without_correction", index))
            out.append(Diagnostic(SourcePos(rel, node.value_line if node else 1, node.value_col if node else 1), "error",
                                  f"'{name}' in updatable_without_correction is not a field of {manifests[-1]}",
                                  "config", field_hint(name, manifests[-1])))
    return out


def load_config(
    root: Path,
    *,
    content_dir: Path | None = None,
    output_dir: Path | None = None,
    base_url: str | None = None,
    today: dt.date | None = None,
) -> SiteConfig:
    """Read site.yaml over the defaults; command-line values override both.

    today is the date future dates are measured from; by default the local date or SITEGEN_TODAY.
    """
    from .formats.schema import validate_against  # the schema machinery is shared with records

    root = root.resolve()
    if not root.is_dir():
        raise UsageError(f"the site folder {root} does not exist")
    defaults, _ = load_yaml(_defaults_text())
    config_path = root / CONFIG_NAME
    rel = CONFIG_NAME
    user: Any = {}
    positions: Mapping[YamlPath, NodePos] = {}
    text = ""
    if config_path.exists():
        if config_path.stat().st_size > _MAX_CONFIG_BYTES:
            raise ConfigError([Diagnostic(SourcePos(rel, 1, 1), "error", "the configuration file is larger than 1 MiB", "config")])
        try:
            text = config_path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as exc:
            raise ConfigError([Diagnostic(SourcePos(rel, 1, 1), "error", f"the file is not valid UTF-8 ({exc.reason})", "encoding")])
        try:
            user, positions = load_yaml(text)
        except YamlProblem as p:
            raise ConfigError([Diagnostic(SourcePos(rel, p.line, p.col), "error", p.message, p.rule, p.hint)])
        if user is None:
            user = {}
        if not isinstance(user, dict):
            raise ConfigError([Diagnostic(SourcePos(rel, 1, 1), "error", "the configuration must be a mapping of keys to values", "config")])
    merged = _deep_merge(defaults, user)
    # YAML keys are text; gate numbers are validated as text, then typed.
    problems = validate_against("site-config", merged, positions, rel) or _check_field_names(merged, positions, rel)
    if not problems:
        problems = check_vocabularies(merged, positions, rel)
    if problems:
        raise ConfigError(problems)
    if base_url is not None:
        merged["base_url"] = base_url
    url = merged.get("base_url", "")
    if url and not url.endswith("/"):
        url += "/"
    if url and not url.startswith(("http://", "https://")):
        raise UsageError(f"the base URL must start with http:// or https:// (found {url!r})")
    content = (content_dir or root / "content").resolve()
    output = (output_dir or root / "public").resolve()
    if content == output or content.is_relative_to(output) or output.is_relative_to(content):
        raise UsageError("the output folder and the content folder must not contain each other")
    return SiteConfig(
        root=root,
        content_dir=content,
        output_dir=output,
        layouts_dir=root / "layouts",
        assets_dir=root / "assets",
        title=merged["title"],
        description=merged.get("description", ""),
        language=merged.get("language", "en"),
        base_url=url,
        repository_url=merged.get("repository_url", "").rstrip("/"),
        suggest_correction_url=merged.get("suggest_correction_url", ""),
        levels=merged["levels"],
        gates={int(k): v for k, v in merged.get("gates", {}).items()},
        gate_statuses=merged["gate_statuses"],
        tiers=merged["tiers"],
        correction_statuses=merged["correction_statuses"],
        page_size=merged.get("page_size", 25),
        updatable_without_correction=tuple(merged.get("updatable_without_correction", ())),
        limits=dataclasses.replace(Limits(), **merged.get("limits", {})),
        source_text=text,
        today=today or today_from_environment(),
    )
