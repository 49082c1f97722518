"""The contracts as editors want them: one self-contained JSON Schema file per
contract, for `sitegen schemas` and the committed copy in schemas/.

The record contract validates its `corrections:` block against whichever
correction contract the block names, which an editor cannot follow. The
exported record schema therefore carries the correction contract(s) inside it
(under $defs), so completion and hover work in the whole front matter with no
reference to resolve.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from ..formats.schema import contract_names, known_versions


def _read_contract(name: str) -> dict:
    # Read afresh rather than through schema.load_schema's cache: the export must be the
    # file as shipped, whatever a validator compiled from the cached copy did to it.
    return json.loads(resources.files("sitegen").joinpath(f"contracts/{name}.json").read_text(encoding="utf-8"))


def editor_schema(name: str) -> dict:
    """The schema of contract name, made self-contained for an editor."""
    schema = _read_contract(name)
    # Editors' YAML support (yaml-language-server, behind VS Code's YAML extension) speaks
    # JSON Schema draft 7. The contracts use only keywords that mean the same there, so the
    # export declares draft 7; tests check both drafts agree on the example records.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    if name.startswith("paper-manifest-"):
        defs = schema.setdefault("$defs", {})
        refs = []
        for version in known_versions("correction-record"):
            inner = _read_contract(version)
            inner.pop("$schema", None)
            inner.pop("$id", None)
            defs[version] = inner
            refs.append({"$ref": f"#/$defs/{version}"})
        description = schema["properties"]["corrections"].get("description", "")
        # In draft 7 a $ref's siblings are ignored, so the description sits beside an allOf.
        schema["properties"]["corrections"] = {"description": description, "allOf": refs} if len(refs) == 1 else {
            "description": description, "anyOf": refs}
    return schema


def editor_schemas() -> dict[str, str]:
    """File name -> JSON text for every shipped contract, stable byte for byte."""
    return {f"{name}.json": json.dumps(editor_schema(name), indent=2, ensure_ascii=False) + "\n" for name in contract_names()}


def export_schemas(folder: Path) -> list[Path]:
    """Write every editor schema into folder; files whose bytes are unchanged are left alone."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for file_name, text in editor_schemas().items():
        path = folder / file_name
        data = text.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        written.append(path)
    return written
