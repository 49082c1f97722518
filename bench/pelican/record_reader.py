"""A Pelican reader for our record files: YAML front matter between --- lines,
then the Markdown report.

Pelican's own Markdown reader only understands `Key: value` metadata lines,
so without this reader every record would have to be converted to that format
first. This reader lets Pelican read the generated .md files as they are, the
way Hugo does, and pay for parsing the YAML in the timed build like the other
generators. It is the same idea as the community pelican-yaml-metadata plugin,
in a few lines. The whole record is passed to the templates as
`article.record`; the abstract is rendered as Markdown like the body.
"""

from __future__ import annotations

import os

import yaml
from markdown import Markdown
from pelican import signals
from pelican.readers import MarkdownReader

try:
    _Loader = yaml.CSafeLoader  # libyaml, as sitegen uses where available
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _Loader = yaml.SafeLoader


class RecordReader(MarkdownReader):
    """Reads `---`-fenced YAML front matter and a Markdown body."""

    enabled = True
    file_extensions = ["md"]

    def read(self, source_path):
        """Return the rendered body and the metadata Pelican needs."""
        self._source_path = source_path
        with open(source_path, encoding="utf-8") as handle:
            text = handle.read()
        if not text.startswith("---\n"):
            raise ValueError(f"{source_path}: no front matter")
        end = text.index("\n---\n", 3)
        data = yaml.load(text[4:end + 1], Loader=_Loader)
        body = text[end + 5:]
        self._md = Markdown(**self.settings["MARKDOWN"])
        content = self._md.convert(body)
        self._md.reset()
        abstract = self._md.convert(str(data["abstract"]))
        if abstract.startswith("<p>") and abstract.endswith("</p>"):
            abstract = abstract[3:-4]
        slug = os.path.splitext(os.path.basename(source_path))[0]
        metadata = {
            "title": self.process_metadata("title", str(data["title"])),
            "date": self.process_metadata("date", str(data["submitted"])),
            "slug": slug,
            "record": data,
            "abstract_html": abstract,
        }
        return content, metadata


def _add_reader(readers):
    readers.reader_classes["md"] = RecordReader


def register():
    """Pelican plugin entry point."""
    signals.readers_init.connect(_add_reader)
