"""The statistics page: its numbers against counts made here from the record files themselves, its charts as
safe, deterministic SVG, and the few-record and long-range cases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import leather
import pytest
import yaml
from conftest import VALID_RECORD, record_with
from helpers import basic_site

from sitegen.config import load_config
from sitegen.engine.pipeline import build, check
from sitegen.site.render import site_info
from sitegen.site.stats import count_records, grain_for, period_of
from sitegen.site.statspage import statistics_plans

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
SVG = "{http://www.w3.org/2000/svg}"


class _Page(HTMLParser):
    """The statistics page's tables (caption -> rows of cells), images and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[dict[str, str]] = []
        self.scripts = 0
        self.row_heads: list[str] = []  # the scope of each th, in order
        self._caption: str | None = None
        self._text: list[str] | None = None
        self._rows: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts += 1
        elif tag == "img" and attributes.get("class") == "stat-chart":
            self.images.append(attributes)
        elif tag == "table":
            self._rows = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("caption", "th", "td"):
            self._text = []
            if tag == "th":
                self.row_heads.append(attributes.get("scope", ""))

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._text is not None:
            self._caption, self._text = "".join(self._text).strip(), None
        elif tag in ("th", "td") and self._text is not None:
            self._rows[-1].append("".join(self._text).strip())
            self._text = None
        elif tag == "table":
            assert self._caption, "every table has a caption"
            self.tables[self._caption] = self._rows
            self._caption = None


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def front_matter(path: Path) -> dict:
    """A record file's front matter, read here with PyYAML, apart from sitegen's own loader."""
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("\n---\n", 1)[0].removeprefix("---\n"))


def body(rows: list[list[str]]) -> dict[str, list[str]]:
    """A table's rows under its heading row, by their first cell."""
    return {row[0]: row[1:] for row in rows[1:]}


@pytest.fixture(scope="module")
def basic_built(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("statistics")
    site = basic_site(base / "site")
    assert build(load_config(site, output_dir=base / "out"), search=False).ok
    return site, base / "out"


def test_the_tables_hold_the_counts_of_the_record_files(basic_built):
    site, out = basic_built
    config = load_config(site)
    records = [front_matter(path) for path in sorted((site / "content" / "records").glob("*.md"))]
    page = parse_page(out / "statistics.html")

    levels = Counter(r["verification"]["level"] for r in records)
    assert body(page.tables["Records by verification level"]) == {
        f"{code} · {meta['label']}": [str(levels[code]), f"{round(100 * levels[code] / len(records))}%"]
        for code, meta in config.levels.items()}
    tiers = Counter(r["tier"]["tier"] for r in records)
    assert {label: cells[0] for label, cells in body(page.tables["Records by quality tier"]).items()} == {
        meta["label"]: str(tiers[code]) for code, meta in config.tiers.items()}
    statuses = Counter(r["corrections"]["status"] for r in records)
    assert {label: cells[0] for label, cells in body(page.tables["Records by correction status"]).items()} == {
        meta["label"]: str(statuses[code]) for code, meta in config.correction_statuses.items()}

    # Growth: at the end of each month from the first submission's to the last's, the records submitted so far.
    months = sorted({(r["submitted"].year, r["submitted"].month) for r in records})
    growth = body(page.tables["Records submitted up to the end of each month, by gate status"])
    assert list(growth) == [f"{MONTHS[m - 1]} {y}" for y, m in months]
    for year, month in months:
        upto = [r for r in records if (r["submitted"].year, r["submitted"].month) <= (year, month)]
        by_gate = Counter(r["gate"]["status"] for r in upto)
        assert growth[f"{MONTHS[month - 1]} {year}"] == [*(str(by_gate[code]) for code in config.gate_statuses),
                                                         str(len(upto))]
    assert page.tables["Records submitted up to the end of each month, by gate status"][0][1:] == \
        [*(meta["label"] for meta in config.gate_statuses.values()), "All"]

    entries = [dt.date.fromisoformat(str(e["date"])) for r in records for e in r["corrections"]["entries"]]
    by_month = Counter((d.year, d.month) for d in entries)
    assert entries and body(page.tables["Correction entries per month"]) == {
        f"{MONTHS[m - 1]} {y}": [str(by_month[(y, m)])] for y, m in sorted(by_month)}
    assert f"{len(records)} records and {len(entries)} correction entries" in (out / "statistics.html").read_text()


def test_every_chart_is_an_image_with_alt_text_and_a_table_with_headers(basic_built):
    _site, out = basic_built
    page = parse_page(out / "statistics.html")
    assert [image["src"] for image in page.images] == [
        "statistics/records-over-time.svg", "statistics/verification-levels.svg", "statistics/quality-tiers.svg",
        "statistics/correction-statuses.svg", "statistics/corrections.svg"]
    for image in page.images:
        assert (out / image["src"]).is_file() and len(image["alt"]) > 40
    assert len(page.tables) == 5
    assert set(page.row_heads) == {"col", "row"}
    assert page.scripts == 0


def test_the_charts_are_svg_with_nothing_that_runs_or_loads(basic_built):
    _site, out = basic_built
    for path in sorted((out / "statistics").glob("*.svg")):
        root = ET.fromstring(path.read_bytes())  # well-formed XML
        assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("viewBox")
        assert root.find(f"{SVG}title").text == root.get("aria-label")
        for element in root.iter():
            assert element.tag not in (f"{SVG}script", f"{SVG}foreignObject", f"{SVG}a", f"{SVG}image"), path.name
            assert not any(name.startswith("on") or name.endswith("href") for name in element.attrib), path.name
        # Coordinates are rounded: no float noise, which would differ between machines.
        assert not any(len(value.split(".")[-1]) > 1 for element in root.iter() for name, value in element.attrib.items()
                       if name in ("x", "y", "width", "height") and "." in value), path.name


def test_a_rebuild_makes_the_same_bytes(basic_built, tmp_path):
    site, out = basic_built
    again = tmp_path / "again"
    assert build(load_config(site, output_dir=again), search=False, use_cache=False).ok
    names = ["statistics.html", *(f"statistics/{p.name}" for p in (out / "statistics").glob("*.svg"))]
    assert len(names) == 6
    assert all((again / name).read_bytes() == (out / name).read_bytes() for name in names)


def test_drawing_a_chart_leaves_leathers_theme_as_it_was(basic_built):
    site, _out = basic_built
    before = {name: getattr(leather.theme, name) for name in dir(leather.theme) if not name.startswith("_")}
    config = load_config(site)
    result = check(config)
    for plan in statistics_plans(result.records, config, site_info(config, result.pages)):
        plan.page()
    assert {name: getattr(leather.theme, name) for name in before} == before


def test_one_record_without_corrections_has_a_page_without_a_corrections_chart(make_site, tmp_path):
    site = make_site({"content/records/one.md": VALID_RECORD})
    out = tmp_path / "out"
    assert build(load_config(site, output_dir=out), search=False).ok
    page = parse_page(out / "statistics.html")
    assert body(page.tables["Records submitted up to the end of each month, by gate status"]) == {
        "July 2026": ["0", "1", "0", "0", "1"]}
    assert "Correction entries per month" not in page.tables
    assert not (out / "statistics" / "corrections.svg").exists()
    assert len(page.images) == 4
    assert "Nothing to show yet." in (out / "statistics.html").read_text()


def test_an_empty_registry_has_a_page_and_no_chart(make_site, tmp_path):
    site = make_site()
    out = tmp_path / "out"
    assert build(load_config(site, output_dir=out), search=False).ok
    page = parse_page(out / "statistics.html")
    assert page.images == [] and not (out / "statistics").exists()
    assert body(page.tables["Records by quality tier"]) == {
        "DOI grade": ["0", "–"], "Flagship candidate": ["0", "–"], "Watchlist": ["0", "–"]}


def test_long_ranges_are_counted_by_quarter_then_by_year():
    assert [grain_for(months) for months in (1, 120, 121, 480, 481)] == ["month", "month", "quarter", "quarter", "year"]
    assert period_of(2026 * 12 + 4, "quarter").label == "2026 Q2"
    assert period_of(2026 * 12 + 4, "year").short == "2026"


def _spread(records, config, first: dt.date, days: int, count: int):
    """count copies of a record submitted every `days` days from first, each with one correction a week later."""
    (record,) = records
    copies = []
    for n in range(count):
        day = first + dt.timedelta(days=days * n)
        corrections = dict(record.fields["corrections"], status="corrected",
                           entries=[{"id": "C1", "date": (day + dt.timedelta(days=7)).isoformat()}])
        copies.append(dataclasses.replace(record, slug=f"r{n}", submitted=day,
                                          fields=dict(record.fields, corrections=corrections)))
    return count_records(copies, config)


def test_thousands_of_records_over_years_keep_a_readable_number_of_periods(make_site):
    site = make_site({"content/records/one.md": VALID_RECORD})
    config = load_config(site)
    records = check(config).records
    stats = _spread(records, config, dt.date(2014, 1, 1), 2, 2500)  # 2,500 records over almost 14 years: by quarter
    last = dt.date(2014, 1, 1) + dt.timedelta(days=2 * 2499)
    assert stats.growth_grain == "quarter" and [g.period.label for g in stats.growth][:2] == ["2014 Q1", "2014 Q2"]
    assert len(stats.growth) == (last.year - 2014) * 4 + (last.month - 1) // 3 + 1
    assert sum(stats.growth[-1].totals) == 2500
    assert stats.corrections == 2500 and sum(p.count for p in stats.corrections_by_period) == 2500
    stats = _spread(records, config, dt.date(1980, 1, 1), 7, 2500)  # almost 48 years: by year
    assert stats.growth_grain == "year" and [g.period.label for g in stats.growth][:2] == ["1980", "1981"]
    stats = _spread(records, config, dt.date(2020, 2, 1), 10, 150)  # about four years: by month
    assert stats.growth_grain == "month" and stats.growth[0].period.label == "February 2020"
    assert len(stats.growth) == 50 and stats.corrections_grain == "month"  # February 2020 to March 2024
    assert [sum(g.totals) for g in stats.growth] == sorted(sum(g.totals) for g in stats.growth)
    assert stats.statuses.shares[1].count == 150


def test_the_charts_keys_follow_the_counts_not_the_texts(make_site):
    site = make_site({"content/records/one.md": VALID_RECORD,
                      "content/records/two.md": record_with("id: SRCH:0000AAAA", "id: SRCH:0000AAAB")})
    config = load_config(site)
    result = check(config)
    info = site_info(config, result.pages)

    def keys(records):
        return {plan.out_path.as_posix(): plan.key for plan in statistics_plans(records, config, info)}

    first = keys(result.records)
    retitled = [dataclasses.replace(result.records[0], title="Another title"), result.records[1]]
    assert keys(retitled) == first
    fields = dict(result.records[0].fields, tier={"tier": "doi-grade"})
    moved = keys([dataclasses.replace(result.records[0], fields=fields), result.records[1]])
    assert {path for path in first if moved[path] != first[path]} == {"statistics.html", "statistics/quality-tiers.svg"}
