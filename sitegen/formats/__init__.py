"""The formats sitegen reads and writes by hand: bounded, position-keeping YAML and the JSON Schema contracts as data.

Shared by config.py (site.yaml) and records/ (front matter), so it sits below both.
May import: sitegen.model only.
"""
