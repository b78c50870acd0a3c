"""Read a submission file (xlsx, csv or json) into tables of cells by format column.

Readers only find the cells: which sheet and row, which column. They do not
judge values (``records`` and ``rows`` do). A file that cannot be read at all,
or whose reading would be unsafe, raises ``FileRejected`` with a reason in
English and Vietnamese. Memory stays bounded: CSV rows stream from disk with
a cap on line length, JSON documents have a size cap, and a workbook's zip
container is checked (sizes, XML entities, how many cells each sheet claims)
before the workbook is parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from defusedxml import ElementTree

from danvan.ingest.format import (
    CSV_IDENTITY_COLUMNS,
    FORMAT_VERSION,
    ROW_SECTIONS,
    SECTIONS_BY_NAME,
    SUBMISSION,
    Section,
)
from danvan.text import header_key

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024  # one unit's report; parsed whole, so capped lower
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
MAX_XLSX_MEMBERS = 10_000
MAX_SHEET_CELLS = 30_000_000  # a sheet is held as a dense grid from A1 to its last cell
MAX_SHEET_ROWS = 999_999
MAX_CSV_LINE_BYTES = 4 * 1024 * 1024
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell
EXCERPT_CHARS = 200  # how much of a long value is quoted back in reasons and quarantine
HEADER_SEARCH_ROWS = 15
IGNORED_SHEETS = {"huong dan", "instructions", "danh muc", "lists"}
CSV_DELIMITERS = (",", ";", "\t")

CellValue = str | int | float | bool | date | datetime | None


class FileRejected(Exception):
    """The whole file cannot be read; nothing in it is loaded."""

    def __init__(self, code: str, reason_en: str, reason_vi: str) -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi


@dataclass(frozen=True)
class NestedValue:
    """A JSON list or object where one value belongs (hashable; records refuse it)."""

    json_text: str


@dataclass(frozen=True)
class SheetRow:
    section: str
    sheet: str
    row_number: int  # as the sender sees it: Excel row, CSV record, JSON array position (1-based)
    cells: dict[str, CellValue | NestedValue]


@dataclass(frozen=True)
class StrayCell:
    """Content the format has no place for (unknown column or sheet): quarantined, not dropped."""

    sheet: str
    row_number: int | None
    column: str
    value: str
    code: str


@dataclass(frozen=True)
class CsvSource:
    """Where a CSV table's rows come from, for a reader that parses the file itself."""

    path: Path
    delimiter: str


@dataclass
class Table:
    """One section's rows as sent: a worksheet, a CSV file or a JSON list."""

    section: Section
    sheet: str
    columns: tuple[str | None, ...]  # the format column at each position; None: not loaded
    titles: tuple[str, ...]  # the header as written, to name cells that are not loaded
    rows: Iterable[tuple[int, list]]  # (row number as the sender sees it, cells by position)
    unplaced: dict[int, str] = field(default_factory=dict)  # position -> why it is not loaded
    csv_source: CsvSource | None = None  # a UTF-8 CSV file, which Arrow may read instead

    def title(self, position: int) -> str:
        if position < len(self.titles) and self.titles[position].strip():
            return excerpt(self.titles[position])
        return column_letter(position)


@dataclass
class FileContents:
    file_format: str
    sections: tuple[str, ...]
    header: SheetRow | None = None  # the submission header (xlsx, json); CSV rows carry their own
    tables: Iterable[Table] = field(default_factory=list)  # a workbook's: as its sheets are parsed
    stray: list[StrayCell] = field(default_factory=list)


# PostgreSQL text cannot hold NUL, and UTF-8 cannot encode lone surrogates.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """Text safe to store and short enough to quote back: no NUL or lone surrogates, clipped."""
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text):,} characters)"
    return UNSTORABLE.sub("\ufffd", text)


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_aliases(section: Section) -> dict[str, str]:
    aliases: dict[str, str] = {}
    for column in section.columns:
        for spelling in (column.name, column.name.replace("_", " "), column.header_vi):
            aliases[header_key(spelling)] = column.name
    return aliases


COLUMN_ALIASES = {section.name: _column_aliases(section) for section in SECTIONS_BY_NAME.values()}
SHEET_ALIASES = {
    header_key(spelling): section.name
    for section in SECTIONS_BY_NAME.values()
    for spelling in (section.name, section.sheet_vi, section.sheet_en)
}


def read_submission_file(path: Path) -> FileContents:
    size = path.stat().st_size
    suffix = path.suffix.lower()
    limit = MAX_JSON_BYTES if suffix == ".json" else MAX_FILE_BYTES
    if size > limit:
        raise FileRejected(
            "file_too_large",
            f"the file is {size:,} bytes; the limit for {suffix} files is {limit:,}",
            f"tệp có {size:,} byte, vượt giới hạn {limit:,} byte của tệp {suffix}",
        )
    if size == 0:
        raise FileRejected("empty_file", "the file is empty", "tệp rỗng")
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    raise FileRejected(
        "unsupported_type",
        f"'{suffix or path.name}' files are not submissions: send .xlsx, .csv or .json",
        f"không nhận tệp '{suffix or path.name}': hãy gửi tệp .xlsx, .csv hoặc .json",
    )


def _place_columns(
    titles: list, aliases: dict[str, str], allowed: Iterable[str]
) -> tuple[tuple[str | None, ...], dict[int, str]]:
    """The format column under each title, and why the other positions are not loaded."""
    allowed = set(allowed)
    columns: list[str | None] = []
    unplaced: dict[int, str] = {}
    for position, title in enumerate(titles):
        name = aliases.get(header_key(title)) if not is_blank(title) else None
        if name is not None and name in columns:
            unplaced[position] = "duplicate_column"
            name = None
        elif name not in allowed:
            unplaced[position] = "unknown_column"
            name = None
        columns.append(name)
    return tuple(columns), unplaced


def _missing_columns(
    where: str, section: Section, present: Iterable[str | None], identity: bool = False
) -> FileRejected | None:
    """A table that lacks a required column is refused: every one of its rows would fail."""
    present = {name for name in present if name}
    sections = (SUBMISSION, section) if identity else (section,)
    missing = [c.name for s in sections for c in s.columns if c.required and c.name not in present]
    missing += [
        " or ".join(s.required_one_of)
        for s in sections
        if s.required_one_of and not present & set(s.required_one_of)
    ]
    if not missing:
        return None
    return FileRejected(
        "missing_columns",
        f"{where}: required columns missing: {', '.join(missing)}",
        f"{where}: thiếu cột bắt buộc: {', '.join(missing).replace(' or ', ' hoặc ')}",
    )


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- JSON ----------------------------------------------------------------------


def read_json(path: Path) -> FileContents:
    try:
        document = json.loads(path.read_bytes())  # UTF-8, -16 or -32, with or without BOM
    except UnicodeDecodeError as error:
        raise _not_utf8(f"at byte {error.start}", "UTF-8 JSON") from error
    except json.JSONDecodeError as error:
        raise FileRejected(
            "invalid_json",
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            f"JSON không hợp lệ tại dòng {error.lineno}, cột {error.colno}: {error.msg}",
        ) from error
    except (RecursionError, ValueError) as error:
        raise FileRejected(
            "invalid_json",
            f"the JSON cannot be read: {error}",
            f"không đọc được JSON (lồng quá sâu hoặc số quá dài): {error}",
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("submission"), dict):
        raise FileRejected(
            "invalid_structure",
            "a JSON submission is an object with a 'submission' object (see the JSON Schema)",
            "bản báo cáo JSON phải là một đối tượng có mục 'submission' (xem JSON Schema)",
        )
    version = document.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise FileRejected(
            "unsupported_version",
            f"format_version {excerpt(str(version))} is not supported; this is version {FORMAT_VERSION}",
            f"không hỗ trợ format_version {excerpt(str(version))}; phiên bản hiện hành là {FORMAT_VERSION}",
        )
    contents = FileContents("json", tuple(section.name for section in (SUBMISSION, *ROW_SECTIONS)))
    known = {"format_version", "$schema", *SECTIONS_BY_NAME}
    for key, value in document.items():
        if key not in known:
            contents.stray.append(
                StrayCell("", None, excerpt(key), _json_excerpt(value), "unknown_section")
            )
    header = document["submission"]
    contents.header = SheetRow(
        SUBMISSION.name,
        SUBMISSION.name,
        1,
        {name: _json_cell(header[name]) for name in SUBMISSION.column_names if name in header},
    )
    _json_unknown_keys(contents, SUBMISSION, SUBMISSION.name, None, header)
    for section in ROW_SECTIONS:
        items = document.get(section.name, [])
        if not isinstance(items, list):
            raise FileRejected(
                "invalid_structure",
                f"'{section.name}' must be a list of objects",
                f"mục '{section.name}' phải là một danh sách",
            )
        rows = []
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                contents.stray.append(
                    StrayCell(section.name, position, "", _json_excerpt(item), "not_an_object")
                )
                continue
            _json_unknown_keys(contents, section, section.name, position, item)
            rows.append((position, [_json_cell(item.get(name)) for name in section.column_names]))
        contents.tables.append(Table(section, section.name, section.column_names, (), rows))
    return contents


def _json_unknown_keys(
    contents: FileContents, section: Section, sheet: str, position: int | None, item: dict
) -> None:
    for key, value in item.items():
        if key not in section.column_names:
            contents.stray.append(
                StrayCell(sheet, position, excerpt(key), _json_excerpt(value), "unknown_column")
            )


def _json_cell(value: object) -> CellValue | NestedValue:
    if isinstance(value, bool):
        # As text: True == 1 would make a boolean and a number share one judgement.
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return NestedValue(_json_excerpt(value))
    return value


def _json_excerpt(value: object) -> str:
    return excerpt(json.dumps(value, ensure_ascii=False))


# -- CSV -----------------------------------------------------------------------


def read_csv(path: Path) -> FileContents:
    section = _csv_section(path)
    sheet = excerpt(path.name, 255)  # the file name is the rows' sheet in their lineage
    handle = path.open("rb", buffering=0)
    try:
        reader, utf16 = _csv_reader(handle)
        header = next(reader, None)
        if header is None:
            raise FileRejected(
                "empty_file", "the CSV has no header row", "tệp CSV không có dòng tiêu đề"
            )
        aliases = {**COLUMN_ALIASES[SUBMISSION.name], **COLUMN_ALIASES[section.name]}
        columns, unplaced = _place_columns(
            header, aliases, (*CSV_IDENTITY_COLUMNS, *section.column_names)
        )
        if missing := _missing_columns(sheet, section, columns, identity=True):
            raise missing
    except csv.Error as error:
        handle.close()
        raise _csv_error(error, 1) from error
    except UnicodeDecodeError as error:
        handle.close()
        raise _not_utf8("in the header") from error
    except BaseException:
        handle.close()
        raise
    table = Table(section, sheet, columns, tuple(header), _CsvRecords(handle, reader), unplaced)
    if not utf16:
        table.csv_source = CsvSource(path, reader.dialect.delimiter)
    return FileContents("csv", (SUBMISSION.name, section.name), tables=[table])


def _csv_section(path: Path) -> Section:
    """``<anything>.<section>.csv``: one section per CSV file."""
    stem_parts = path.name.lower().split(".")
    name = stem_parts[-2] if len(stem_parts) >= 3 else ""
    for section in ROW_SECTIONS:
        if name == section.name:
            return section
    names = ", ".join(f"*.{section.name}.csv" for section in ROW_SECTIONS)
    raise FileRejected(
        "unknown_csv_section",
        f"cannot tell which section '{path.name}' holds: name CSV files {names}",
        f"không xác định được nội dung của '{path.name}': đặt tên tệp CSV theo mẫu {names}",
    )


def _csv_reader(handle) -> tuple[Iterator[list[str]], bool]:
    """A csv reader over the file as text: UTF-8 (BOM or not) or UTF-16 with a BOM; and
    whether it is UTF-16."""
    head = handle.read(4)
    handle.seek(0)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    buffered = io.BufferedReader(_GuardedBytes(handle, refuse_nul=not utf16), 1 << 20)
    first_line = buffered.peek(1 << 16).split(b"\n", 1)[0].decode(encoding, "replace")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    text = io.TextIOWrapper(buffered, encoding, newline="")
    return csv.reader(text, delimiter=delimiter), utf16


class _CsvRecords:
    """(record number, fields) from record 2 on; read errors reject the file."""

    def __init__(self, handle, reader) -> None:
        self._handle = handle
        self._reader = reader

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with self._handle:
            try:
                yield from enumerate(self._reader, start=2)
            except csv.Error as error:
                raise _csv_error(error, self._reader.line_num) from error
            except UnicodeDecodeError as error:
                raise _not_utf8(f"near line {self._reader.line_num}") from error

    def close(self) -> None:
        """Release the file when another reader reads it instead."""
        self._handle.close()


class _GuardedBytes(io.RawIOBase):
    """The file's bytes, refusing NUL bytes (binary data) and overlong lines as they stream."""

    def __init__(self, handle, *, refuse_nul: bool) -> None:
        self._handle = handle
        self._refuse_nul = refuse_nul
        self._line_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._handle.read(min(len(buffer), 1 << 20))
        if self._refuse_nul and b"\x00" in data:
            raise FileRejected(
                "binary_content",
                "the file contains NUL bytes: it is binary, or UTF-16 text without a byte-order "
                "mark; save it as 'CSV UTF-8'",
                "tệp chứa byte NUL: là dữ liệu nhị phân hoặc văn bản UTF-16 không có BOM; "
                "hãy lưu dạng 'CSV UTF-8'",
            )
        last_newline = data.rfind(b"\n")
        if last_newline < 0:
            self._line_bytes += len(data)
        else:
            # Lines wholly inside one chunk are shorter than the chunk, itself under the cap.
            self._line_bytes += data.find(b"\n")
            self._check_line()
            self._line_bytes = len(data) - last_newline - 1
        self._check_line()
        buffer[: len(data)] = data
        return len(data)

    def _check_line(self) -> None:
        if self._line_bytes > MAX_CSV_LINE_BYTES:
            raise FileRejected(
                "line_too_long",
                f"a line is longer than {MAX_CSV_LINE_BYTES:,} bytes; no submission row is that long",
                f"có dòng dài hơn {MAX_CSV_LINE_BYTES:,} byte; không có dòng báo cáo nào dài như vậy",
            )


def _csv_error(error: csv.Error, line: int) -> FileRejected:
    if "field limit" in str(error):
        limit = csv.field_size_limit()
        return FileRejected(
            "cell_too_large",
            f"line {line}: a cell is longer than {limit:,} characters (at most "
            f"{MAX_CELL_CHARS:,} are accepted)",
            f"dòng {line}: có ô dài hơn {limit:,} ký tự (tối đa {MAX_CELL_CHARS:,})",
        )
    return FileRejected(
        "invalid_csv",
        f"unreadable CSV at line {line}: {error}",
        f"tệp CSV lỗi tại dòng {line}: {error}",
    )


def _not_utf8(where: str, save_as: str = "CSV UTF-8") -> FileRejected:
    return FileRejected(
        "not_utf8",
        f"the text is not UTF-8 (first bad byte {where}); save it as '{save_as}'",
        f"văn bản không ở mã UTF-8 (byte lỗi đầu tiên {where}); hãy lưu dạng '{save_as}'",
    )


# -- Excel ---------------------------------------------------------------------

Grid = list[list[CellValue]]


def read_xlsx(path: Path) -> FileContents:
    """The header and stray sheets at once; the tables as they are iterated, while a
    worker thread parses the next sheets (calamine releases the GIL while it parses)."""
    sheets = _SheetLoader(path)
    try:
        contents = FileContents(
            "xlsx", tuple(section.name for section in (SUBMISSION, *ROW_SECTIONS))
        )
        assigned = _assign_sheets(sheets.names, sheets.grid)
        tabular = []
        for sheet_name in sheets.names:
            section_name = assigned.get(sheet_name)
            if section_name is None:
                _stray_sheet(contents, sheet_name, sheets.grid(sheet_name))
            elif section_name == SUBMISSION.name:
                contents.header = _key_value_sheet(contents, sheet_name, sheets.grid(sheet_name))
            else:
                tabular.append((SECTIONS_BY_NAME[section_name], sheet_name))
        if contents.header is None:
            raise FileRejected(
                "missing_sheet",
                f"no '{SUBMISSION.sheet_vi}' ({SUBMISSION.sheet_en}) sheet with the unit and period",
                f"thiếu trang '{SUBMISSION.sheet_vi}' ghi đơn vị và kỳ báo cáo",
            )
    except BaseException:
        sheets.close()
        raise
    contents.tables = sheets.tables(tabular)
    return contents


class _SheetLoader:
    """A workbook's worksheets as grids on demand. Each sheet's part is checked, then a
    worker thread parses it (calamine releases the GIL) while the next one is checked
    and, later, while the caller lands the sheets already parsed."""

    def __init__(self, path: Path) -> None:
        from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

        self._errors = (CalamineError, ValueError)
        container = _CheckedWorkbook(path)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx")
        self._workbook = None
        try:
            with self._unreadable_as_rejected():
                self._workbook = CalamineWorkbook.from_path(str(path))
                self.names = [
                    meta.name
                    for meta in self._workbook.sheets_metadata
                    if meta.typ == SheetTypeEnum.WorkSheet
                    and header_key(meta.name) not in IGNORED_SHEETS
                ]
            self._sheets = {}
            for name in self.names:
                has_booleans = container.check_sheet(name)
                self._sheets[name] = self._worker.submit(self._parse, name, has_booleans)
            container.check_rest()
        except BaseException:
            self.close()
            raise
        finally:
            container.close()
        self._grids: dict[str, Grid] = {}

    def _parse(self, name: str, has_booleans: bool):
        return self._workbook.get_sheet_by_name(name), has_booleans

    @contextmanager
    def _unreadable_as_rejected(self) -> Iterator[None]:
        try:
            yield
        except self._errors as error:
            raise FileRejected(
                "invalid_xlsx",
                f"the workbook cannot be read: {excerpt(str(error))}",
                f"không đọc được bảng tính: {excerpt(str(error))}",
            ) from error

    def grid(self, name: str) -> Grid:
        if name not in self._grids:
            with self._unreadable_as_rejected():
                self._grids[name] = _grid(*self._sheets[name].result())
        return self._grids[name]

    def tables(self, tabular: list[tuple[Section, str]]) -> Iterator[Table]:
        """Each tabular sheet's table, once its sheet is parsed; then the workbook is closed."""
        try:
            for section, name in tabular:
                yield _tabular_sheet(section, name, self.grid(name))
                self._grids.pop(name)  # its rows are landed: let its memory go
        finally:
            self.close()

    def close(self) -> None:
        self._worker.shutdown(cancel_futures=True)
        if self._workbook is not None:
            self._workbook.close()


# Cheap searches over each worksheet's XML as it is decompressed. A cell ref past
# column Z or row 999,999, a cell without a ref, or one with a namespace prefix
# (which these searches do not parse) could make the dense grid huge; all are
# rare in submissions, so finding one triggers an exact count of the sheet.
_FAR_REF = re.compile(rb"""r\s*=\s*["'](?:[A-Z]{2}|[A-Z]?[0-9]{7})""")
_CELL_WITHOUT_REF = re.compile(rb"""<c[\s/>](?![^>]*r\s*=)""")
_PREFIXED_CELL = re.compile(rb""":c[\s/>]""")
_BOOLEAN_CELL = re.compile(rb"""t=["']b["']""")
_ROW_OR_CELL = re.compile(rb"""<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>""")
_REF_ATTRIBUTE = re.compile(rb"""\br\s*=\s*["']([A-Z]*)([0-9]*)""")
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
XML_PROLOGUE_BYTES = 1 << 16
_CHUNK = 1 << 20


class _CheckedWorkbook:
    """A workbook's zip container, checked part by part before calamine reads the part.

    Not a workbook, a zip bomb, XML entities or a sheet of absurd extent reject the
    file. Every part but the worksheets is checked at once; a worksheet is checked by
    ``check_sheet`` just before it is parsed, so parsing one overlaps checking the next.
    """

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            magic = handle.read(8)
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileRejected(
                "not_xlsx",
                "this is an old Excel 97-2003 (.xls) workbook renamed .xlsx; save it as .xlsx",
                "đây là bảng tính Excel 97-2003 (.xls) bị đổi tên; hãy lưu lại dạng .xlsx",
            )
        try:
            self._archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise FileRejected(
                "not_xlsx",
                "the file is not an Excel .xlsx workbook (not a zip container)",
                "tệp không phải bảng tính Excel .xlsx",
            ) from error
        try:
            self._unchecked = {member.filename: member for member in self._archive.infolist()}
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= self._unchecked.keys():
                raise FileRejected(
                    "not_xlsx",
                    "the zip container is not an Excel workbook (no xl/workbook.xml)",
                    "tệp nén không phải bảng tính Excel (thiếu xl/workbook.xml)",
                )
            if len(self._unchecked) > MAX_XLSX_MEMBERS:
                raise _bomb(f"{len(self._unchecked):,} parts")
            for member in self._unchecked.values():
                if (
                    member.file_size > _CHUNK
                    and member.file_size > MAX_XLSX_COMPRESSION_RATIO * max(member.compress_size, 1)
                ):
                    raise _bomb(member.filename)
            self._total = 0
            for name in [name for name in self._unchecked if not _is_sheet(name)]:
                self._check(name)
            self._sheet_parts = self._sheet_parts_by_name()
        except BaseException:
            self.close()
            raise

    def check_sheet(self, sheet: str) -> bool:
        """Check the part of one worksheet (all remaining parts, if it cannot be told
        which); return whether it has boolean cells."""
        part = self._sheet_parts.get(sheet)
        parts = [part] if part in self._unchecked else list(self._unchecked)
        return any([self._check(name) for name in parts])

    def check_rest(self) -> None:
        """Check the parts no sheet read: a bomb anywhere in the file rejects it."""
        for name in list(self._unchecked):
            self._check(name)

    def close(self) -> None:
        self._archive.close()

    def _check(self, name: str) -> bool:
        member = self._unchecked.pop(name)
        try:
            size, booleans = _check_member(
                self._archive, member, MAX_XLSX_UNCOMPRESSED_BYTES - self._total
            )
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise FileRejected(
                "invalid_xlsx",
                f"the workbook is damaged or encrypted ({name}: {excerpt(str(error))})",
                f"bảng tính bị hỏng hoặc có mật khẩu ({name})",
            ) from error
        self._total += size
        return booleans

    def _sheet_parts_by_name(self) -> dict[str, str]:
        """Sheet name -> its part, from the (already checked) workbook and its relations."""
        try:
            workbook = ElementTree.fromstring(self._archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(self._archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ValueError, ElementTree.ParseError):
            return {}  # calamine decides whether the workbook can be read
        targets = {
            relation.get("Id"): relation.get("Target", "")
            for relation in relations
            if relation.tag.endswith("Relationship")
        }
        parts = {}
        for sheet in workbook.iter():
            if sheet.tag.endswith("}sheet"):
                target = targets.get(sheet.get(f"{{{_OFFICE_RELATIONSHIPS}}}id"), "")
                parts[sheet.get("name")] = (
                    target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                )
        return parts


_OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int):
    """Decompress with a cap (declared sizes can lie); check XML prologues and sheet extents."""
    name = member.filename
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    is_sheet = _is_sheet(name)
    size = 0
    prologue = b""
    carry = b""
    exact_extent_needed = False
    has_booleans = False
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise _bomb(name)
            if is_xml and len(prologue) < XML_PROLOGUE_BYTES:
                prologue += chunk[: XML_PROLOGUE_BYTES - len(prologue)]
            if is_sheet:
                window, carry = _complete_tags(name, carry + chunk)
                exact_extent_needed = exact_extent_needed or any(
                    pattern.search(window)
                    for pattern in (_FAR_REF, _CELL_WITHOUT_REF, _PREFIXED_CELL)
                )
                has_booleans = has_booleans or bool(_BOOLEAN_CELL.search(window))
    if is_xml:
        _check_prologue(name, prologue)
    if exact_extent_needed:
        _check_sheet_extent(archive, member)
    return size, has_booleans


def _complete_tags(name: str, text: bytes) -> tuple[bytes, bytes]:
    """``text`` up to its last complete tag, and the rest, searched with the next chunk."""
    cut = text.rfind(b">") + 1
    if len(text) - cut > _CHUNK:
        raise FileRejected(
            "invalid_xlsx",
            f"{name} has an XML tag longer than {_CHUNK:,} bytes",
            f"{name} có thẻ XML dài quá {_CHUNK:,} byte",
        )
    return text[:cut], text[cut:]


def _check_prologue(name: str, prologue: bytes) -> None:
    """Workbooks never declare a DTD; one can define entities that expand without bound."""
    text = prologue.replace(b"\x00", b"")  # UTF-16 XML
    root = _ROOT_ELEMENT.search(text)
    if root is None and len(prologue) >= XML_PROLOGUE_BYTES:
        raise FileRejected(
            "xml_entities",
            f"{name} has no root element in its first {XML_PROLOGUE_BYTES:,} bytes",
            f"{name} không có phần tử gốc trong {XML_PROLOGUE_BYTES:,} byte đầu",
        )
    before_root = text[: root.start()] if root else text
    if b"<!DOCTYPE" in before_root.upper() or b"<!ENTITY" in before_root.upper():
        raise FileRejected(
            "xml_entities",
            f"{name} declares a DTD/entities, which workbooks never need",
            f"{name} chứa khai báo DTD/entity không hợp lệ trong bảng tính",
        )


def _check_sheet_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Count rows and columns the way a reader places cells (explicit refs, else the next slot)."""
    rows = columns = row = column = 0
    pending = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            text, pending = _complete_tags(member.filename, pending + chunk)
            for tag in _ROW_OR_CELL.finditer(text):
                ref = _REF_ATTRIBUTE.search(tag.group(2))
                letters, digits = ref.groups() if ref else (b"", b"")
                if tag.group(1) == b"row":
                    row = int(digits) if digits else row + 1
                    column = 0
                else:
                    column = _column_number(letters) if letters else column + 1
                    row = int(digits) if digits else max(row, 1)
                rows, columns = max(rows, row), max(columns, column)
                if rows > MAX_SHEET_ROWS or rows * columns > MAX_SHEET_CELLS:
                    raise _sheet_too_large(
                        member.filename, f"cells up to row {rows:,} and column {columns:,}"
                    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _sheet_too_large(name: str, what: str) -> FileRejected:
    return FileRejected(
        "sheet_too_large",
        f"{name} has {what}; a sheet may span at most {MAX_SHEET_CELLS:,} cells and "
        f"{MAX_SHEET_ROWS:,} rows",
        f"{name} có ô ở vị trí quá xa ({what}); mỗi trang tối đa {MAX_SHEET_CELLS:,} ô và "
        f"{MAX_SHEET_ROWS:,} dòng",
    )


def _bomb(member: str) -> FileRejected:
    return FileRejected(
        "zip_bomb",
        f"{member} decompresses beyond the limit ({MAX_XLSX_UNCOMPRESSED_BYTES:,} bytes, "
        f"{MAX_XLSX_COMPRESSION_RATIO}:1, {MAX_XLSX_MEMBERS:,} parts)",
        f"{member} giải nén vượt giới hạn cho phép",
    )


def _grid(sheet, has_booleans: bool) -> Grid:
    """Cells from A1 (so row numbers match Excel), merged ranges filled from their top-left cell."""
    end = sheet.end
    if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_SHEET_CELLS:
        raise _sheet_too_large(sheet.name, f"cells up to {column_letter(end[1])}{end[0] + 1}")
    rows = sheet.to_python(skip_empty_area=False)
    if has_booleans:
        # As text: True == 1 would make a boolean and a number share one judgement.
        for row in rows:
            for position, value in enumerate(row):
                if value is True or value is False:
                    row[position] = "TRUE" if value else "FALSE"
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(rows):
            continue
        value = rows[top][left] if left < len(rows[top]) else None
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            row.extend([""] * (right + 1 - len(row)))
            for c in range(left, right + 1):
                if row[c] in ("", None):
                    row[c] = value
    return rows


def _assign_sheets(names: list[str], grid_of: Callable[[str], Grid]) -> dict[str, str]:
    """Sheets by name first; a renamed sheet is recognised by its header row if unambiguous
    (only then is its grid needed)."""
    assigned: dict[str, str] = {}
    for name in names:
        section = SHEET_ALIASES.get(header_key(name))
        if section and section not in assigned.values():
            assigned[name] = section
    for name in names:
        if name in assigned:
            continue
        grid = grid_of(name)
        candidates = [
            section.name
            for section in ROW_SECTIONS
            if section.name not in assigned.values() and _find_header(section, grid) is not None
        ]
        if (
            not candidates
            and SUBMISSION.name not in assigned.values()
            and _key_value_cells(grid).keys() >= {"period", "submitted_on"}
        ):
            candidates = [SUBMISSION.name]
        if len(candidates) == 1:
            assigned[name] = candidates[0]
    return assigned


def _find_header(section: Section, grid: Grid) -> int | None:
    """The row (within the first few) whose cells name all required columns, most matches wins."""
    aliases = COLUMN_ALIASES[section.name]
    required = {c.name for c in section.columns if c.required}
    best: int | None = None
    best_hits = 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        hits = {aliases.get(header_key(cell)) for cell in row if not is_blank(cell)} - {None}
        if required <= hits and len(hits) > best_hits:
            best, best_hits = index, len(hits)
    return best


def _tabular_sheet(section: Section, sheet: str, grid: Grid) -> Table:
    header_index = _find_header(section, grid)
    if header_index is None:  # named like a section, but no row names its required columns
        raise _missing_columns(f"sheet '{sheet}'", section, ())
    titles = [cell_text_of(cell) for cell in grid[header_index]]
    columns, unplaced = _place_columns(titles, COLUMN_ALIASES[section.name], section.column_names)
    rows = ((index + 1, grid[index]) for index in range(header_index + 1, len(grid)))
    return Table(section, sheet, columns, tuple(titles), rows, unplaced)


def cell_text_of(value: object) -> str:
    return "" if value is None else str(value)


def _key_value_cells(grid: Grid) -> dict[str, tuple[int, CellValue]]:
    aliases = COLUMN_ALIASES[SUBMISSION.name]
    found: dict[str, tuple[int, CellValue]] = {}
    for index, row in enumerate(grid):
        labels = [
            (position, aliases.get(header_key(cell)))
            for position, cell in enumerate(row)
            if not is_blank(cell)
        ]
        for position, name in labels:
            if name is not None and name not in found:
                value = next((cell for cell in row[position + 1 :] if not is_blank(cell)), None)
                found[name] = (index + 1, value)
                break
    return found


def _key_value_sheet(contents: FileContents, sheet: str, grid: Grid) -> SheetRow:
    """The header sheet is a form: a label cell, then its value to the right."""
    found = _key_value_cells(grid)
    label_rows = {row for row, _ in found.values()}
    for index, row in enumerate(grid):
        if index + 1 in label_rows or index == 0:
            continue
        text = " | ".join(str(cell) for cell in row if not is_blank(cell))
        if text:
            contents.stray.append(StrayCell(sheet, index + 1, "", excerpt(text), "unknown_row"))
    first_row = min(label_rows, default=1)
    return SheetRow(
        SUBMISSION.name, sheet, first_row, {name: value for name, (_, value) in found.items()}
    )


def _stray_sheet(contents: FileContents, sheet: str, grid: Grid) -> None:
    for index, row in enumerate(grid):
        text = " | ".join(str(cell) for cell in row if not is_blank(cell))
        if text:
            contents.stray.append(StrayCell(sheet, index + 1, "", excerpt(text), "unknown_sheet"))
