"""Read the values communes type into spreadsheets: numbers, quantities, dates, periods.

Numbers (``parse_number``)
    Vietnamese style first: ``.`` groups thousands and ``,`` is the decimal mark.

    * digits only: ``1234``.
    * both marks: the last one is the decimal mark and the other must group
      thousands correctly: ``1.234,5`` and ``1,234.5`` are 1234.5.
    * several of one mark: thousands groups: ``13.000.000.000``, ``1,234,567``.
    * one ``.``: thousands when exactly three digits follow and the part before
      is 1–3 digits not starting with 0 (``1.234`` is 1234, ``100.000`` is
      100000); otherwise decimal (``1.2``, ``0.916``, ``1234.5``).
    * one ``,``: decimal (``1,2``, ``2,34``, ``0,916``), except when exactly
      three digits follow a 1–3 digit part not starting with 0: ``1,234`` and
      ``13,000`` are refused as ambiguous (Vietnamese 1.234 or English 1234).
    * a separator at the end (``280.``) is refused.

    Before the number a qualifier may stand: ``more_than`` (hơn, trên, more
    than, over, >), ``less_than`` (dưới, ít hơn, less than, under, <),
    ``about`` (khoảng, gần, xấp xỉ, ước, about, nearly, ~, ≈: "gần" means
    nearly, which is read as an approximation), ``at_least`` (ít nhất, tối
    thiểu, at least, ≥, or "… trở lên" after the number) and ``at_most`` (tối
    đa, không quá, at most, ≤, or "… trở xuống").  After it: scale words
    (tỷ/tỉ ×10⁹, triệu/tr ×10⁶, nghìn/ngàn ×10³, billion, million, thousand;
    they multiply, so "nghìn tỷ" is ×10¹², and descending terms add, so "1 tỷ
    200 triệu" is 1.2×10⁹), then ``%`` (the value stays in percent: ``2,34%``
    is 2.34) or a word for đồng.  Any other text is refused; values with units
    go through ``parse_quantity``.  Excel numbers (int, float) are taken as
    they are; a float goes through its shortest repr, so 2.34 stays 2.34.

Quantities (``parse_quantity``)
    A number and a unit, written in the value (``916 m``) or given separately
    (a unit column).  Units, their aliases and conversion factors come only
    from the seed ``ref_units_of_measure.csv``.  The result is in the canonical
    unit of the unit's dimension (VND, km, m2, labour_days, percent, or the
    counted thing itself); an indicator whose canonical unit differs (ha for
    cultivated area) converts with ``Quantity.to`` / ``convert``.

Dates (``parse_date``) and periods (``parse_period``)
    Day first, always: ``dd/mm/yyyy`` (also ``-`` and ``.``), ISO
    ``yyyy-mm-dd``, ``ngày 5 tháng 3 năm 2024``, Excel serial numbers (1900
    system).  ``03/25/2024`` and two-digit years are refused, never guessed.

Every failure is a ``ValueParseError``: the offending text, an English message
and a Vietnamese one, both saying what was wrong and which forms are accepted.
"""

from __future__ import annotations

import calendar
import csv
import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from danvan.text import fold_diacritics, lower_nfc, tone_key

__all__ = [
    "PERIOD_KINDS",
    "QUALIFIERS",
    "UNITS",
    "UNITS_SEED",
    "ParsedNumber",
    "Period",
    "Quantity",
    "Unit",
    "UnitCatalogue",
    "ValueParseError",
    "convert",
    "load_units",
    "parse_date",
    "parse_number",
    "parse_period",
    "parse_quantity",
    "resolve_unit",
]

UNITS_SEED = (
    Path(__file__).resolve().parents[3]
    / "dbt_project/seeds/reference/catalogue/ref_units_of_measure.csv"
)

QUALIFIERS = ("more_than", "less_than", "about", "at_least", "at_most")
PERIOD_KINDS = ("month", "quarter", "half_year", "nine_months", "year", "term")

NUMBER_FORMS_EN = (
    "accepted: 1234, 1.234.567 (dot groups thousands), 1,5 (comma is the decimal mark), "
    "1.234,5, 1234.5; optionally hơn/trên/dưới/khoảng/>/< before and tỷ/triệu/nghìn or % after"
)
NUMBER_FORMS_VI = (
    "chấp nhận: 1234, 1.234.567 (dấu chấm phân cách hàng nghìn), 1,5 (dấu phẩy thập phân), "
    "1.234,5, 1234.5; có thể có hơn/trên/dưới/khoảng/>/< phía trước và tỷ/triệu/nghìn hoặc % "
    "phía sau"
)
DATE_FORMS_EN = (
    "accepted: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, 'ngày 5 tháng 3 năm 2024'"
)
DATE_FORMS_VI = (
    "chấp nhận: ngày/tháng/năm (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd, "
    "'ngày 5 tháng 3 năm 2024'"
)
PERIOD_FORMS_EN = (
    "accepted: 'tháng 1/2025' or '01/2025', 'Quý III/2025' or 'Q3/2025', "
    "'6 tháng đầu năm 2024' / '6 tháng cuối năm 2024', '9 tháng 2023', 'năm 2023' or '2023', "
    "'2020-2025', or a code such as 2025-01, 2025-Q3, 2024-H1, 2023-9M"
)
PERIOD_FORMS_VI = (
    "chấp nhận: 'tháng 1/2025' hoặc '01/2025', 'Quý III/2025' hoặc 'Q3/2025', "
    "'6 tháng đầu năm 2024' / '6 tháng cuối năm 2024', '9 tháng 2023', 'năm 2023' hoặc '2023', "
    "'2020-2025', hoặc mã như 2025-01, 2025-Q3, 2024-H1, 2023-9M"
)


class ValueParseError(ValueError):
    """A cell value that cannot be read; ``str(error)`` is English, ``message_vi`` Vietnamese."""

    def __init__(self, text: object, message: str, message_vi: str) -> None:
        super().__init__(message)
        self.text = text if isinstance(text, str) else str(text)
        self.message_vi = message_vi


def _with_folded(spellings: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for spelling in spellings:
        out[spelling] = None
        out[fold_diacritics(spelling)] = None
    return tuple(out)


# --------------------------------------------------------------------------- units


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    dimension: str
    canonical_unit_code: str
    factor_to_canonical: Decimal
    name_vi: str
    name_en: str
    aliases: tuple[str, ...]


class UnitCatalogue:
    """The units of measure of the seed, looked up by code or any spelling.

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

    def resolve(self, text: str) -> Unit:
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

    def convert(self, value: Decimal | int | float, from_unit: str, to_unit: str) -> Decimal:
        """``value`` in ``from_unit`` expressed in ``to_unit`` (codes or spellings)."""
        source, target = self.resolve(from_unit), self.resolve(to_unit)
        amount = _decimal_from_number(value)
        if source.canonical_unit_code != target.canonical_unit_code:
            what = (
                f"{source.dimension} vs {target.dimension}"
                if source.dimension != target.dimension
                else "different things are counted"
            )
            raise ValueParseError(
                from_unit,
                f"cannot convert {source.code} to {target.code}: {what}",
                f"không thể quy đổi {source.name_vi} sang {target.name_vi}: khác loại đại lượng",
            )
        if source.code == target.code:
            return amount
        amount *= source.factor_to_canonical
        if target.factor_to_canonical != 1:
            amount /= target.factor_to_canonical
        return amount


def load_units(path: Path = UNITS_SEED) -> UnitCatalogue:
    """Read the units-of-measure seed (``aliases`` are pipe-separated)."""
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


UNITS = load_units()
_VND = UNITS.units["VND"]
# Words parse_number drops after a number: they do not change its value.
_NUMBER_SUFFIXES = UNITS.spellings("VND") | UNITS.spellings("percent")


@lru_cache(maxsize=4096)
def resolve_unit(text: str) -> Unit:
    """The unit of the default catalogue that a code or spelling names."""
    return UNITS.resolve(text)


def convert(value: Decimal | int | float, from_unit: str, to_unit: str) -> Decimal:
    """Convert within a dimension (m2↔ha↔km2, m↔km, VND scales); across dimensions it raises."""
    return UNITS.convert(value, from_unit, to_unit)


# --------------------------------------------------------------------------- numbers


@dataclass(frozen=True, slots=True)
class ParsedNumber:
    value: Decimal
    qualifier: str | None


_PREFIX_QUALIFIERS: dict[str, str] = {
    spelling: qualifier
    for qualifier, spellings in {
        "more_than": ("hơn", "trên", "more than", "over", ">"),
        "less_than": ("dưới", "ít hơn", "less than", "fewer than", "under", "<"),
        "about": (
            "khoảng", "gần", "xấp xỉ", "ước", "ước tính", "ước khoảng", "about",
            "approximately", "approx.", "around", "nearly", "almost", "~", "≈",
        ),
        "at_least": ("ít nhất", "tối thiểu", "at least", ">=", "≥"),
        "at_most": ("tối đa", "không quá", "at most", "<=", "≤"),
    }.items()
    for spelling in _with_folded(spellings)
}  # fmt: skip
# "từ 2 … trở lên": "từ" opens a range that only a trailing qualifier closes.
_RANGE_OPENERS = frozenset(_with_folded(("từ", "from")))
_TRAILING_QUALIFIERS = {
    spelling: qualifier
    for qualifier, spellings in {
        "at_least": ("trở lên", "or more", "and above"),
        "at_most": ("trở xuống", "or less", "and below"),
    }.items()
    for spelling in _with_folded(spellings)
}
_TRAILING_RE = re.compile(
    r"(?:^|\s)("
    + "|".join(map(re.escape, sorted(_TRAILING_QUALIFIERS, key=len, reverse=True)))
    + r")$"
)
_SCALES: dict[str, int] = {
    spelling: factor
    for factor, spellings in {
        10**9: ("tỷ", "tỉ", "billion"),
        10**6: ("triệu", "tr", "million"),
        10**3: ("nghìn", "ngàn", "thousand"),
    }.items()
    for spelling in _with_folded(spellings)
}
_INTEGER_RE = re.compile(r"-?\d+")
_NUMBER_RE = re.compile(r"([-−+]?)(\d[\d.,]*)")
_NEXT_NUMBER_RE = re.compile(r"\s*(\d[\d.,]*)")
_WORD_RE = re.compile(r"\s*([^\W\d_]+)")
_GROUPED = {sep: re.compile(rf"[1-9]\d{{0,2}}(?:\{sep}\d{{3}})+") for sep in ".,"}
_GROUP_HEAD_RE = re.compile(r"[1-9]\d{0,2}")


def _number_error(text: object, why_en: str, why_vi: str) -> ValueParseError:
    return ValueParseError(
        text,
        f"cannot read {text!r} as a number: {why_en}; {NUMBER_FORMS_EN}",
        f"không đọc được '{text}' thành số: {why_vi}; {NUMBER_FORMS_VI}",
    )


def _decimal_from_number(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise _number_error(value, "not a number", "không phải là số")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise _number_error(value, "not a finite number", "không phải số hữu hạn")
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if not value.is_finite():
        raise _number_error(value, "not a finite number", "không phải số hữu hạn")
    return value


def _tidy(value: Decimal) -> Decimal:
    """Without artefacts of scaling: 1,5 tỷ is 1500000000, not 1500000000.0."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _parse_literal(literal: str, text: str) -> Decimal:
    """Digits with ``.`` and ``,`` marks, read by the rules of the module docstring."""
    if literal[-1] in ".,":
        raise _number_error(
            text, f"'{literal}' ends with a separator", f"'{literal}' kết thúc bằng dấu phân cách"
        )
    dots, commas = literal.count("."), literal.count(",")
    if not dots and not commas:
        return Decimal(literal)
    if dots and commas:
        decimal_mark = "." if literal.rfind(".") > literal.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        whole, fraction = literal.rsplit(decimal_mark, 1)
        if decimal_mark in whole or not _GROUPED[group_mark].fullmatch(whole):
            raise _number_error(
                text,
                f"'{literal}' mixes '.' and ',' without valid thousands groups",
                f"'{literal}' lẫn dấu '.' và ',' nhưng không đúng nhóm hàng nghìn",
            )
        return Decimal(f"{whole.replace(group_mark, '')}.{fraction}")
    mark = "." if dots else ","
    if dots + commas > 1:
        if _GROUPED[mark].fullmatch(literal):
            return Decimal(literal.replace(mark, ""))
        raise _number_error(
            text,
            f"'{literal}' has several '{mark}' that are not thousands groups",
            f"'{literal}' có nhiều dấu '{mark}' nhưng không đúng nhóm hàng nghìn",
        )
    head, tail = literal.split(mark)
    if len(tail) == 3 and _GROUP_HEAD_RE.fullmatch(head):
        if mark == ".":
            return Decimal(head + tail)
        raise _number_error(
            text,
            f"'{literal}' is ambiguous: {head} point {tail} (decimal comma) or {head}{tail} "
            f"(thousands comma); write {head}.{tail} for {head}{tail}, or use a smaller unit "
            "for a decimal (1234 m rather than 1,234 km)",
            f"'{literal}' không rõ nghĩa: số thập phân hay {head}.{tail}; hãy viết {head}.{tail} "
            f"nếu là {head}{tail}, hoặc đổi sang đơn vị nhỏ hơn nếu là số thập phân "
            "(1234 m thay cho 1,234 km)",
        )
    return Decimal(f"{head}.{tail}")


class _Scan(NamedTuple):
    value: Decimal  # every scale word applied
    qualifier: str | None
    literal: Decimal  # a single term's number before its scale words
    scaled: bool
    scaled_unit_text: str | None  # "tỷ đồng" in "13 tỷ đồng": scale words and unit together
    rest: str  # the unit text after any scale words


@lru_cache(maxsize=65536)  # a value with its unit is scanned as a number first, then again
def _scan(text: str) -> _Scan:
    low = lower_nfc(text)
    trailing = None
    if found := _TRAILING_RE.search(low):
        trailing = _TRAILING_QUALIFIERS[found.group(1)]
        low = low[: found.start()].rstrip()
    number = _NUMBER_RE.search(low)
    if number is None:
        raise _number_error(text, "there is no number in it", "không có số")
    prefix = low[: number.start()].strip()
    qualifier = _PREFIX_QUALIFIERS.get(prefix) if prefix else None
    if prefix and prefix in _RANGE_OPENERS and trailing:
        prefix = ""
    if prefix and qualifier is None:
        raise _number_error(
            text, f"unexpected '{prefix}' before the number", f"không hiểu '{prefix}' trước số"
        )
    if qualifier and trailing:
        raise _number_error(text, "it has two qualifiers", "có hai từ chỉ mức (hơn, trở lên…)")
    negative = number.group(1) in ("-", "−")
    literal_text, pos = number.group(2), number.end()
    terms: list[tuple[Decimal, int, int | None]] = []
    while True:
        literal = _parse_literal(literal_text, text)
        scale, scale_start = 1, None
        while (word := _WORD_RE.match(low, pos)) and word.group(1) in _SCALES:
            scale_start = word.start(1) if scale_start is None else scale_start
            scale *= _SCALES[word.group(1)]
            pos = word.end()
        terms.append((literal, scale, scale_start))
        if scale == 1 or not (following := _NEXT_NUMBER_RE.match(low, pos)):
            break
        literal_text, pos = following.group(1), following.end()
    scales = [scale for _, scale, _ in terms]
    if len(terms) > 1 and (scales[-1] == 1 or scales != sorted(set(scales), reverse=True)):
        raise _number_error(
            text,
            "its parts must have falling scale words, as in '1 tỷ 200 triệu'",
            "các phần phải có đơn vị giảm dần, ví dụ '1 tỷ 200 triệu'",
        )
    value = sum((literal * scale for literal, scale, _ in terms), Decimal(0))
    first_literal, _, scale_start = terms[0]
    return _Scan(
        value=-value if negative else value,
        qualifier=qualifier or trailing,
        literal=-first_literal if negative else first_literal,
        scaled=any(scale != 1 for scale in scales),
        scaled_unit_text=low[scale_start:] if len(terms) == 1 and scale_start is not None else None,
        rest=low[pos:].strip(),
    )


@lru_cache(maxsize=65536)
def _parse_number_text(text: str) -> ParsedNumber:
    scan = _scan(text)
    if scan.rest and scan.rest not in _NUMBER_SUFFIXES:
        raise _number_error(
            text,
            f"unexpected '{scan.rest}' after the number",
            f"không hiểu '{scan.rest}' sau số",
        )
    return ParsedNumber(_tidy(scan.value), scan.qualifier)


def parse_number(text: str | int | float | Decimal) -> ParsedNumber:
    """A number and its qualifier, by the rules of the module docstring."""
    if isinstance(text, str):
        if _INTEGER_RE.fullmatch(text):
            return ParsedNumber(Decimal(text), None)
        return _parse_number_text(text)
    return ParsedNumber(_decimal_from_number(text), None)


# --------------------------------------------------------------------------- quantities


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value in the canonical unit of its dimension; ``input_unit`` is the unit as written."""

    value: Decimal
    unit: str
    qualifier: str | None
    input_unit: str

    def to(self, unit: str) -> Quantity:
        """The same quantity in another unit of its dimension (e.g. an indicator's ha)."""
        target = resolve_unit(unit)
        value = _tidy(convert(self.value, self.unit, target.code))
        return Quantity(value, target.code, self.qualifier, self.input_unit)


def _check_dimension(text: object, unit: Unit, expected: str | None) -> None:
    if expected is not None and unit.dimension != expected:
        raise ValueParseError(
            text,
            f"{text!r} is in {unit.code} ({unit.dimension}) but a {expected} value is expected",
            f"'{text}' có đơn vị {unit.name_vi} nhưng cần giá trị loại {expected}",
        )


def _unit_of(
    text: object, scan: _Scan, column: Unit | None, expected: str | None
) -> tuple[Decimal, Unit]:
    """(number, unit) from the unit written in the value and the unit column."""
    whole = None  # the scale words may be part of the unit: "tỷ đồng"
    if scan.scaled_unit_text:
        with suppress(ValueParseError):
            whole = resolve_unit(scan.scaled_unit_text)
    if column is not None:
        if whole is not None and whole.code == column.code:
            return scan.literal, column
        if scan.rest:
            written = resolve_unit(scan.rest)
            if written.code != column.code:
                raise ValueParseError(
                    text,
                    f"{text!r} is written in {written.code} but the unit column says "
                    f"{column.code}; give one unit or make them agree",
                    f"'{text}' ghi đơn vị {written.name_vi} nhưng cột đơn vị tính ghi "
                    f"{column.name_vi}; hãy thống nhất đơn vị",
                )
            return scan.value, column
        if scan.scaled and column.dimension == "money" and column.factor_to_canonical != 1:
            raise ValueParseError(
                text,
                f"{text!r} has a scale word and the unit {column.code} has one too; "
                "write the bare number in that column",
                f"'{text}' đã có tỷ/triệu/nghìn trong khi đơn vị là {column.name_vi}; chỉ ghi số",
            )
        return scan.value, column
    if whole is not None:
        return scan.literal, whole
    if scan.rest:
        return scan.value, resolve_unit(scan.rest)
    if expected == "money":  # amounts of money without a unit are in đồng
        return scan.value, _VND
    raise ValueParseError(
        text,
        f"{text!r} has no unit; write it in the value ('916 m') or in the unit column",
        f"'{text}' thiếu đơn vị; ghi kèm số ('916 m') hoặc ở cột đơn vị tính",
    )


@lru_cache(maxsize=65536)
def _parse_quantity_cached(
    text: str | int | float | Decimal, unit: str | None, expected: str | None
) -> Quantity:
    if expected is not None and expected not in UNITS.dimensions:
        known = ", ".join(sorted(UNITS.dimensions))
        raise ValueParseError(
            expected,
            f"unknown dimension '{expected}'; known: {known}",
            f"loại đại lượng '{expected}' không hợp lệ; hợp lệ: {known}",
        )
    column = resolve_unit(unit) if unit is not None and unit.strip() else None
    if isinstance(text, str) and not _INTEGER_RE.fullmatch(text):
        scan = _scan(text)
    else:
        number = parse_number(text)
        scan = _Scan(number.value, None, number.value, False, None, "")
    value, written = _unit_of(text, scan, column, expected)
    _check_dimension(text, written, expected)
    if written.factor_to_canonical != 1:
        value *= written.factor_to_canonical
    return Quantity(_tidy(value), written.canonical_unit_code, scan.qualifier, written.code)


def parse_quantity(
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
        raise _number_error(text, "not a number", "không phải là số")
    if isinstance(text, float | Decimal):
        text = _decimal_from_number(text)  # NaN is unhashable for the cache
    return _parse_quantity_cached(text, unit, expected_dimension)


# --------------------------------------------------------------------------- dates

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 is 1900-03-01
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY_RE = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_TIME}")
_DMY_SHORT_YEAR_RE = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}")
_ISO_RE = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}(?:z|[+-]\d{{2}}:?\d{{2}})?")
_WORDS_DATE_RE = re.compile(r"(\d{1,2}) ?thang ?(\d{1,2}),? ?nam ?(\d{4})")
_DAY_PREFIX_RE = re.compile(r"^ngay ?")


def _date_error(text: object, why_en: str, why_vi: str) -> ValueParseError:
    return ValueParseError(
        text,
        f"cannot read {text!r} as a date: {why_en}; {DATE_FORMS_EN}",
        f"không đọc được ngày '{text}': {why_vi}; {DATE_FORMS_VI}",
    )


def _excel_date(serial: int | float | Decimal) -> date:
    if isinstance(serial, bool) or not isinstance(serial, int | float | Decimal):
        raise _date_error(serial, "not a date", "không phải ngày tháng")
    amount = _decimal_from_number(serial)
    days = int(amount)
    if not 1 <= amount < _EXCEL_MAX_SERIAL + 1:
        raise _date_error(
            serial, "not an Excel date serial number", "không phải số ngày tháng của Excel"
        )
    if days == 60:
        raise _date_error(
            serial,
            "Excel serial 60 is 29/02/1900, which does not exist",
            "ngày 29/02/1900 không có",
        )
    return _EXCEL_EPOCH + timedelta(days=days if days > 60 else days + 1)


def _calendar_date(text: str, year: int, month: int, day: int) -> date:
    if month > 12:
        if day <= 12:
            raise _date_error(
                text,
                f"month {month} does not exist; dates are day first (dd/mm/yyyy), never mm/dd",
                f"không có tháng {month}; ngày phải viết theo thứ tự ngày/tháng/năm",
            )
        raise _date_error(text, f"month {month} does not exist", f"không có tháng {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise _date_error(
            text,
            f"day {day} does not exist in {month:02d}/{year}",
            f"tháng {month:02d}/{year} không có ngày {day}",
        ) from None


@lru_cache(maxsize=16384)
def _parse_date_text(text: str) -> date:
    key = _DAY_PREFIX_RE.sub("", fold_diacritics(lower_nfc(text)), count=1).strip()
    if found := _DMY_RE.fullmatch(key):
        day, _, month, year = found.groups()
        return _calendar_date(text, int(year), int(month), int(day))
    if found := _ISO_RE.fullmatch(key):
        year, month, day = found.groups()
        return _calendar_date(text, int(year), int(month), int(day))
    if found := _WORDS_DATE_RE.fullmatch(key):
        day, month, year = found.groups()
        return _calendar_date(text, int(year), int(month), int(day))
    if _DMY_SHORT_YEAR_RE.fullmatch(key):
        raise _date_error(text, "the year must have four digits", "năm phải viết đủ bốn chữ số")
    raise _date_error(text, "unknown date format", "không đúng định dạng ngày")


def parse_date(text: str | date | datetime | int | float | Decimal) -> date:
    """A calendar date: day first, four-digit years, or an Excel serial number (1900 system)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if isinstance(text, str):
        return _parse_date_text(text)
    return _excel_date(text)


# --------------------------------------------------------------------------- periods

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_OF = {number: roman.upper() for roman, number in _ROMAN.items()}


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: ``start`` and ``end`` are its first and last day."""

    kind: str
    start: date
    end: date
    code: str
    label_vi: str

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(
            "month", date(year, month, 1), date(year, month, last),
            f"{year}-{month:02d}", f"Tháng {month}/{year}",
        )  # fmt: skip

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * quarter - 2
        last = calendar.monthrange(year, first + 2)[1]
        return cls(
            "quarter", date(year, first, 1), date(year, first + 2, last),
            f"{year}-Q{quarter}", f"Quý {_ROMAN_OF[quarter]}/{year}",
        )  # fmt: skip

    @classmethod
    def of_half_year(cls, year: int, half: int) -> Period:
        if half == 1:
            return cls(
                "half_year", date(year, 1, 1), date(year, 6, 30),
                f"{year}-H1", f"6 tháng đầu năm {year}",
            )  # fmt: skip
        return cls(
            "half_year", date(year, 7, 1), date(year, 12, 31),
            f"{year}-H2", f"6 tháng cuối năm {year}",
        )  # fmt: skip

    @classmethod
    def of_nine_months(cls, year: int) -> Period:
        return cls(
            "nine_months", date(year, 1, 1), date(year, 9, 30),
            f"{year}-9M", f"9 tháng đầu năm {year}",
        )  # fmt: skip

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls("year", date(year, 1, 1), date(year, 12, 31), f"{year}", f"Năm {year}")

    @classmethod
    def of_term(cls, first_year: int, last_year: int) -> Period:
        return cls(
            "term", date(first_year, 1, 1), date(last_year, 12, 31),
            f"{first_year}-{last_year}", f"Giai đoạn {first_year}–{last_year}",
        )  # fmt: skip

    @classmethod
    def from_code(cls, code: str) -> Period:
        """The period of a canonical code: 2025-01, 2025-Q3, 2024-H1, 2023-9M, 2023, 2020-2025."""
        for pattern, build in _CODE_PATTERNS:
            if found := pattern.fullmatch(code):
                return build(code, *found.groups())
        raise ValueParseError(
            code,
            f"{code!r} is not a period code (2025-01, 2025-Q3, 2024-H1, 2023-9M, 2023, 2020-2025)",
            f"'{code}' không phải mã kỳ báo cáo (2025-01, 2025-Q3, 2024-H1, 2023-9M, 2023, "
            "2020-2025)",
        )

    def contains(self, other: Period | date) -> bool:
        """Whether ``other`` (a period or a day) lies wholly inside this period."""
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        return self.start <= other <= self.end


def _period_error(text: object, why_en: str, why_vi: str) -> ValueParseError:
    return ValueParseError(
        text,
        f"cannot read {text!r} as a period: {why_en}; {PERIOD_FORMS_EN}",
        f"không đọc được kỳ báo cáo '{text}': {why_vi}; {PERIOD_FORMS_VI}",
    )


def _month(text: str, year: str, month: str) -> Period:
    if not 1 <= int(month) <= 12:
        raise _period_error(text, f"month {month} does not exist", f"không có tháng {month}")
    return Period.of_month(int(year), int(month))


def _quarter(text: str, year: str, quarter: str) -> Period:
    return Period.of_quarter(int(year), _ROMAN.get(quarter) or int(quarter))


def _half_year(text: str, year: str, part: str | None) -> Period:
    return Period.of_half_year(int(year), 2 if part in ("2", "cuoi") else 1)


def _nine_months(text: str, year: str) -> Period:
    return Period.of_nine_months(int(year))


def _year(text: str, year: str) -> Period:
    return Period.of_year(int(year))


def _term(text: str, first_year: str, last_year: str) -> Period:
    if int(first_year) >= int(last_year):
        raise _period_error(
            text,
            "a term runs from an earlier to a later year",
            "giai đoạn phải từ năm trước đến năm sau",
        )
    return Period.of_term(int(first_year), int(last_year))


def _swap(build):
    """The builder for patterns that capture the year last."""
    return lambda text, first, year: build(text, year, first)


_CODE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{2})"), _month),
    (re.compile(r"(\d{4})-Q([1-4])"), _quarter),
    (re.compile(r"(\d{4})-H([12])"), _half_year),
    (re.compile(r"(\d{4})-9M"), _nine_months),
    (re.compile(r"(\d{4})"), _year),
    (re.compile(r"(\d{4})-(\d{4})"), _term),
)
# Matched against the folded, lower-case text with dashes unified.
_PERIOD_PATTERNS = (
    *((re.compile(code.pattern.lower()), build) for code, build in _CODE_PATTERNS),
    (re.compile(r"(?:thang|t) ?(\d{1,2}) ?(?:[/.-]|nam) ?(\d{4})"), _swap(_month)),
    (re.compile(r"(\d{1,2}) ?[/.-] ?(\d{4})"), _swap(_month)),
    (re.compile(r"(?:quy|q) ?(iv|i{1,3}|[1-4])(?: ?[/.-] ?| nam | )(\d{4})"), _swap(_quarter)),
    (re.compile(r"6 thang(?: (dau|cuoi))?(?: nam)? (\d{4})"), _swap(_half_year)),
    (re.compile(r"h([12]) ?[/-]? ?(\d{4})"), _swap(_half_year)),
    (re.compile(r"9 thang(?: dau)?(?: nam)? (\d{4})"), _nine_months),
    (re.compile(r"9m ?[/-]? ?(\d{4})"), _nine_months),
    (re.compile(r"nam ?(\d{4})"), _year),
    (re.compile(r"(?:giai doan|nhiem ky|thoi ky)? ?(\d{4}) ?(?:-|den) ?(\d{4})"), _term),
)
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−", "-"))


@lru_cache(maxsize=4096)
def _parse_period_text(text: str) -> Period:
    key = fold_diacritics(lower_nfc(text)).translate(_DASHES)
    for pattern, build in _PERIOD_PATTERNS:
        if found := pattern.fullmatch(key):
            return build(text, *found.groups())
    raise _period_error(text, "unknown period format", "không đúng định dạng kỳ báo cáo")


def parse_period(text: str | int) -> Period:
    """A reporting period from its Vietnamese spelling, a canonical code, or a year number."""
    if isinstance(text, str):
        return _parse_period_text(text)
    if isinstance(text, int) and not isinstance(text, bool) and 1000 <= text <= 9999:
        return Period.of_year(text)
    raise _period_error(text, "not text or a four-digit year", "không phải văn bản hay năm")
