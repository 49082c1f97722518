"""The live preview keeps redirect pages as a clean build makes them, when a record is renamed while it runs."""

from __future__ import annotations

import hashlib
from pathlib import Path

from conftest import VALID_RECORD, record_with

from sitegen.config import load_config
from sitegen.engine.pipeline import build
from sitegen.preview.live import Preview
from sitegen.preview.watch import Change, ChangeKind

OTHER = record_with("id: SRCH:0000AAAA", "id: SRCH:0000BBBB", record_with("title: A valid record", "title: Another record"))


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_rename_in_the_preview_writes_the_redirect_a_clean_build_writes(make_site, tmp_path):
    site = make_site({"content/records/rec.md": VALID_RECORD, "content/records/other.md": OTHER})
    config = load_config(site)
    preview = Preview(config, search=False)
    assert preview.rebuild_all() is None
    # The alias comes first: while rec.md is still there it is refused, and the last good site stays.
    aliases = site / "content/aliases.yaml"
    aliases.write_text("aliases:\n  rec: SRCH:0000AAAA\n", encoding="utf-8")
    problems = preview.update([Change(ChangeKind.CONTENT, aliases)])
    assert [d.rule for d in problems or []] == ["alias-taken"]
    (site / "content/records/rec.md").rename(site / "content/records/moved.md")
    changed = [Change(ChangeKind.RECORD, site / "content/records/rec.md"),
               Change(ChangeKind.RECORD, site / "content/records/moved.md")]
    assert preview.update(changed) is None
    clean = tmp_path / "clean"
    assert build(load_config(site, output_dir=clean), search=False, use_cache=False).ok
    assert tree(site / "public") == tree(clean)
    assert "moved.html" in (site / "public/records/rec.html").read_text()
