"""The readers' search: one entry per record, indexed by Pagefind for the hosted site and written as plain script data for the site opened from disk.

May import: site (badges, Markdown to text), records, config, errors, model, formats.
"""
