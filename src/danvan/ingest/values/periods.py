"""Read reporting periods (``parse_period``) and name them (``Period``).

A period is a month, quarter, half year, first nine months, year or multi-year
term, from its Vietnamese spelling (``Quý III/2025``, ``6 tháng đầu năm
2024``, ``9 tháng 2023``, ``năm 2023``, ``2020-2025``), its canonical code
(``2025-Q3``) or a year number. Every failure is a ``ValueParseError``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from danvan.ingest.values.errors import ValueForms, ValueParseError
from danvan.text import fold_diacritics, lower_nfc

PERIOD_KINDS = ("month", "quarter", "half_year", "nine_months", "year", "term")
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

UNKNOWN_PERIOD_FORMAT = ("unknown period format", "không đúng định dạng kỳ báo cáo")
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
    def _months(cls, kind: str, year: int, months: range, code: str, label: str) -> Period:
        """The ``months`` of ``year``, from the first day of the first to the last day of the last."""
        last_day = calendar.monthrange(year, months[-1])[1]
        return cls(kind, date(year, months[0], 1), date(year, months[-1], last_day), code, label)

    @classmethod
    def of_month(cls, year: int, month: int) -> Period:
        label = f"Tháng {month}/{year}"
        return cls._months("month", year, range(month, month + 1), f"{year}-{month:02d}", label)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        months, label = range(3 * quarter - 2, 3 * quarter + 1), f"Quý {_ROMAN_OF[quarter]}/{year}"
        return cls._months("quarter", year, months, f"{year}-Q{quarter}", label)

    @classmethod
    def of_half_year(cls, year: int, half: int) -> Period:
        half = 1 if half == 1 else 2
        label = f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {year}"
        return cls._months(
            "half_year", year, range(6 * half - 5, 6 * half + 1), f"{year}-H{half}", label
        )

    @classmethod
    def of_nine_months(cls, year: int) -> Period:
        label = f"9 tháng đầu năm {year}"
        return cls._months("nine_months", year, range(1, 10), f"{year}-9M", label)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls._months("year", year, range(1, 13), f"{year}", f"Năm {year}")

    @classmethod
    def of_term(cls, first_year: int, last_year: int) -> Period:
        code, label = f"{first_year}-{last_year}", f"Giai đoạn {first_year}–{last_year}"
        return cls("term", date(first_year, 1, 1), date(last_year, 12, 31), code, label)

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


_period_error = ValueForms(
    "a period", "không đọc được kỳ báo cáo '{text}'", PERIOD_FORMS_EN, PERIOD_FORMS_VI
).error


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


Build = Callable[..., Period]  # (text as sent, *the pattern's groups) -> the period


def _swap(build: Build) -> Build:
    """The builder for patterns that capture the year last."""
    return lambda text, first, year: build(text, year, first)


_CODE_PATTERNS: tuple[tuple[re.Pattern[str], Build], ...] = (
    (re.compile(r"(\d{4})-(\d{2})"), _month),
    (re.compile(r"(\d{4})-Q([1-4])"), _quarter),
    (re.compile(r"(\d{4})-H([12])"), _half_year),
    (re.compile(r"(\d{4})-9M"), _nine_months),
    (re.compile(r"(\d{4})"), _year),
    (re.compile(r"(\d{4})-(\d{4})"), _term),
)
# Matched against the folded, lower-case text with dashes unified.
_PERIOD_PATTERNS: tuple[tuple[re.Pattern[str], Build], ...] = (
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
    raise _period_error(text, *UNKNOWN_PERIOD_FORMAT)


def parse_period(text: str | int) -> Period:
    """A reporting period from its Vietnamese spelling, a canonical code, or a year number."""
    if isinstance(text, str):
        return _parse_period_text(text)
    if isinstance(text, int) and not isinstance(text, bool) and 1000 <= text <= 9999:
        return Period.of_year(text)
    raise _period_error(text, "not text or a four-digit year", "không phải văn bản hay năm")
