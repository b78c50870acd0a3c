"""What is known about generated submissions: rows sent, rows spoiled and why, the
submissions the nightly gate must hold and for which rule, totals.

Tests and benchmarks compare what landed with the manifest (``manifest.json`` beside
the generated files).
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class BadRow:
    """A row made wrong on purpose: where it is and the reason code it must be quarantined with."""

    section: str
    position: int  # 1-based, in the section's list
    column: str
    reason_code: str


@dataclass(frozen=True)
class SubmissionFacts:
    name: str
    reporting_unit_code: str
    map_version: str
    period_code: str
    submitted_on: date
    revision: int  # 1: first sent
    rows: dict[str, int]
    bad_rows: tuple[BadRow, ...]
    indicator_values: tuple[tuple[str, Decimal], ...]  # good rows, in the indicator's own unit
    held_rules: tuple[str, ...] = ()  # hold_submission rules it breaks: its fate is 'held'


@dataclass
class Manifest:
    seed: int
    communes: int
    periods: int
    models: int
    messy: bool
    submissions: list[SubmissionFacts] = field(default_factory=list)
    # The held submissions sent again, corrected (``Generated.corrections``), not yet sent.
    corrections: list[SubmissionFacts] = field(default_factory=list)

    def rows_sent(self, section: str) -> int:
        return sum(facts.rows.get(section, 0) for facts in self.submissions)

    def rows_bad(self, section: str) -> int:
        return sum(bad.section == section for facts in self.submissions for bad in facts.bad_rows)

    def held(self) -> list[SubmissionFacts]:
        """The submissions the nightly gate must hold (each breaks ``held_rules``)."""
        return [facts for facts in self.submissions if facts.held_rules]

    def latest(self) -> list[SubmissionFacts]:
        """The last revision of each unit's report for each period (what raw holds last;
        the marts show it once it passes every rule)."""
        latest: dict[tuple[str, str], SubmissionFacts] = {}
        for facts in self.submissions:
            key = (facts.reporting_unit_code, facts.period_code)
            if key not in latest or facts.submitted_on > latest[key].submitted_on:
                latest[key] = facts
        return list(latest.values())

    def indicator_totals(self) -> dict[tuple[str, str, str], Decimal]:
        """(unit, period, indicator) -> sum of the latest revision's good values, in its own unit."""
        totals: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
        for facts in self.latest():
            for indicator, value in facts.indicator_values:
                totals[(facts.reporting_unit_code, facts.period_code, indicator)] += value
        return dict(totals)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)
