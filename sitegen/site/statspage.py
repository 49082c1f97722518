"""The statistics page (statistics.html) and its charts (statistics/<name>.svg), as site-wide files.

Each chart is a static SVG image made at build time (site/charts.py) and
shown with <img> and alt text, so the page needs no script and works from
disk; under each, a table gives the same numbers, for screen readers and for
whoever wants them exactly. A chart with nothing to show (no corrections yet)
is not drawn: its section says so instead.

Every file is a PagePlan keyed by exactly the numbers it shows (and, for the
images, the charting library's version), so a build where the counts did not
change links the previous files instead of drawing them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import PurePosixPath
from typing import Any, Callable, Sequence

from ..config import SiteConfig
from ..model import Page, PagePlan, Record, plan_key
from . import charts
from .render import SiteInfo, page_head, render_template, template_env
from .stats import Distribution, Grain, Statistics, count_records

STATISTICS = "statistics.html"
CHART_FOLDER = "statistics"


@dataclass(frozen=True, slots=True)
class Table:
    """A chart's numbers as a table: a caption, column headings, and rows headed by their first cell."""

    caption: str
    columns: tuple[str, ...]  # the first heads the rows
    rows: tuple[tuple[str, tuple[str, ...]], ...]  # (row heading, the other cells)


@dataclass(frozen=True, slots=True)
class Figure:
    """One chart of the page: its section, its image (when there is something to draw) and its table."""

    name: str  # the section's id and the image's file name: records-over-time
    title: str
    lede: str  # a sentence on what is counted and how
    alt: str  # the image's alt text: what it shows, in words
    height: int  # of the image, in px at its full width (charts.WIDTH)
    table: Table
    draw: Callable[[], str] | None  # makes the SVG; None when there is nothing to draw
    shows: object  # the numbers the image is drawn from, for its plan's key

    @property
    def src(self) -> str:
        """The image's path from the site root."""
        return f"{CHART_FOLDER}/{self.name}.svg"


def _period_heading(grain: Grain) -> str:
    return grain.capitalize()


def _by(grain: Grain) -> str:
    return {"month": "per month", "quarter": "per quarter", "year": "per year"}[grain]


def _records(count: int) -> str:
    return f"{count:,} record{'' if count == 1 else 's'}"


def _percent(count: int, total: int) -> str:
    """A share in whole percent; a share too small to round to 1% is not shown as none."""
    if not total:
        return "–"
    share = round(100 * count / total)
    return "<1%" if count and not share else f"{share}%"


def _distribution_figure(name: str, distribution: Distribution, noun: str) -> Figure:
    shares = distribution.shares
    total = sum(share.count for share in shares)
    alt = (f"Bar chart of records by {noun}: " + "; ".join(f"{share.label}, {share.count:,}" for share in shares)
           + ".")
    rows = tuple((share.label, (f"{share.count:,}", _percent(share.count, total))) for share in shares)
    return Figure(name, f"Records by {noun}", f"Every {noun} the site defines, with how many records have it now.",
                  alt, charts.distribution_height(len(shares)),
                  Table(f"Records by {noun}", (distribution.title, "Records", "Share"), rows),
                  (lambda: charts.distribution_svg(distribution, alt)) if total else None, distribution)


def _growth_figure(stats: Statistics) -> Figure:
    gates, growth = stats.gates.shares, stats.growth
    heading = _period_heading(stats.growth_grain)
    alt = "Line chart of records submitted over time, one line per gate status"
    if growth:
        last = growth[-1]
        alt += (f", {growth[0].period.label} to {last.period.label}; by {last.period.label}: "
                + ", ".join(f"{total:,} {share.label.lower()}" for share, total in zip(gates, last.totals)) + ".")
    else:
        alt += "."
    rows = tuple((point.period.label, (*(f"{total:,}" for total in point.totals), f"{sum(point.totals):,}"))
                 for point in growth)
    return Figure("records-over-time", "Records over time by gate status",
                  f"How many records had been submitted by the end of each {stats.growth_grain}, each counted "
                  "under its gate status today.", alt, charts.GROWTH_HEIGHT,
                  Table(f"Records submitted up to the end of each {stats.growth_grain}, by gate status",
                        (heading, *(share.label for share in gates), "All"), rows),
                  (lambda: charts.growth_svg(growth, stats.gates, alt)) if growth else None, (growth, stats.gates))


def _corrections_figure(stats: Statistics) -> Figure:
    counts = stats.corrections_by_period
    alt = f"Column chart of correction entries {_by(stats.corrections_grain)}"
    if counts:
        busiest = max(counts, key=lambda item: item.count)  # the first of the busiest, by date
        alt += (f", {counts[0].period.label} to {counts[-1].period.label}: {stats.corrections:,} in all, "
                f"the most in {busiest.period.label} ({busiest.count:,}).")
    else:
        alt += "."
    rows = tuple((item.period.label, (f"{item.count:,}",)) for item in counts)
    return Figure("corrections", f"Corrections {_by(stats.corrections_grain)}",
                  f"Correction entries (corrections, expressions of concern, retractions, withdrawals) by the "
                  f"{stats.corrections_grain} they are dated.", alt, charts.PER_PERIOD_HEIGHT,
                  Table(f"Correction entries {_by(stats.corrections_grain)}",
                        (_period_heading(stats.corrections_grain), "Entries"), rows),
                  (lambda: charts.per_period_svg(counts, alt)) if counts else None, counts)


def figures(stats: Statistics) -> list[Figure]:
    """The page's charts, in the order shown."""
    return [
        _growth_figure(stats),
        _distribution_figure("verification-levels", stats.levels, "verification level"),
        _distribution_figure("quality-tiers", stats.tiers, "quality tier"),
        _distribution_figure("correction-statuses", stats.statuses, "correction status"),
        _corrections_figure(stats),
    ]


def context_for_statistics(stats: Statistics, shown: Sequence[Figure], site: SiteInfo) -> dict[str, Any]:
    """statistics.html: the totals, and each chart with its image (or none) and its table."""
    return {
        "site": site,
        "page": page_head("Statistics", f"The registry in numbers: {_records(stats.records)} by gate status over "
                          "time, verification level, quality tier and correction status, and corrections over time.",
                          STATISTICS, site, ""),
        "totals": {"records": stats.records, "corrections": stats.corrections},
        "charts": [{"name": f.name, "title": f.title, "lede": f.lede,
                    "image": {"src": f.src, "alt": f.alt, "width": charts.WIDTH, "height": f.height} if f.draw else None,
                    "table": {"caption": f.table.caption, "columns": f.table.columns,
                              "rows": [{"head": head, "cells": cells} for head, cells in f.table.rows]}}
                   for f in shown],
    }


def statistics_plans(records: Sequence[Record], config: SiteConfig, site: SiteInfo) -> list[PagePlan]:
    """The page and each chart drawn, not yet made, each keyed by the numbers it shows."""
    stats = count_records(records, config)
    shown = figures(stats)
    env = template_env(*config.layout_folders)

    def make_page() -> bytes:
        return render_template(env, "statistics.html", context_for_statistics(stats, shown, site)).encode("utf-8")

    # The site-wide facts (site, layouts, configuration, sitegen's own code) are in the build's environment key,
    # which every key joins; leather's version is not, so the images' keys hold it.
    drawn_by = f"leather {metadata.version('leather')}"
    plans = [PagePlan(PurePosixPath(STATISTICS), plan_key("statistics", stats), make_page, "the statistics page")]
    plans += [PagePlan(PurePosixPath(f.src), plan_key("chart", f.name, drawn_by, f.shows, f.alt),
                       lambda draw=f.draw: draw().encode("utf-8"), "the statistics page")
              for f in shown if f.draw is not None]
    return plans


def statistics_pages(records: Sequence[Record], config: SiteConfig, site: SiteInfo) -> list[Page]:
    """statistics_plans' files, made (sitegen check renders them once)."""
    return [plan.page() for plan in statistics_plans(records, config, site)]
