"""The registry in numbers, for the statistics page: how many records have each value, and when they came.

Counted in one pass over the records the build holds (light ones: their
bodies and page-only fields stay in the workers), so what is kept grows with
the number of values and months, never with the number of records. Every
label comes from the site configuration, in its order, and every configured
value is counted, with none too, so a chart's bars stay where they were when
a value first appears.

Time runs in periods: months, or quarters or years once a range is too long
for a month's column to be read (more than MAX_MONTHS months: ten years), so the charts
and their tables stay readable from the first record to the ten-thousandth.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Literal

from ..config import SiteConfig
from ..model import Record
from .badges import filter_values
from .browse import FACETS, Facet, value_label
from .render import MONTH_NAMES  # English whatever the locale, as human_date writes dates
from .svgbadge import TONES

Grain = Literal["month", "quarter", "year"]
MAX_MONTHS = 120  # ten years of months (a bar of 5 px in the page's column); a longer range is counted by quarter
MAX_QUARTERS = 160  # and one longer than forty years by year
_MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, slots=True)
class Share:
    """One value of a facet and how many records have it."""

    code: str  # the validated value: L2, verified, doi-grade, retracted
    label: str  # from the site configuration (levels as "L2 · Source-grounded claims")
    count: int
    tone: str  # the badges' colour for this value (site/svgbadge.py PALETTE)


@dataclass(frozen=True, slots=True)
class Distribution:
    """How the records spread over one facet's values, in the configured order."""

    key: str  # the facet: level | gate | tier | status
    title: str  # "Verification level"
    shares: tuple[Share, ...]


@dataclass(frozen=True, slots=True)
class Period:
    """A month, quarter or year on a time axis."""

    start: dt.date  # its first day
    label: str  # in words, for tables and alt text: "March 2026", "2026 Q1", "2026"
    short: str  # on an axis: "Mar 2026", "Q1 2026", "2026"


@dataclass(frozen=True, slots=True)
class Growth:
    """Records submitted up to the end of one period, by gate status (cumulative)."""

    period: Period
    totals: tuple[int, ...]  # one per value of Statistics.gates, in its order


@dataclass(frozen=True, slots=True)
class PeriodCount:
    """How many of something fell in one period."""

    period: Period
    count: int


@dataclass(frozen=True, slots=True)
class Statistics:
    """Everything the statistics page shows, counted from the records."""

    records: int
    corrections: int  # correction entries across every record
    levels: Distribution
    gates: Distribution
    tiers: Distribution
    statuses: Distribution
    growth_grain: Grain  # how growth is counted: by month, quarter or year
    growth: tuple[Growth, ...]  # from the first record's period to the last one's, every period listed
    corrections_grain: Grain
    corrections_by_period: tuple[PeriodCount, ...]  # from the first entry's period to the last one's


def _month(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def grain_for(months: int) -> Grain:
    """The coarsest grain a range of this many months needs to keep its columns readable."""
    return "month" if months <= MAX_MONTHS else "quarter" if months <= 3 * MAX_QUARTERS else "year"


def period_of(month: int, grain: Grain) -> Period:
    """The period of the given grain holding a month (counted as year * 12 + month - 1)."""
    year, index = divmod(month, 12)
    if grain == "year":
        return Period(dt.date(year, 1, 1), str(year), str(year))
    if grain == "quarter":
        quarter = index // 3 + 1
        return Period(dt.date(year, 3 * quarter - 2, 1), f"{year} Q{quarter}", f"Q{quarter} {year}")
    return Period(dt.date(year, index + 1, 1), f"{MONTH_NAMES[index]} {year}", f"{MONTH_NAMES[index][:3]} {year}")


def _periods(months: Iterable[int], grain: Grain) -> list[tuple[int, Period]]:
    """Every period from the first month's to the last's, each with its last month (in the same counting)."""
    months = sorted(months)
    if not months:
        return []
    step = _MONTHS_IN[grain]
    first = months[0] - (months[0] % step)
    return [(start + step - 1, period_of(start, grain)) for start in range(first, months[-1] + 1, step)]


def _distribution(facet: Facet, counts: Counter[str], config: SiteConfig) -> Distribution:
    tones = TONES.get(facet.key, {})
    return Distribution(facet.key, facet.title, tuple(
        Share(code, value_label(facet, code, config), counts[code], tones.get(code, "level" if facet.key == "level" else "neutral"))
        for code in facet.labels(config)))


def count_records(records: Iterable[Record], config: SiteConfig) -> Statistics:
    """The statistics of these records, in one pass that keeps only counters."""
    by_facet: dict[str, Counter[str]] = {facet.key: Counter() for facet in FACETS}
    submitted: Counter[tuple[int, str]] = Counter()  # (month, gate status) -> records submitted then
    corrected: Counter[int] = Counter()  # month -> correction entries dated then
    total = 0
    for record in records:
        total += 1
        codes = filter_values(record)  # the same codes the badges and browse pages show
        for key, counts in by_facet.items():
            counts[codes[key]] += 1
        submitted[_month(record.submitted), codes["gate"]] += 1
        for entry in record.fields["corrections"]["entries"]:
            corrected[_month(dt.date.fromisoformat(entry["date"]))] += 1
    distributions = {facet.key: _distribution(facet, by_facet[facet.key], config) for facet in FACETS}
    gates = [share.code for share in distributions["gate"].shares]
    months = {month for month, _gate in submitted}
    growth_grain = grain_for(max(months) - min(months) + 1 if months else 0)
    growth: list[Growth] = []
    running: Counter[str] = Counter()
    by_month = sorted(submitted.items())
    position = 0
    for last, period in _periods(months, growth_grain):
        while position < len(by_month) and by_month[position][0][0] <= last:
            (_month_index, gate), count = by_month[position]
            running[gate] += count
            position += 1
        growth.append(Growth(period, tuple(running[gate] for gate in gates)))
    corrections_grain = grain_for(max(corrected) - min(corrected) + 1 if corrected else 0)
    per_period: Counter[Period] = Counter()
    step = _MONTHS_IN[corrections_grain]
    for month, count in corrected.items():
        per_period[period_of(month - month % step, corrections_grain)] += count
    return Statistics(
        records=total, corrections=sum(corrected.values()),
        levels=distributions["level"], gates=distributions["gate"], tiers=distributions["tier"],
        statuses=distributions["status"], growth_grain=growth_grain, growth=tuple(growth),
        corrections_grain=corrections_grain,
        corrections_by_period=tuple(PeriodCount(period, per_period[period])
                                    for _last, period in _periods(corrected, corrections_grain)))
