"""How the report writes numbers, and how it finds its SQL in the analyst guide."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from danvan.report.guide import GuideError, guide_queries, parse_guide
from danvan.report.numbers import vi_compact, vi_datetime, vi_number, vi_percent


@pytest.mark.parametrize(
    ("value", "decimals", "written"),
    [
        (1234567.5, None, "1.234.567,5"),
        (Decimal("8.1"), None, "8,1"),
        (Decimal("0.916"), None, "0,916"),
        (Decimal("100.0"), None, "100"),
        (Decimal("40.20"), None, "40,2"),
        (Decimal("13000000000"), None, "13.000.000.000"),
        (-1234, None, "-1.234"),
        (Decimal("99.16"), 1, "99,2"),
        (0, None, "0"),
        (None, None, "–"),
    ],
)
def test_numbers_are_written_the_vietnamese_way(value, decimals, written):
    assert vi_number(value, decimals) == written


def test_axis_labels_percentages_and_times():
    assert vi_compact(13_000_000_000) == "13 tỷ"
    assert vi_compact(500_000_000) == "500 triệu"
    assert vi_compact(2500) == "2.500"
    assert vi_percent(Decimal("99.2")) == "99,2 %"
    # Vietnam's time is UTC+7 all year
    assert vi_datetime(datetime(2026, 1, 2, 19, 30, tzinfo=UTC)) == "02:30 ngày 03/01/2026"


def test_the_guide_names_every_query_the_report_runs():
    from danvan.report.data import HELD_QUERY, REPORT_QUERIES

    assert {*REPORT_QUERIES, HELD_QUERY} <= set(guide_queries())


def test_a_guide_block_without_a_name_or_named_twice_is_refused():
    named = "```sql\n-- id: one\nselect 1;\n```\n"
    assert parse_guide(named) == {"one": "-- id: one\nselect 1;\n"}
    with pytest.raises(GuideError, match="must start with '-- id: <name>'"):
        parse_guide("```sql\nselect 1;\n```\n")
    with pytest.raises(GuideError, match="duplicate guide query id one"):
        parse_guide(named + named)
