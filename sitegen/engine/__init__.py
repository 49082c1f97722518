"""The engine: the pipeline in order (load, check, render, write, index, publish), the worker processes, the build cache and the all-or-nothing output folder.

May import: search, site, records and everything below them; never a command (maintain, preview, cli).
"""
