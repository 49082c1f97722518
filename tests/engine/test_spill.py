"""The build keeps records' texts on disk, not in the main process, and leaves nothing of that scratch file behind."""

from __future__ import annotations

import json

import reader_outputs
from sitegen.config import load_config
from sitegen.engine import pipeline, spill
from sitegen.engine.workers import PAGE_ONLY_FIELDS


def test_outcomes_held_by_the_build_carry_no_texts_and_the_spill_is_removed(tmp_path, monkeypatch):
    site = reader_outputs.copy_of_basic(tmp_path, "site")
    config = load_config(site, output_dir=tmp_path / "out")
    held, folders = [], []
    keep, init = spill.Spill.keep, spill.Spill.__init__

    def watching_keep(self, outcome):
        held.append(keep(self, outcome))
        return held[-1]

    def watching_init(self, *args):
        init(self, *args)
        folders.append(self.folder)

    monkeypatch.setattr(spill.Spill, "keep", watching_keep)
    monkeypatch.setattr(spill.Spill, "__init__", watching_init)
    assert pipeline.build(config, search=False).ok
    good = [o for o in held if o.record is not None]
    assert good and all(o.spilled and o.search == "" and o.cards == ("", "") and o.words == "" for o in good)
    assert all(not PAGE_ONLY_FIELDS & set(o.record.fields) for o in good)
    # What the spill held reached the site: every record's card is on the index, its entry in the offline index.
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    offline = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out" / "search" / "r").glob("*.js"))
    for outcome in good:
        assert f'href="{outcome.record.url}"' in index
        assert json.dumps(outcome.record.url) in offline
    assert len(folders) == 1 and not folders[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == [".out.cache", ".out.lock"]
