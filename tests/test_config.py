"""site.yaml: labels may be reworded, but never so that a page says one status for another."""

from __future__ import annotations

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError, format_text


def config_problems(make_site, site_yaml: str) -> list[str]:
    site = make_site({"site.yaml": site_yaml}, with_layouts=False)
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    return [format_text(d) for d in caught.value.diagnostics]


def test_a_retracted_record_cannot_be_labelled_current(make_site):
    assert config_problems(make_site, """\
        correction_statuses:
          retracted:
            label: Current
            description: No corrections have been published.
        """) == [
        "site.yaml:3:12: error: 'correction_statuses.retracted.label' is 'Current', which names another correction status, "
        "current: a record that is retracted would look like one that is current [config-label]\n"
        "    hint: reword the label of retracted so that it says what retracted means",
        "site.yaml:4:18: error: 'correction_statuses.retracted.description' repeats the description of current: "
        "a record that is retracted would be explained as one that is current [config-description]\n"
        "    hint: describe what retracted means",
    ]


def test_two_statuses_cannot_share_a_label(make_site):
    assert config_problems(make_site, """\
        gate_statuses:
          pending:
            label: "  failed "
        tiers:
          flagship-candidate:
            label: Watch-list
          watchlist:
            label: watch list
        """) == [
        "site.yaml:3:12: error: 'gate_statuses.pending.label' is '  failed ', which names another gate status, failed: "
        "a record whose gate status is pending would look like one whose gate status is failed [config-label]\n"
        "    hint: reword the label of pending so that it says what pending means",
        "site.yaml:6:12: error: 'tiers.flagship-candidate.label' is 'Watch-list', which names another tier, watchlist: "
        "a record in tier flagship-candidate would look like one in tier watchlist [config-label]\n"
        "    hint: reword the label of flagship-candidate so that it says what flagship-candidate means",
    ]


def test_a_label_shared_with_a_default_is_reported_where_it_was_written(make_site):
    assert config_problems(make_site, """\
        levels:
          L4:
            label: Claim aggregate record
        gates:
          3:
            name: Verification (formal proof or sandbox reproduction)
        """) == [
        "site.yaml:3:12: error: 'levels.L4.label' is 'Claim aggregate record', the label of L3 too: a record at level L4 "
        "would look like one at level L3 [config-label]\n"
        "    hint: give each level a label of its own; labels may be reworded, not shared",
        "site.yaml:6:11: error: 'gates.3.name' is 'Verification (formal proof or sandbox reproduction)', the label of 2 too: "
        "a record at gate 3 would look like one at gate 2 [config-label]\n"
        "    hint: give each gate a label of its own; labels may be reworded, not shared",
    ]


def test_every_status_keeps_a_label_and_a_description(make_site):
    assert config_problems(make_site, """\
        correction_statuses:
          withdrawn:
            label: " "
            description: "   "
        """) == [
        "site.yaml:3:12: error: 'correction_statuses.withdrawn.label' is blank: readers see it on the badge of every "
        "record that is withdrawn [config-label]\n"
        "    hint: write a short label that says what withdrawn means",
        "site.yaml:4:18: error: 'correction_statuses.withdrawn.description' is blank: readers are shown it to explain "
        "what withdrawn means [config-description]\n"
        "    hint: describe what withdrawn means",
    ]


def test_of_two_equal_descriptions_written_the_later_is_reported(make_site):
    assert config_problems(make_site, """\
        gate_statuses:
          failed:
            description: Not yet decided.
          pending:
            description: not yet  decided.
        """) == [
        "site.yaml:5:18: error: 'gate_statuses.pending.description' repeats the description of failed: a record whose "
        "gate status is pending would be explained as one whose gate status is failed [config-description]\n"
        "    hint: describe what pending means",
    ]


def test_labels_and_descriptions_may_be_reworded(make_site):
    site = make_site({"site.yaml": """\
        correction_statuses:
          retracted:
            label: Retracted by the registry
            description: Do not rely on this record; it stays online so that citations resolve.
          current:
            label: Up to date
        levels:
          L1:
            label: Sources retrieved
        """}, with_layouts=False)
    config = load_config(site)
    assert config.correction_statuses["retracted"]["label"] == "Retracted by the registry"
    assert config.correction_statuses["current"]["label"] == "Up to date"
