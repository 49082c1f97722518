"""Small helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path

from sitegen.engine.pipeline import check
from sitegen.config import load_config
from sitegen.errors import format_text


def check_site(site: Path) -> list[str]:
    """Every diagnostic of a site as its formatted first line."""
    result = check(load_config(site))
    return [format_text(d).split("\n")[0] for d in result.diagnostics]
