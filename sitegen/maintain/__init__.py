"""The maintainers' commands that edit or explain records: sitegen new, correct, diff and schemas;
and sitegen init, which starts a registry (its files are in sitegen/starter/).

May import: records, formats, config, errors, model; never the engine or the preview.
"""
