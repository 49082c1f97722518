"""The statistics page's charts as static SVG documents, drawn with leather at build time.

leather because it is small, pure Python and draws SVG only: nothing runs in
the reader's browser, and nothing it needs is heavier than the generator.
(pygal writes script into its charts and random ids; matplotlib is a large
dependency whose SVG carries a date, metadata and random ids of its own.)

What leather gives is made fit for a site that rebuilds byte for byte:
- its style is module state (leather.theme), read while a chart is drawn, so
  the site's look is set only for the drawing and put back after;
- its coordinates are Decimals and floats at full precision, rounded here to
  a tenth of a unit, which no screen shows and no two machines write apart;
- the document is written here, with a title, role="img" and a viewBox, and
  nothing that could run (no script, no link, no external font).
Axes are a scale of our own (Span): counts are whole numbers, so they run from
0 to a round top in whole steps, never leather's 2.5, and a time axis ends at
the last period, not at leather's next round number.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from typing import Iterator, Sequence

import leather

from .stats import Distribution, Growth, PeriodCount
from .svgbadge import PALETTE, SVG_NS

WIDTH = 720  # the page's content column; the image scales down with it
_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif'
# assets/site.css, light scheme: surface, text, muted text, borders.
_SURFACE, _TEXT, _MUTED, _BORDER = "#ffffff", "#1a1f26", "#555f6b", "#d9dee5"
_LOOK = {
    "background_color": _SURFACE, "margin": 0.045,  # room for the last label of a time axis, centred on its end
    "title_color": _TEXT, "title_font_family": _FONT,
    "legend_color": _TEXT, "legend_font_family": _FONT, "legend_font_size": 13, "legend_font_char_height": 13,
    "legend_font_char_width": 7,
    "axis_title_color": _MUTED, "axis_title_font_family": _FONT, "axis_title_font_size": 13,
    "axis_title_font_char_height": 13, "axis_title_font_char_width": 7,
    "tick_color": _BORDER, "zero_color": _MUTED, "label_color": _MUTED, "tick_font_family": _FONT,
    "tick_font_size": 13, "tick_font_char_height": 13, "tick_font_char_width": 7,
}
_AXIS_LABELS = 8  # at most this many labels on a time axis: more would overlap
_BAR_HEIGHT = 34  # px per bar of a distribution
GROWTH_HEIGHT = 340
PER_PERIOD_HEIGHT = 300
# Lines are told apart by their dashes as well as their colours.
_DASHES = ("none", "8 4", "2 3", "10 3 2 3")
_GEOMETRY = frozenset({"x", "y", "x1", "y1", "x2", "y2", "width", "height", "d", "cx", "cy", "r"})
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def ink(tone: str) -> str:
    """The darker colour of a badge tone's pair (site/svgbadge.py PALETTE), which reads on the chart's white."""
    return min(PALETTE[tone], key=_luminance)


def _luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


class Span(leather.Scale):
    """An axis from 0 to top exactly, with the ticks given: leather's Linear rounds its ends out to ticks of its
    choosing (a 36-period axis would run to 40, and counts would have ticks at 2.5)."""

    def __init__(self, top: int, ticks: Sequence[int]):
        self.top, self._ticks = max(top, 1), list(ticks)

    def contains(self, v: object) -> bool:
        return 0 <= v <= self.top  # type: ignore[operator]

    def project(self, value: object, range_min: float, range_max: float) -> float:
        return float(range_min) + (float(range_max) - float(range_min)) * float(value) / self.top  # type: ignore[arg-type]

    def project_interval(self, value: object, range_min: float, range_max: float) -> tuple[float, float]:
        point = self.project(value, range_min, range_max)
        return point, point

    def ticks(self) -> list[int]:
        return self._ticks

    def format_tick(self, value: object, i: int, count: int) -> str:
        return f"{int(value):,}"  # type: ignore[call-overload]


def count_scale(largest: int, steps: int = 5) -> Span:
    """A value axis for counts: from 0 to a round top, in at most `steps` whole steps of 1, 2, 5, 10, 20, ..."""
    rank, step = 0, 1
    while math.ceil(largest / step) > steps:
        rank += 1
        step = (1, 2, 5)[rank % 3] * 10 ** (rank // 3)
    top = max(step, math.ceil(largest / step) * step)
    return Span(top, range(0, top + 1, step))


@contextmanager
def _site_look() -> Iterator[None]:
    """leather's theme set to the site's look while a chart is drawn, and put back after."""
    saved = {name: getattr(leather.theme, name) for name in _LOOK}
    try:
        for name, value in _LOOK.items():
            setattr(leather.theme, name, value)
        yield
    finally:
        for name, value in saved.items():
            setattr(leather.theme, name, value)


def _rounded(value: str) -> str:
    """Every number in a geometry attribute to a tenth, without trailing zeros: 12.3, 40, -0 as 0."""
    def short(match: re.Match[str]) -> str:
        text = f"{float(match.group()):.1f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text

    return _NUMBER.sub(short, value)


def _document(chart: leather.Chart, height: int, label: str) -> str:
    """The chart as a complete SVG document: titled, scalable, rounded."""
    with _site_look():
        group = chart.to_svg_group(WIDTH, height)
    for element in group.iter():
        for name, value in list(element.attrib.items()):
            if name in _GEOMETRY:
                element.set(name, _rounded(value))
            elif name == "font-family":
                del element.attrib[name]  # said once, on the document, instead of on every label
    root = ET.Element("svg", {"xmlns": SVG_NS, "width": str(WIDTH), "height": str(height),
                              "viewBox": f"0 0 {WIDTH} {height}", "role": "img", "aria-label": label,
                              "font-family": _FONT})
    title = ET.SubElement(root, "title")
    title.text = label
    root.append(group)
    return ET.tostring(root, encoding="unicode") + "\n"


def _every(count: int) -> int:
    """Label every this-many points of a time axis, so that at most _AXIS_LABELS labels show."""
    return max(1, math.ceil(count / _AXIS_LABELS))


def distribution_height(bars: int) -> int:
    """How tall a distribution's chart is: a row per bar, and the axis."""
    return 40 + _BAR_HEIGHT * bars


def distribution_svg(distribution: Distribution, label: str) -> str:
    """Horizontal bars, one per configured value, in the configured order from the top, each in its badge's colour."""
    shares = distribution.shares
    colours = {share.label: ink(share.tone) for share in shares}
    chart = leather.Chart()
    chart.set_y_scale(leather.Ordinal([share.label for share in reversed(shares)]))
    chart.set_x_scale(count_scale(max(share.count for share in shares)))
    chart.add_bars([(share.count, share.label) for share in shares], name=distribution.title,
                   fill_color=lambda d: colours[d.y])
    return _document(chart, distribution_height(len(shares)), label)


def growth_svg(growth: Sequence[Growth], gates: Distribution, label: str) -> str:
    """A line per gate status: records submitted up to each period, from zero just before the first."""
    chart = leather.Chart()
    count = len(growth)
    every = _every(count)
    chart.set_x_scale(Span(count, list(range(count, 0, -every))[::-1]))  # the latest period is always labelled
    shorts = {index + 1: point.period.short for index, point in enumerate(growth)}
    chart.add_x_axis(tick_formatter=lambda value, i, n: shorts[int(value)])
    chart.set_y_scale(count_scale(max((max(point.totals) for point in growth), default=0)))
    for index, share in enumerate(gates.shares):
        points = [(0, 0)] + [(position + 1, point.totals[index]) for position, point in enumerate(growth)]
        chart.add_line(points, name=share.label, stroke_color=ink(share.tone), width=2.5,
                       stroke_dasharray=_DASHES[index % len(_DASHES)])
    return _document(chart, GROWTH_HEIGHT, label)


def per_period_svg(counts: Sequence[PeriodCount], label: str) -> str:
    """A column per period, every period shown, some labelled on the axis."""
    chart = leather.Chart()
    shorts = [item.period.short for item in counts]
    every = _every(len(shorts))
    chart.set_x_scale(leather.Ordinal(shorts))
    chart.add_x_axis(ticks=shorts[len(shorts) - 1::-every][::-1])
    chart.set_y_scale(count_scale(max(item.count for item in counts)))
    chart.add_columns([(item.period.short, item.count) for item in counts], fill_color=ink("level"))
    return _document(chart, PER_PERIOD_HEIGHT, label)
