"""Turning checked records into pages and files: Markdown, templates and page contexts, badges, browse pages, the statistics page and its charts, citations, head metadata, feeds, harvest files, SVG badges, redirects at old addresses.

Pure functions of records and the configuration; no writing to disk.
May import: records, config, errors, model, formats.
"""
