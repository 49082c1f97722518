"""What a record is labelled as: its badges, and the codes readers filter by.

Badges and filters come from the same validated values and the same labels in
the site configuration, so the index, the record pages, Pagefind and the
offline search can never disagree about what a record is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import SiteConfig
from ..model import Record

# Sections of the guide page (content/pages/guide.md) that explain each badge.
# The link check in tests/engine/test_build.py fails if the guide loses one of them.
GUIDE_ANCHORS = {
    "level": "verification-levels",
    "gate": "verification-gate",
    "tier": "quality-tiers",
    "correction": "corrections",
}


@dataclass(frozen=True, slots=True)
class Badge:
    """One badge on a record: what it is, its value, and what the value means."""

    kind: str  # level | gate | tier | correction
    value: str  # the validated code: L2, verified, doi-grade, retracted
    label: str  # the visible text
    title: str  # what the badge is about, e.g. "Quality tier"
    description: str  # what the value means, from the site configuration
    anchor: str  # the guide section that explains it

    @property
    def browse(self) -> str:
        """The static page listing every record with this value, relative to the site root."""
        return browse_path(BROWSE_KEYS[self.kind], self.value)


# The badge kinds as filter keys: a correction badge filters and browses by correction status.
BROWSE_KEYS = {"level": "level", "gate": "gate", "tier": "tier", "correction": "status"}


def browse_path(key: str, value: str) -> str:
    """Where the browse page for one filter value is, relative to the site root: browse/gate-verified.html."""
    return f"browse/{key}-{value.lower()}.html"


def level_text(code: str, config: SiteConfig) -> str:
    """L2, Source-grounded claims."""
    return f"{code}, {config.levels[code]['label']}"


def badges_for(record: Record, config: SiteConfig) -> tuple[Badge, ...]:
    """The record's badges: level, gate, tier, and the correction status when it is not current."""
    fields = record.fields
    level = fields["verification"]["level"]
    gate = fields["gate"]
    tier = fields["tier"]["tier"]
    gate_name = config.gates.get(gate["gate"], {}).get("name", "")
    badges = [
        Badge("level", level, f"{level} · {config.levels[level]['label']}", "Verification level",
              config.levels[level]["description"], GUIDE_ANCHORS["level"]),
        Badge("gate", gate["status"], f"Gate {gate['gate']}: {config.gate_statuses[gate['status']]['label']}",
              "Gate status", (f"Gate {gate['gate']} is {gate_name}. " if gate_name else "")
              + config.gate_statuses[gate["status"]]["description"], GUIDE_ANCHORS["gate"]),
        Badge("tier", tier, config.tiers[tier]["label"], "Quality tier", config.tiers[tier]["description"],
              GUIDE_ANCHORS["tier"]),
    ]
    status = record.correction_status
    if status != "current":
        badges.append(Badge("correction", status, config.correction_statuses[status]["label"], "Correction status",
                            config.correction_statuses[status]["description"], GUIDE_ANCHORS["correction"]))
    return tuple(badges)


def filter_values(record: Record) -> dict[str, str]:
    """The validated codes a reader filters by; the same names in the page, Pagefind and the fallback."""
    fields = record.fields
    return {"level": fields["verification"]["level"], "gate": fields["gate"]["status"], "tier": fields["tier"]["tier"],
            "status": record.correction_status, "language": record.language}
