"""Read dates (``parse_date``): day first, always.

``dd/mm/yyyy`` (also ``-`` and ``.``), ISO ``yyyy-mm-dd``, ``ngày 5 tháng 3 năm
2024``, Excel serial numbers (1900 system). ``03/25/2024`` and two-digit years
are refused, never guessed. Where the day may not be known (when a model
started), ``parse_rough_date`` also takes a month (``3/2024``, ``T3/2024``,
``tháng 3/2024``) or a year (``2024``), as its first day. Every failure is a
``ValueParseError``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from danvan.ingest.values.errors import ValueForms, ValueParseError
from danvan.ingest.values.numbers import decimal_from_number
from danvan.ingest.values.periods import UNKNOWN_PERIOD_FORMAT, parse_period
from danvan.text import fold_diacritics, lower_nfc

DATE_FORMS_EN = (
    "accepted: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, 'ngày 5 tháng 3 năm 2024'"
)
DATE_FORMS_VI = (
    "chấp nhận: ngày/tháng/năm (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy), yyyy-mm-dd, "
    "'ngày 5 tháng 3 năm 2024'"
)

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 is 1900-03-01
_EXCEL_MAX_SERIAL = 2958465  # 9999-12-31
_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_DMY_RE = re.compile(rf"(\d{{1,2}})([/.-])(\d{{1,2}})\2(\d{{4}}){_TIME}")
_DMY_SHORT_YEAR_RE = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}")
_ISO_RE = re.compile(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}(?:z|[+-]\d{{2}}:?\d{{2}})?")
_WORDS_DATE_RE = re.compile(r"(\d{1,2}) ?thang ?(\d{1,2}),? ?nam ?(\d{4})")
_DAY_PREFIX_RE = re.compile(r"^ngay ?")


ROUGH_DATE_FORMS_EN = f"{DATE_FORMS_EN}, or a month (3/2024, tháng 3/2024) or a year (2024)"
ROUGH_DATE_FORMS_VI = f"{DATE_FORMS_VI}, hoặc tháng (3/2024, tháng 3/2024) hoặc năm (2024)"
ROUGH_PERIOD_KINDS = ("month", "year")
ROUGH_YEARS = range(1900, 2100)  # a model's start; a four-digit number outside is no year

_date_error = ValueForms(
    "a date", "không đọc được ngày '{text}'", DATE_FORMS_EN, DATE_FORMS_VI
).error
_rough_date_error = ValueForms(
    "a date, month or year",
    "không đọc được ngày, tháng hoặc năm '{text}'",
    ROUGH_DATE_FORMS_EN,
    ROUGH_DATE_FORMS_VI,
).error


def _excel_date(serial: object) -> date:
    if isinstance(serial, bool) or not isinstance(serial, int | float | Decimal):
        raise _date_error(serial, "not a date", "không phải ngày tháng")
    amount = decimal_from_number(serial)
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


def parse_date(text: object) -> date:
    """A calendar date: day first, four-digit years, or an Excel serial number (1900 system)."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    if isinstance(text, str):
        return _parse_date_text(text)
    return _excel_date(text)


def _parse_month_or_year(text: str, date_error: ValueParseError) -> date:
    """The first day of the month or year ``text`` names; ``date_error``: why it is no date."""
    try:
        period = parse_period(text)
    except ValueParseError as error:
        # A month that does not exist (13/2024) says so; anything else was meant as a date.
        why = date_error.why if error.why == UNKNOWN_PERIOD_FORMAT else error.why
        raise _rough_date_error(text, *why) from None
    if period.kind not in ROUGH_PERIOD_KINDS:
        raise _rough_date_error(
            text,
            f"{period.label_vi} is a {period.kind.replace('_', ' ')}, not a day, month or year",
            f"{period.label_vi} là kỳ báo cáo, không phải ngày, tháng hay năm",
        )
    if period.start.year not in ROUGH_YEARS:
        raise _rough_date_error(
            text,
            f"{period.start.year} is not a year a model can have started in",
            f"{period.start.year} không phải năm bắt đầu hợp lệ",
        )
    return period.start


def parse_rough_date(value: object) -> date:
    """A date where the day may not be known: a calendar date (``parse_date``), or a month
    (``3/2024``, ``T3/2024``, ``Tháng 03 năm 2024``) or a year (``2024``) as its first day."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and float(value).is_integer()
        and int(value) in ROUGH_YEARS
    ):
        return date(int(value), 1, 1)  # a year typed into a number cell, not an Excel serial
    try:
        return parse_date(value)
    except ValueParseError as error:
        if not isinstance(value, str):
            raise
        return _parse_month_or_year(value, error)
