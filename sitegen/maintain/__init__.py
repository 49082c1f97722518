"""The maintainers' commands that edit or explain records: sitegen new, correct, diff and schemas.

May import: records, formats, config, errors, model; never the engine or the preview.
"""
