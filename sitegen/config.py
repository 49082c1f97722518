"""The site configuration: defaults shipped with the package, overridden by site.yaml."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError, UsageError
from .formats.safeyaml import YamlLimits, YamlProblem, load_yaml
from .model import Diagnostic, NodePos, SourcePos, YamlPath

CONFIG_NAME = "site.yaml"
_MAX_CONFIG_BYTES = 1_048_576


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource bounds applied to every record (see docs/limits.md)."""

    max_record_bytes: int = 1_048_576
    max_yaml_depth: int = 32
    max_yaml_nodes: int = 50_000
    max_yaml_aliases: int = 100
    max_markdown_nesting: int = 32
    search_shard_size: int = 25_000  # records per Pagefind bundle; Pagefind's memory grows with the records in one run

    @property
    def yaml(self) -> YamlLimits:
        return YamlLimits(self.max_yaml_depth, self.max_yaml_nodes, self.max_yaml_aliases)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Everything a build needs to know besides the records themselves."""

    root: Path  # the site folder: holds site.yaml, content/, layouts/, assets/
    content_dir: Path
    output_dir: Path
    layouts_dir: Path
    assets_dir: Path
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
) -> SiteConfig:
    """Read site.yaml over the defaults; command-line values override both."""
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
    )
