"""Judge the cells a reader found: typed values for ``raw``, or problems for quarantine.

A judgement is the typed values, or ``Invalid`` holding why they cannot be had:
callers test ``judgement.__class__ is Invalid`` (as cheap as any test, on paths that
run per row). Every problem names the sheet, row and column, the value as sent, and
why, in English and Vietnamese. A row with any problem is quarantined whole; the
other rows of the file still load. ``outputs`` applies these judgements to whole
tables.

One module, at some 530 lines: ``CellJudge`` reads every kind of cell (catalogue
codes, dates, counts, figures, a submission's header) through the same caches and
reference data, and its problems share one shape.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Generic, NamedTuple, TypeVar

from danvan.ingest.format import SUBMISSION, Column, Kind
from danvan.ingest.landing.bounded import remember
from danvan.ingest.landing.measures import Measured, MeasureError, MeasureRule, Measures, Sent
from danvan.ingest.landing.report_dates import report_date_errors
from danvan.ingest.readers.contents import (
    MAX_CELL_CHARS,
    UNSTORABLE,
    Cell,
    CellValue,
    NestedValue,
    SheetRow,
    excerpt,
    is_blank,
)
from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values.dates import parse_date, parse_rough_date
from danvan.ingest.values.errors import ValueParseError
from danvan.ingest.values.periods import parse_period
from danvan.reference.admin_map import UnitMatch, UnitMatchError
from danvan.text import header_key, normalize_text, search_key
from danvan.text_legacy import LegacyReading, legacy_reading

T = TypeVar("T")


def _by_spelling(spellings: dict[T, tuple[str, ...]]) -> dict[str, T]:
    """Spelling -> value, from each value's spellings."""
    return {spelling: value for value, words in spellings.items() for spelling in words}


MAP_VERSIONS = _by_spelling(
    {
        "2025-01": ("2025-01", "old", "cu", "truoc sap nhap"),
        "2025-07": ("2025-07", "new", "moi", "sau sap nhap"),
    }
)
LEVELS = _by_spelling(
    {
        "commune": ("commune", "xa", "phuong", "thi tran", "dac khu"),
        "district": ("district", "huyen", "quan", "thi xa"),
        "province": ("province", "tinh", "thanh pho"),
        "agency": ("agency", "co quan", "don vi"),
        "central": ("central", "trung uong"),
    }
)
REPORTING_LEVELS = {"commune", "district", "province", "agency"}
RECOGNITION_LEVELS = {"commune", "district", "province", "central"}
BOOLEANS = _by_spelling(
    {
        True: ("co", "x", "yes", "true", "1", "dien hinh"),
        False: ("khong", "no", "false", "0"),
    }
)
MODEL_STATUSES = _by_spelling(
    {
        "active": ("active", "dang thuc hien", "duy tri", "hoat dong"),
        "discontinued": ("discontinued", "dung", "ngung", "da dung"),
    }
)
ORGANIZATION_SEPARATORS = re.compile(r"[;|,\n]+")
HEADER_CELLS_CACHED = 100_000
IDENTITIES_CACHED = 10_000
E = TypeVar("E")
# Header cells in the order their problems are reported.
# Whole-number cells (households, members) count people: never negative, never more
# than live in the country.
MAX_COUNT = 200_000_000
IDENTITY_READ_ORDER = (
    "reporting_unit_level",
    "period",
    "submitted_on",
    "map_version",
    "reporting_unit_code",
    "reporting_unit_name",
    "province",
    "district",
    "submitter",
    "notes",
)
_UNREAD = object()
# Free text, kept as sent when it only looks typed with a legacy font (names are refused).
FREE_TEXT_COLUMNS = frozenset({"notes", "submitter"})
PARSED_KINDS = (Kind.NUMBER, Kind.DATE, Kind.ROUGH_DATE, Kind.PERIOD, Kind.INTEGER, Kind.YEAR)
# Spellings are compared by header_key (case, diacritics and punctuation folded).
_CHOICE_TABLES: dict[Kind, Mapping[str, str | bool]] = {
    Kind.MAP_VERSION: MAP_VERSIONS,
    Kind.LEVEL: LEVELS,
    Kind.BOOLEAN: BOOLEANS,
    Kind.MODEL_STATUS: MODEL_STATUSES,
}
CHOICES = {
    kind: {header_key(spelling): value for spelling, value in table.items()}
    for kind, table in _CHOICE_TABLES.items()
}


@dataclass(frozen=True, slots=True, eq=False)
class Invalid(Generic[E]):
    """Why an input cannot be loaded: the judgement of an invalid input (compared by
    identity: a judgement is looked up, never compared)."""

    errors: tuple[E, ...]


@dataclass(frozen=True)
class Problem:
    sheet: str
    row_number: int | None
    column: str
    value_text: str
    code: str
    reason_en: str
    reason_vi: str
    row_values: str | None = None  # the whole row as JSON, for the quarantine


class CellError(ValueError):
    def __init__(self, code: str, reason_en: str, reason_vi: str, column: str = "") -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi
        self.column = column

    def at(self, column: str) -> CellError:
        """The same error, pinned to the column it was found in."""
        return CellError(self.code, self.reason_en, self.reason_vi, column)


class SubmissionIdentity(NamedTuple):
    """Who reports, for which period, sent when (a tuple: built and hashed once per report)."""

    reporting_unit_code: str
    period_code: str
    submitted_on: date
    reporting_unit_level: str
    reporting_unit_name_sent: str | None
    unit_match_method: str
    map_version: str
    province_code: str | None
    period_kind: str
    period_start: date
    period_end: date
    submitter: str | None
    notes: str | None

    @property
    def key(self) -> tuple[str, str, date]:
        return self[:3]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, NestedValue):
        return value.json_text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class CellJudge:
    """Judges cells and submission headers against the reference data (catalogue,
    administrative map, units)."""

    def __init__(self, reference: ReferenceData) -> None:
        self.catalogue = reference.catalogue
        self.admin_map = reference.admin_map
        self.units = reference.units
        self.measures = Measures(reference.catalogue, reference.units)
        self._identities: dict[tuple[object, ...], SubmissionIdentity | Invalid[Problem]] = {}
        # Header cells repeat across a unit's reports (its name, level, submitter...).
        self._header_cells: dict[tuple[str, object], object] = {}
        self._resolve = lru_cache(maxsize=4096)(self._resolve_uncached)
        # A unit is named the same way in report after report: match each spelling once.
        self._unit = lru_cache(maxsize=65536)(self._reporting_unit)

    # -- submission identity ---------------------------------------------------

    def identity(self, row: SheetRow) -> SubmissionIdentity | Invalid[Problem]:
        """The submission a row belongs to (cached: CSV rows repeat it)."""
        cells = tuple(map(row.cells.get, SUBMISSION.column_names))
        cached = self._identities.get(cells)
        if cached is None:
            cached = self._build_identity(row)
            remember(self._identities, cells, cached, IDENTITIES_CACHED)
        if isinstance(cached, Invalid):
            return Invalid(
                tuple(replace(p, sheet=row.sheet, row_number=row.row_number) for p in cached.errors)
            )
        return cached

    def _header_cell(self, name: str, cell: Cell) -> Any:
        """The typed value of a header cell, or its CellError (cached: units repeat them)."""
        key = (name, cell)
        value = self._header_cells.get(key, _UNREAD)
        if value is _UNREAD:
            try:
                value = self.cell(SUBMISSION.column(name), cell)
            except CellError as error:
                value = error
            remember(self._header_cells, key, value, HEADER_CELLS_CACHED)
        return value

    def _build_identity(self, row: SheetRow) -> SubmissionIdentity | Invalid[Problem]:
        problems: list[Problem] = []
        values: list[Any] = []
        known, cell_of = self._header_cells, row.cells.get
        for name in IDENTITY_READ_ORDER:
            cell = cell_of(name)
            value: Any = known.get((name, cell), _UNREAD)
            if value is _UNREAD:
                value = self._header_cell(name, cell)
            if value.__class__ is CellError:
                problems.append(_problem(row, name, value))
                value = None
            values.append(value)
        level, period, submitted_on, map_version, code, name, province, district = values[:8]
        submitter, notes = values[8:]
        if level is not None and level not in REPORTING_LEVELS:
            problems.append(
                _problem(
                    row,
                    "reporting_unit_level",
                    CellError(
                        "invalid_level",
                        f"a report comes from a commune, district, province or agency, not '{level}'",
                        f"đơn vị báo cáo phải là xã, huyện, tỉnh hoặc cơ quan, không phải '{level}'",
                    ),
                )
            )
        if not code and not name:
            problems.append(
                _problem(
                    row,
                    "reporting_unit_name",
                    CellError(
                        "required",
                        "give the reporting unit's code or name",
                        "cần ghi mã hoặc tên đơn vị báo cáo",
                    ),
                )
            )
        if period is not None and submitted_on is not None:
            problems += [
                _problem(row, found.column, CellError(found.code, found.reason_en, found.reason_vi))
                for found in report_date_errors(period, submitted_on)
            ]
        if problems or period is None or submitted_on is None or level is None:
            return Invalid(tuple(problems))
        if map_version is None:
            map_version = self.admin_map.map_version_for(period.end)
        unit = self._unit(level, code, name, province, district, map_version)
        if isinstance(unit, CellError):
            column = "reporting_unit_code" if code else "reporting_unit_name"
            return Invalid((_problem(row, column, unit),))
        unit_code, method, province_code = unit
        return SubmissionIdentity(
            unit_code,
            period.code,
            submitted_on,
            level,
            name,
            method,
            map_version,
            province_code,
            period.kind,
            period.start,
            period.end,
            submitter,
            notes,
        )

    def _reporting_unit(
        self,
        level: str,
        code: str | None,
        name: str | None,
        province: str | None,
        district: str | None,
        map_version: str,
    ) -> tuple[str, str, str | None] | CellError:
        """(unit code, how it matched, province code), or why the unit is not known."""
        try:
            if level == "agency":
                if not province:
                    raise CellError(
                        "agency_without_province",
                        "an agency's report must name its province",
                        "báo cáo của cơ quan phải ghi tỉnh/thành phố",
                    )
                province_match = self._match(province, map_version, "province", None, None)
                agency = code or search_key(name or "").replace(" ", "-")
                return f"{province_match.unit_code}-{agency}", "agency", province_match.unit_code
            match = self._match(code or name or "", map_version, level, province, district)
        except CellError as error:
            return error
        return match.unit_code, match.method, match.province_code

    def _match(
        self,
        text: str,
        map_version: str,
        level: str,
        province: str | None,
        district: str | None,
    ) -> UnitMatch:
        try:
            return self.admin_map.match(
                text, map_version=map_version, level=level, province=province, district=district
            )
        except UnitMatchError as error:
            raise CellError(
                f"unit_{error.kind}",
                str(error),
                f"không xác định được đơn vị '{text}' trên bản đồ hành chính {map_version}: {error}",
            ) from error

    # -- section rows ----------------------------------------------------------

    def host_commune(self, text: str, identity: SubmissionIdentity) -> str:
        match = self._match(text, identity.map_version, "commune", identity.province_code, None)
        return match.unit_code

    def cell(self, column: Column, value: Cell) -> Any:
        """The typed value of one cell (a NUMBER is checked here and read by ``quantity``);
        CellError if it has none."""
        if is_blank(value):
            if column.required:
                raise CellError(
                    "required",
                    f"'{column.name}' ({column.header_vi}) is required and blank",
                    f"cột '{column.header_vi}' bắt buộc nhưng đang để trống",
                )
            return None
        if isinstance(value, NestedValue):
            raise CellError(
                "not_a_value",
                "a list or object was sent where one value belongs",
                "ô này phải là một giá trị, không phải danh sách hay đối tượng",
            )
        if isinstance(value, str):
            _check_text(value)
            if not value.isascii():
                value = unicode_text(value, strict=column.name not in FREE_TEXT_COLUMNS)
        if column.kind in PARSED_KINDS:
            return self._parse_value(column.kind, value)
        return self._resolve(column.kind, cell_text(value).strip())

    def _parse_value(self, kind: Kind, value: CellValue) -> Any:
        try:
            if kind is Kind.DATE:
                return parse_date(value)
            if kind is Kind.ROUGH_DATE:
                return parse_rough_date(value)
            if kind is Kind.PERIOD:
                return parse_period(cell_text(value))
            if kind is Kind.NUMBER:
                return value  # read together with its unit by quantity()
            number = self.units.parse_number(value).value
        except ValueParseError as error:
            raise CellError("invalid_value", str(error), error.message_vi) from error
        if number != number.to_integral_value():
            raise CellError(
                "not_integer",
                f"'{cell_text(value)}' is not a whole number",
                f"'{cell_text(value)}' không phải số nguyên",
            )
        if kind is Kind.INTEGER and not 0 <= number <= MAX_COUNT:
            raise CellError(
                "count_out_of_range",
                f"'{cell_text(value)}' is not a count of households or people (0 to {MAX_COUNT:,})",
                f"'{cell_text(value)}' không phải số hộ hay số người hợp lệ (0 đến {MAX_COUNT:,})",
            )
        if kind is Kind.YEAR and not 1945 <= number <= 2100:
            raise CellError(
                "invalid_year",
                f"'{cell_text(value)}' is not a year",
                f"'{cell_text(value)}' không phải là năm",
            )
        return int(number)

    def sent_figure(self, value: CellValue, unit: str | None) -> Sent:
        """A figure's number and unit as written; CellError if they cannot be read."""
        try:
            return self.measures.sent(value, cell_text(value), unit)
        except ValueParseError as error:
            # An unknown unit in the unit column is that cell's mistake, not the value's.
            code = "unknown_unit" if unit is not None and error.text == unit else "invalid_value"
            raise CellError(code, str(error), error.message_vi) from error

    def figure(self, rule: MeasureRule, sent: Sent) -> Measured:
        """A figure of a catalogue entry in its canonical unit, as sent beside it."""
        try:
            return self.measures.canonical(rule, sent)
        except MeasureError as error:
            raise CellError(error.code, error.reason_en, error.reason_vi) from error

    def _resolve_uncached(self, kind: Kind, text: str) -> object:
        if kind is Kind.TEXT:
            return normalize_text(text)
        if kind is Kind.CODE:
            return unicodedata.normalize("NFC", text).strip()
        if kind is Kind.UNIT:
            return text
        table = CHOICES.get(kind)
        if table is not None:
            key = header_key(text)
            if key in table:
                return table[key]
            raise CellError(
                f"invalid_{kind.value}",
                f"'{text}' is not a valid {kind.value}; expected one of: {', '.join(sorted(set(map(str, table.values()))))}",
                f"'{text}' không hợp lệ; giá trị cho phép: {', '.join(sorted(table))}",
            )
        if kind is Kind.ORGANIZATIONS:
            parts = [part.strip() for part in ORGANIZATION_SEPARATORS.split(text) if part.strip()]
            return [self._catalogue_code("organization", part) for part in parts]
        return self._catalogue_code(kind.value, text)

    def _catalogue_code(self, list_name: str, text: str) -> str:
        code = self.catalogue.resolve(list_name, text)
        if code is None:
            raise CellError(
                f"unknown_{list_name}",
                f"'{text}' is not in the {list_name} catalogue (e.g. {self.catalogue.examples(list_name)})",
                f"'{text}' không có trong danh mục (ví dụ: {self.catalogue.examples(list_name)})",
            )
        return code


def _check_text(value: str) -> None:
    """Text PostgreSQL can store, of a length a spreadsheet cell can hold."""
    if value.isascii() and "\x00" not in value and len(value) <= MAX_CELL_CHARS:
        return  # the common case, without a regular expression
    if len(value) > MAX_CELL_CHARS:
        raise CellError(
            "too_long",
            f"the value has {len(value):,} characters; at most {MAX_CELL_CHARS:,} are accepted",
            f"giá trị dài {len(value):,} ký tự, vượt giới hạn {MAX_CELL_CHARS:,}",
        )
    if UNSTORABLE.search(value):
        raise CellError(
            "invalid_character",
            "the value contains a NUL character or a broken (surrogate) character",
            "giá trị chứa ký tự NUL hoặc ký tự lỗi mã hóa",
        )


def unicode_text(value: str, *, strict: bool) -> str:
    """The text as Unicode: as sent, or read back from a legacy font encoding (TCVN3, VNI)
    when that reading is certain. Text that only looks typed with one is a CellError when
    ``strict`` (a name to match), else kept as sent."""
    reading = legacy_reading(value)
    if reading is None:
        return value
    if reading.text is not None:
        return reading.text
    if not strict:
        return value
    fonts = " hoặc ".join(reading.encodings)
    raise CellError(
        "legacy_encoding",
        f"the text looks typed with a {' or '.join(reading.encodings)} font (a legacy "
        "Vietnamese encoding, not Unicode) and cannot be read back with certainty; retype "
        "it in Unicode",
        f"văn bản gõ bằng phông {fonts} (bảng mã cũ, không phải Unicode) và không chuyển đổi "
        "chắc chắn được; hãy gõ lại bằng bảng mã Unicode (ví dụ Unikey, bảng mã Unicode)",
    )


def legacy_conversions(cells: Iterable[object]) -> Iterator[tuple[str, LegacyReading]]:
    """The cells typed with a legacy font that were read back as Unicode, with how."""
    for cell in cells:
        if isinstance(cell, str) and not cell.isascii():
            reading = legacy_reading(cell)
            if reading is not None and reading.text is not None:
                yield cell, reading


def problem_at(
    sheet: str,
    row_number: int | None,
    column: str,
    value: object,
    error: CellError,
    row_values: str | None,
) -> Problem:
    """A problem as stored and reported: long values and reasons clipped, unstorable text replaced."""
    return Problem(
        sheet,
        row_number,
        column,
        excerpt(cell_text(value)),
        error.code,
        excerpt(error.reason_en, 1000),
        excerpt(error.reason_vi, 1000),
        row_values,
    )


def row_json(cells: Mapping[str, object]) -> str:
    return json.dumps(
        {name: excerpt(cell_text(value)) for name, value in cells.items()}, ensure_ascii=False
    )


def _problem(row: SheetRow, column: str, error: CellError) -> Problem:
    return problem_at(
        row.sheet, row.row_number, column, row.cells.get(column), error, row_json(row.cells)
    )
