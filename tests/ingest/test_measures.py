"""Figures judged against their catalogue entry: allowed units, counts whole, within bounds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from danvan.ingest.landing.measures import MeasureError, Measures
from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values.numbers import ParsedNumber
from danvan.settings import Settings

REFERENCE = ReferenceData.from_seeds(Settings().reference_seeds_dir)
MEASURES = Measures(REFERENCE.catalogue, REFERENCE.units)


def _measure(code: str, value: object, unit: str | None = None, list_name: str = "indicator"):
    text = value if isinstance(value, str) else str(value)
    return MEASURES.canonical(MEASURES.rule(list_name, code), MEASURES.sent(value, text, unit))


@pytest.mark.parametrize(
    ("value", "unit", "expected", "unit_sent"),
    [
        ("300 lượt", None, 300, "occasion"),
        ("300", "lượt", 300, "occasion"),
        ("12 buổi", None, 12, "occasion"),
        ("hơn 300 lượt tuần tra", None, 300, "patrol"),
        ("1 200", None, 1200, None),
    ],
)
def test_patrols_are_counted_in_lượt(value, unit, expected, unit_sent):
    # GIVEN a number of patrols as communes write it: "lượt" is the counter of patrols
    # WHEN it is measured for the indicator patrols
    measured = _measure("patrols", value, unit)
    # THEN it is that many patrols, and the unit written is kept
    assert (measured.value, measured.unit, measured.unit_sent) == (
        Decimal(expected),
        "patrol",
        unit_sent,
    )


def test_a_counter_word_is_refused_where_the_indicator_does_not_list_it():
    # GIVEN "lượt" for an indicator counting bridges WHEN measured THEN the unit is refused
    with pytest.raises(MeasureError) as caught:
        _measure("bridges_built", "5 lượt")
    assert caught.value.code == "unit_not_allowed"
    assert "cây cầu" in caught.value.reason_vi


@pytest.mark.parametrize(
    ("code", "value", "unit"),
    [
        ("cases_detected", "2.5", None),
        ("cases_detected", "2,5", None),
        ("cases_detected", 2.5, None),
        ("cases_detected", "2,5 vụ", None),
        ("patrols", "2,5", "lượt"),
        ("households_helped", "khoảng 12,5", None),
        ("houses_built", "1,5 căn", None),
    ],
)
def test_a_fraction_of_a_counted_thing_is_refused(code, value, unit):
    # GIVEN a non-integer where an indicator counts things
    # WHEN it is measured
    with pytest.raises(MeasureError) as caught:
        _measure(code, value, unit)
    # THEN it is refused as not whole, with the reason in both languages
    assert caught.value.code == "not_whole"
    assert "not a whole number" in caught.value.reason_en
    assert "không phải số nguyên" in caught.value.reason_vi


def test_a_fraction_is_kept_where_the_indicator_measures():
    # GIVEN 2,5 km of canal and 1,5 ha WHEN measured THEN the fractions are kept, converted
    assert _measure("canals_built_km", "2,5").value == Decimal("2.5")
    assert _measure("land_donated_m2", "1,5 ha").value == Decimal(15000)
    assert REFERENCE.units.parse_number("2,5") == ParsedNumber(Decimal("2.5"), None)


@pytest.mark.parametrize(
    ("activity", "value", "expected", "unit"),
    [
        ("citizens_received", "120 lượt", 120, "persons"),
        ("conferences", "5 cuộc", 5, "conference"),
        ("trainings", "3 buổi", 3, "training_session"),
    ],
)
def test_an_activity_may_be_counted_in_occasions(activity, value, expected, unit):
    # GIVEN an activity counted with a counter word of events WHEN measured
    measured = _measure(activity, value, list_name="activity")
    # THEN it is that many of what the activity counts
    assert (measured.value, measured.unit, measured.unit_sent) == (
        Decimal(expected),
        unit,
        "occasion",
    )
