"""Units of measure and quantities: a number with its unit, in the canonical unit.

A quantity is written with its unit in the value (``916 m``) or given
separately (a unit column). Units, their aliases and conversion factors come
only from the seed ``ref_units_of_measure.csv`` in the reference seeds
directory the settings name (``load_units``); nothing here is loaded at import.
The result is in the canonical unit of the unit's dimension (VND, km, m2,
labour_days, percent, or the counted thing itself); conversion to an
indicator's own unit happens in the warehouse (dbt), not here.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from danvan.ingest.values.errors import ValueParseError
from danvan.ingest.values.numbers import (
    INTEGER_RE,
    ParsedNumber,
    Scan,
    decimal_from_number,
    number_error,
    parse_number,
    scan,
    tidy,
)
from danvan.text import fold_diacritics, lower_nfc, tone_key

UNITS_SEED = "ref_units_of_measure.csv"  # in the catalogue seeds


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    dimension: str
    canonical_unit_code: str
    factor_to_canonical: Decimal
    name_vi: str
    name_en: str
    aliases: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value in the canonical unit of its dimension; ``input_unit`` is the unit as written."""

    value: Decimal
    unit: str
    qualifier: str | None
    input_unit: str


class UnitCatalogue:
    """The units of measure of the seed, looked up by code or any spelling; and the
    numbers and quantities read with them.

    A spelling matches exactly (after NFC, case and spacing), then ignoring
    where the tone mark sits, then, for input written without any diacritic,
    against the folded aliases; a folded spelling shared by two units is refused.
    """

    def __init__(self, units: Iterable[Unit]) -> None:
        self.units: dict[str, Unit] = {unit.code: unit for unit in units}
        self.dimensions = frozenset(unit.dimension for unit in self.units.values())
        self._exact: dict[str, str] = {}
        self._toned: dict[str, set[str]] = {}
        self._folded: dict[str, set[str]] = {}
        for unit in self.units.values():
            self._check(unit)
            for spelling in (unit.code, unit.name_vi, *unit.aliases):
                key = lower_nfc(spelling)
                if not key:
                    continue
                if self._exact.setdefault(key, unit.code) != unit.code:
                    raise ValueError(
                        f"unit seed: '{spelling}' names both {self._exact[key]} and {unit.code}"
                    )
                self._toned.setdefault(tone_key(key), set()).add(unit.code)
                self._folded.setdefault(fold_diacritics(key), set()).add(unit.code)
        # Words parse_number drops after a number: they do not change its value.
        self.number_suffixes = self.spellings("VND") | self.spellings("percent")
        self.resolve: Callable[[str], Unit] = lru_cache(maxsize=4096)(self._resolve)
        self._quantity = lru_cache(maxsize=65536)(self._parse_quantity)

    def _check(self, unit: Unit) -> None:
        canonical = self.units.get(unit.canonical_unit_code)
        if canonical is None:
            raise ValueError(f"unit seed: {unit.code} has unknown canonical unit")
        if canonical.dimension != unit.dimension or canonical.canonical_unit_code != canonical.code:
            raise ValueError(f"unit seed: {unit.code}'s canonical unit is not canonical")
        if unit.factor_to_canonical <= 0:
            raise ValueError(f"unit seed: {unit.code} has a non-positive factor")

    def spellings(self, code: str) -> frozenset[str]:
        return frozenset(key for key, unit_code in self._exact.items() if unit_code == code)

    def _resolve(self, text: str) -> Unit:
        """The unit a code or spelling names."""
        key = lower_nfc(text)
        code = self._exact.get(key)
        if code is None:
            codes = self._toned.get(tone_key(key), set())
            if not codes and key == fold_diacritics(key):
                codes = self._folded.get(key, set())
            if len(codes) > 1:
                names = ", ".join(sorted(codes))
                raise ValueParseError(
                    text,
                    f"unit '{text}' is ambiguous without diacritics ({names}); write it in full",
                    f"đơn vị '{text}' không rõ nghĩa khi thiếu dấu ({names}); hãy viết đầy đủ dấu",
                )
            code = next(iter(codes), None)
        if code is None:
            known = ", ".join(self.units)
            raise ValueParseError(
                text,
                f"unknown unit '{text}'; known units: {known}",
                f"không nhận ra đơn vị '{text}'; các đơn vị hợp lệ: {known}",
            )
        return self.units[code]

    def parse_number(self, text: object) -> ParsedNumber:
        """A number and its qualifier (``numbers``), which may end with a word for đồng or %."""
        return parse_number(text, self.number_suffixes)

    def parse_quantity(
        self,
        text: str | int | float | Decimal,
        unit: str | None = None,
        *,
        expected_dimension: str | None = None,
    ) -> Quantity:
        """A number with its unit, converted to the canonical unit of the unit's dimension.

        The unit is written in ``text`` (``916 m``, ``13 tỷ đồng``, ``2,34%``) or given
        as ``unit`` (a unit column); when both are given they must name the same
        unit.  A scale word in the value stays a multiplier (``1,5 tỷ`` with unit
        ``đồng``), but a scale word in a scaled money unit column (``60 triệu`` with
        unit ``triệu đồng``) is refused as ambiguous.  Without any unit the value is
        refused, except money, which defaults to VND.  ``expected_dimension``
        (money, length, area, labour, rate, count) refuses units of another dimension.
        """
        if isinstance(text, bool):
            raise number_error(text, "not a number", "không phải là số")
        if isinstance(text, float | Decimal):
            text = decimal_from_number(text)  # NaN is unhashable for the cache
        return self._quantity(text, unit, expected_dimension)

    def _parse_quantity(
        self, text: str | int | Decimal, unit: str | None, expected: str | None
    ) -> Quantity:
        if expected is not None and expected not in self.dimensions:
            known = ", ".join(sorted(self.dimensions))
            raise ValueParseError(
                expected,
                f"unknown dimension '{expected}'; known: {known}",
                f"loại đại lượng '{expected}' không hợp lệ; hợp lệ: {known}",
            )
        column = self.resolve(unit) if unit is not None and unit.strip() else None
        if isinstance(text, str) and not INTEGER_RE.fullmatch(text):
            scanned = scan(text)
        else:
            number = parse_number(text)
            scanned = Scan(number.value, None, number.value, False, None, "")
        value, written = self._unit_of(text, scanned, column, expected)
        _check_dimension(text, written, expected)
        if written.factor_to_canonical != 1:
            value *= written.factor_to_canonical
        return Quantity(tidy(value), written.canonical_unit_code, scanned.qualifier, written.code)

    def _unit_of(
        self, text: object, scanned: Scan, column: Unit | None, expected: str | None
    ) -> tuple[Decimal, Unit]:
        """(number, unit) from the unit written in the value and the unit column."""
        whole = None  # the scale words may be part of the unit: "tỷ đồng"
        if scanned.scaled_unit_text:
            with suppress(ValueParseError):
                whole = self.resolve(scanned.scaled_unit_text)
        if column is not None:
            if whole is not None and whole.code == column.code:
                return scanned.literal, column
            if scanned.rest:
                written = self.resolve(scanned.rest)
                if written.code != column.code:
                    raise ValueParseError(
                        text,
                        f"{text!r} is written in {written.code} but the unit column says "
                        f"{column.code}; give one unit or make them agree",
                        f"'{text}' ghi đơn vị {written.name_vi} nhưng cột đơn vị tính ghi "
                        f"{column.name_vi}; hãy thống nhất đơn vị",
                    )
                return scanned.value, column
            if scanned.scaled and column.dimension == "money" and column.factor_to_canonical != 1:
                raise ValueParseError(
                    text,
                    f"{text!r} has a scale word and the unit {column.code} has one too; "
                    "write the bare number in that column",
                    f"'{text}' đã có tỷ/triệu/nghìn trong khi đơn vị là {column.name_vi}; chỉ ghi số",
                )
            return scanned.value, column
        if whole is not None:
            return scanned.literal, whole
        if scanned.rest:
            return scanned.value, self.resolve(scanned.rest)
        if expected == "money":  # amounts of money without a unit are in đồng
            return scanned.value, self.units["VND"]
        raise ValueParseError(
            text,
            f"{text!r} has no unit; write it in the value ('916 m') or in the unit column",
            f"'{text}' thiếu đơn vị; ghi kèm số ('916 m') hoặc ở cột đơn vị tính",
        )


def _check_dimension(text: object, unit: Unit, expected: str | None) -> None:
    if expected is not None and unit.dimension != expected:
        raise ValueParseError(
            text,
            f"{text!r} is in {unit.code} ({unit.dimension}) but a {expected} value is expected",
            f"'{text}' có đơn vị {unit.name_vi} nhưng cần giá trị loại {expected}",
        )


def load_units(path: Path) -> UnitCatalogue:
    """Read a units-of-measure seed (``aliases`` are pipe-separated)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return UnitCatalogue(
            Unit(
                code=row["unit_code"],
                dimension=row["dimension"],
                canonical_unit_code=row["canonical_unit_code"],
                factor_to_canonical=Decimal(row["factor_to_canonical"]),
                name_vi=row["name_vi"],
                name_en=row["name_en"],
                aliases=tuple(a for a in row["aliases"].split("|") if a),
            )
            for row in csv.DictReader(handle)
        )
