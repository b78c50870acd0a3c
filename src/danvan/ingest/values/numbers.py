"""Read numbers as communes type them (``parse_number``).

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
* spaces (also non-breaking and narrow no-break spaces) group thousands:
  ``1 200``, ``1 200 000``, ``1 200,5``; every group after the first has
  exactly three digits, so ``1 2`` and ``12 34`` are refused.

Before the number a qualifier may stand: ``more_than`` (hơn, trên, more
than, over, >), ``less_than`` (dưới, ít hơn, less than, under, <),
``about`` (khoảng, gần, xấp xỉ, ước, about, nearly, ~, ≈: "gần" means
nearly, which is read as an approximation), ``at_least`` (ít nhất, tối
thiểu, at least, ≥, or "… trở lên" after the number) and ``at_most`` (tối
đa, không quá, at most, ≤, or "… trở xuống").  After it: scale words
(tỷ/tỉ ×10⁹, triệu/tr ×10⁶, nghìn/ngàn ×10³, billion, million, thousand;
they multiply, so "nghìn tỷ" is ×10¹², and descending terms add, so "1 tỷ
200 triệu" is 1.2×10⁹; "rưỡi" after a scale word is half of it, so "2 tỷ
rưỡi" is 2.5×10⁹ and "1 triệu rưỡi" 1.5×10⁶), then ``%`` (the value stays in percent: ``2,34%``
is 2.34) or a word for đồng.  Any other text is refused; values with units
go through ``units``.  Excel numbers (int, float) are taken as
they are; a float goes through its shortest repr, so 2.34 stays 2.34.

The words a number may end with without changing it (a word for đồng, per cent)
are spellings in the units seed: ``units.UnitCatalogue`` passes them in as
``suffixes``. Every failure is a ``ValueParseError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from danvan.ingest.values.errors import ValueForms
from danvan.text import fold_diacritics, lower_nfc

QUALIFIERS = ("more_than", "less_than", "about", "at_least", "at_most")

NUMBER_FORMS_EN = (
    "accepted: 1234, 1.234.567 (dot groups thousands), 1,5 (comma is the decimal mark), "
    "1.234,5, 1234.5, 1 200 000 (space groups thousands); optionally hơn/trên/dưới/khoảng/>/< "
    "before and tỷ/triệu/nghìn (2 tỷ rưỡi) or % after"
)

NUMBER_FORMS_VI = (
    "chấp nhận: 1234, 1.234.567 (dấu chấm phân cách hàng nghìn), 1,5 (dấu phẩy thập phân), "
    "1.234,5, 1234.5, 1 200 000 (khoảng trắng phân cách hàng nghìn); có thể có "
    "hơn/trên/dưới/khoảng/>/< phía trước và tỷ/triệu/nghìn (2 tỷ rưỡi) hoặc % phía sau"
)


def _with_folded(spellings: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for spelling in spellings:
        out[spelling] = None
        out[fold_diacritics(spelling)] = None
    return tuple(out)


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
            "khoảng",
            "gần",
            "xấp xỉ",
            "ước",
            "ước tính",
            "ước khoảng",
            "about",
            "approximately",
            "approx.",
            "around",
            "nearly",
            "almost",
            "~",
            "≈",
        ),
        "at_least": ("ít nhất", "tối thiểu", "at least", ">=", "≥"),
        "at_most": ("tối đa", "không quá", "at most", "<=", "≤"),
    }.items()
    for spelling in _with_folded(spellings)
}
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
# "rưỡi" (a half) after a scale word: "2 tỷ rưỡi" is 2.5 tỷ.
_HALF = frozenset(_with_folded(("rưỡi",)))
INTEGER_RE = re.compile(r"-?\d+")
# Digits with marks, in space-separated groups (lower_nfc has made every space a " ").
_LITERAL = r"\d[\d.,]*(?: \d[\d.,]*)*"
_NUMBER_RE = re.compile(rf"([-−+]?)({_LITERAL})")
_NEXT_NUMBER_RE = re.compile(rf"\s*({_LITERAL})")
_SPACE_GROUPED_RE = re.compile(r"([1-9]\d{0,2}(?: \d{3})+)(?:[.,](\d+))?")
_WORD_RE = re.compile(r"\s*([^\W\d_]+)")
_GROUPED = {sep: re.compile(rf"[1-9]\d{{0,2}}(?:\{sep}\d{{3}})+") for sep in ".,"}
_GROUP_HEAD_RE = re.compile(r"[1-9]\d{0,2}")


NUMBERS = ValueForms(
    "a number", "không đọc được '{text}' thành số", NUMBER_FORMS_EN, NUMBER_FORMS_VI
)
number_error = NUMBERS.error


def decimal_from_number(value: object) -> Decimal:
    """An int, float or Decimal as a Decimal; anything else is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise number_error(value, "not a number", "không phải là số")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise number_error(value, "not a finite number", "không phải số hữu hạn")
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if not value.is_finite():
        raise number_error(value, "not a finite number", "không phải số hữu hạn")
    return value


def tidy(value: Decimal) -> Decimal:
    """Without artefacts of scaling: 1,5 tỷ is 1500000000, not 1500000000.0."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


def _parse_space_grouped(literal: str, text: str) -> Decimal:
    """Thousands grouped by spaces (``1 200 000``), maybe with a decimal part (``1 200,5``)."""
    found = _SPACE_GROUPED_RE.fullmatch(literal)
    if found is None or (found.group(2) is not None and len(found.group(2)) == 3):
        raise number_error(
            text,
            f"'{literal}' is not one number: digits separated by spaces must be thousands "
            "groups of three (1 200 000)",
            f"'{literal}' không phải một số: các nhóm chữ số cách nhau bằng khoảng trắng phải "
            "là nhóm hàng nghìn gồm ba chữ số (1 200 000)",
        )
    whole, fraction = found.groups()
    return Decimal(whole.replace(" ", "") + (f".{fraction}" if fraction else ""))


def _parse_literal(literal: str, text: str) -> Decimal:
    """Digits with ``.`` and ``,`` marks, read by the rules of the module docstring."""
    if " " in literal:
        return _parse_space_grouped(literal, text)
    if literal[-1] in ".,":
        raise number_error(
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
            raise number_error(
                text,
                f"'{literal}' mixes '.' and ',' without valid thousands groups",
                f"'{literal}' lẫn dấu '.' và ',' nhưng không đúng nhóm hàng nghìn",
            )
        return Decimal(f"{whole.replace(group_mark, '')}.{fraction}")
    mark = "." if dots else ","
    if dots + commas > 1:
        if _GROUPED[mark].fullmatch(literal):
            return Decimal(literal.replace(mark, ""))
        raise number_error(
            text,
            f"'{literal}' has several '{mark}' that are not thousands groups",
            f"'{literal}' có nhiều dấu '{mark}' nhưng không đúng nhóm hàng nghìn",
        )
    head, tail = literal.split(mark)
    if len(tail) == 3 and _GROUP_HEAD_RE.fullmatch(head):
        if mark == ".":
            return Decimal(head + tail)
        raise number_error(
            text,
            f"'{literal}' is ambiguous: {head} point {tail} (decimal comma) or {head}{tail} "
            f"(thousands comma); write {head}.{tail} for {head}{tail}, or use a smaller unit "
            "for a decimal (1234 m rather than 1,234 km)",
            f"'{literal}' không rõ nghĩa: số thập phân hay {head}.{tail}; hãy viết {head}.{tail} "
            f"nếu là {head}{tail}, hoặc đổi sang đơn vị nhỏ hơn nếu là số thập phân "
            "(1234 m thay cho 1,234 km)",
        )
    return Decimal(f"{head}.{tail}")


class Scan(NamedTuple):
    value: Decimal  # every scale word applied
    qualifier: str | None
    literal: Decimal  # a single term's number before its scale words
    scaled: bool
    scaled_unit_text: str | None  # "tỷ đồng" in "13 tỷ đồng": scale words and unit together
    rest: str  # the unit text after any scale words


@lru_cache(maxsize=65536)  # a value with its unit is scanned as a number first, then again
def scan(text: str) -> Scan:
    """The number(s), qualifier, scale words and the text left after them."""
    low = lower_nfc(text)
    trailing = None
    if found := _TRAILING_RE.search(low):
        trailing = _TRAILING_QUALIFIERS[found.group(1)]
        low = low[: found.start()].rstrip()
    number = _NUMBER_RE.search(low)
    if number is None:
        raise number_error(text, "there is no number in it", "không có số")
    prefix = low[: number.start()].strip()
    qualifier = _PREFIX_QUALIFIERS.get(prefix) if prefix else None
    if prefix and prefix in _RANGE_OPENERS and trailing:
        prefix = ""
    if prefix and qualifier is None:
        raise number_error(
            text, f"unexpected '{prefix}' before the number", f"không hiểu '{prefix}' trước số"
        )
    if qualifier and trailing:
        raise number_error(text, "it has two qualifiers", "có hai từ chỉ mức (hơn, trở lên…)")
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
        if (word := _WORD_RE.match(low, pos)) and word.group(1) in _HALF:
            if scale == 1:
                raise number_error(
                    text,
                    "'rưỡi' (a half) must follow tỷ, triệu or nghìn, as in '2 tỷ rưỡi'",
                    "'rưỡi' phải đứng sau tỷ, triệu hoặc nghìn, ví dụ '2 tỷ rưỡi'",
                )
            literal += Decimal("0.5")
            pos = word.end()
            terms.append((literal, scale, scale_start))
            break
        terms.append((literal, scale, scale_start))
        if scale == 1 or not (following := _NEXT_NUMBER_RE.match(low, pos)):
            break
        literal_text, pos = following.group(1), following.end()
    scales = [scale for _, scale, _ in terms]
    if len(terms) > 1 and (scales[-1] == 1 or scales != sorted(set(scales), reverse=True)):
        raise number_error(
            text,
            "its parts must have falling scale words, as in '1 tỷ 200 triệu'",
            "các phần phải có đơn vị giảm dần, ví dụ '1 tỷ 200 triệu'",
        )
    value = sum((literal * scale for literal, scale, _ in terms), Decimal(0))
    first_literal, _, scale_start = terms[0]
    return Scan(
        value=-value if negative else value,
        qualifier=qualifier or trailing,
        literal=-first_literal if negative else first_literal,
        scaled=any(scale != 1 for scale in scales),
        scaled_unit_text=low[scale_start:] if len(terms) == 1 and scale_start is not None else None,
        rest=low[pos:].strip(),
    )


@lru_cache(maxsize=65536)
def _parse_number_text(text: str, suffixes: frozenset[str]) -> ParsedNumber:
    scanned = scan(text)
    if scanned.rest and scanned.rest not in suffixes:
        raise number_error(
            text,
            f"unexpected '{scanned.rest}' after the number",
            f"không hiểu '{scanned.rest}' sau số",
        )
    return ParsedNumber(tidy(scanned.value), scanned.qualifier)


def parse_number(text: object, suffixes: frozenset[str] = frozenset()) -> ParsedNumber:
    """A number and its qualifier, by the rules of the module docstring; ``suffixes``: words
    allowed after it (lower case, NFC)."""
    if isinstance(text, str):
        if INTEGER_RE.fullmatch(text):
            return ParsedNumber(Decimal(text), None)
        return _parse_number_text(text, suffixes)
    return ParsedNumber(decimal_from_number(text), None)
