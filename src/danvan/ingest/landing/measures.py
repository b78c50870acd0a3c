"""A figure as its catalogue entry allows it: in an allowed unit, converted once, within bounds.

Every indicator, contribution type and activity has a canonical unit, the units
it may be reported in (an indicator lists them; a contribution type takes any
unit of its canonical unit's dimension; an activity is a plain count, also in
occasions: "120 lượt" citizens received are 120 of them) and the
range one report may plausibly give (``min_value``, ``max_value`` in the
catalogue seeds). Landing converts a figure from the unit it was sent in to the
entry's canonical unit — the only place a figure is converted — keeps what was
sent beside it, and refuses, with the reason, a unit the entry does not allow,
a value outside its range (a negative count, a rate over 100 %, 10^27
conferences) and a fraction of something counted (2.5 cases).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from danvan.ingest.values.errors import ValueParseError
from danvan.ingest.values.numbers import tidy
from danvan.ingest.values.units import UnitCatalogue
from danvan.reference.catalogue import Catalogue

# Each catalogue list, and its column naming the canonical unit.
CANONICAL_UNIT_COLUMNS = {
    "indicator": "canonical_unit_code",
    "contribution_type": "canonical_unit_code",
    "activity": "unit_code",
}
COUNT_DIMENSION = "count"
OCCASION = "occasion"  # lượt, buổi, cuộc: one of whatever an activity counts


class MeasureError(ValueError):
    """Why a figure cannot be taken for its catalogue entry (English and Vietnamese)."""

    def __init__(self, code: str, reason_en: str, reason_vi: str) -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi


class Sent(NamedTuple):
    value: Decimal  # as written, in the unit it was written in
    unit: str | None  # the unit written (resolved to its code); None: none written
    qualifier: str | None


class Measured(NamedTuple):
    value: Decimal  # in the entry's canonical unit
    unit: str  # the entry's canonical unit
    qualifier: str | None
    value_sent: Decimal  # as written, in the unit it was written in
    unit_sent: str | None  # the unit written (resolved to its code); None: none written


@dataclass(frozen=True)
class MeasureRule:
    """What one catalogue entry allows."""

    entry: str
    canonical_unit: str
    canonical_factor: Decimal  # the canonical unit's factor to its dimension's base unit
    canonical_name_vi: str
    allowed_units: frozenset[str]
    minimum: Decimal | None
    maximum: Decimal | None
    counted: bool


class Measures:
    """Figures judged against the catalogue, with the unit catalogue's conversions."""

    def __init__(self, catalogue: Catalogue, units: UnitCatalogue) -> None:
        self.catalogue = catalogue
        self.units = units
        self._rules: dict[tuple[str, str], MeasureRule] = {}

    def rule(self, list_name: str, code: str) -> MeasureRule:
        found = self._rules.get((list_name, code))
        if found is None:
            found = self._rules[(list_name, code)] = self._rule(list_name, code)
        return found

    def _rule(self, list_name: str, code: str) -> MeasureRule:
        row = self.catalogue.lookups[list_name].rows[code]
        canonical = self.units.units[row[CANONICAL_UNIT_COLUMNS[list_name]]]
        if list_name == "indicator":
            allowed = frozenset(row["allowed_unit_codes"].split("|"))
        else:
            allowed = frozenset(
                unit.code
                for unit in self.units.units.values()
                if unit.canonical_unit_code == canonical.canonical_unit_code
                or (list_name == "activity" and unit.code == OCCASION)
            )
        return MeasureRule(
            entry=code,
            canonical_unit=canonical.code,
            canonical_factor=canonical.factor_to_canonical,
            canonical_name_vi=canonical.name_vi,
            allowed_units=allowed,
            minimum=_bound(row.get("min_value")),
            maximum=_bound(row.get("max_value")),
            counted=canonical.dimension == COUNT_DIMENSION,
        )

    def canonical(self, rule: MeasureRule, sent: Sent) -> Measured:
        """The figure as sent, in its entry's canonical unit; or MeasureError."""
        if sent.unit is None:
            converted = sent.value
        elif sent.unit not in rule.allowed_units:
            raise MeasureError(
                "unit_not_allowed",
                f"'{_unit_name(self.units, sent.unit)}' is not a unit of {rule.entry}; use "
                f"{_units(self.units, rule.allowed_units)}",
                f"đơn vị '{_unit_name(self.units, sent.unit)}' không dùng cho chỉ tiêu này; "
                f"hãy dùng {_units(self.units, rule.allowed_units)}",
            )
        else:
            written = self.units.units[sent.unit]
            converted = tidy(sent.value * written.factor_to_canonical / rule.canonical_factor)
        _check_bounds(rule, converted)
        return Measured(converted, rule.canonical_unit, sent.qualifier, sent.value, sent.unit)

    def sent(self, value: object, text: str, unit_text: str | None) -> Sent:
        """The number as written, its unit's code (None: none written) and qualifier, or
        ValueParseError. The unit is in the cell (``916 m``) or its own column (``unit_text``);
        ``text``: the cell as text."""
        if unit_text is None:
            try:
                number = self.units.parse_number(value)
                return Sent(number.value, None, number.qualifier)
            except ValueParseError:
                if not isinstance(value, str):
                    raise
        quantity = self.units.parse_quantity(text, unit_text)
        written = self.units.units[quantity.input_unit]
        return Sent(
            tidy(quantity.value / written.factor_to_canonical),
            quantity.input_unit,
            quantity.qualifier,
        )


def _check_bounds(rule: MeasureRule, value: Decimal) -> None:
    unit_vi = rule.canonical_name_vi
    if rule.counted and value != value.to_integral_value():
        raise MeasureError(
            "not_whole",
            f"{value} is not a whole number, and {rule.entry} counts things",
            f"{value} không phải số nguyên, mà chỉ tiêu này đếm số lượng ({unit_vi})",
        )
    if rule.minimum is not None and value < rule.minimum:
        raise MeasureError(
            "below_minimum",
            f"{value} is below the smallest value {rule.entry} can have ({rule.minimum})",
            f"{value} nhỏ hơn giá trị nhỏ nhất có thể có ({rule.minimum} {unit_vi})",
        )
    if rule.maximum is not None and value > rule.maximum:
        raise MeasureError(
            "implausible",
            f"{value} is beyond any plausible figure for {rule.entry} in one report "
            f"(at most {rule.maximum}); check the number and its unit",
            f"{value} vượt quá mức có thể có trong một báo cáo (tối đa {rule.maximum} "
            f"{unit_vi}); kiểm tra lại số và đơn vị tính",
        )


def _bound(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"catalogue bound {text!r} is not a number") from error


def _unit_name(units: UnitCatalogue, code: str) -> str:
    return units.units[code].name_vi


def _units(units: UnitCatalogue, codes: frozenset[str]) -> str:
    return ", ".join(sorted(_unit_name(units, code) for code in codes))
