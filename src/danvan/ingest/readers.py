"""Read a submission file (xlsx, csv or json) into rows of cells keyed by format column.

Readers only find the cells: which sheet and row, which column. They do not
judge values (``records`` does). A file that cannot be read at all raises
``FileRejected`` with a reason in English and Vietnamese.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from danvan.ingest.format import (
    CSV_IDENTITY_COLUMNS,
    ROW_SECTIONS,
    SECTIONS_BY_NAME,
    SUBMISSION,
    Section,
)

CellValue = str | int | float | bool | date | datetime | None

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell
HEADER_SEARCH_ROWS = 15
IGNORED_SHEETS = {"huong dan", "instructions", "danh muc", "lists"}


class FileRejected(Exception):
    """The whole file cannot be read; nothing in it is loaded."""

    def __init__(self, code: str, reason_en: str, reason_vi: str) -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi


@dataclass(frozen=True)
class SheetRow:
    section: str
    sheet: str
    row_number: int  # as the sender sees it: Excel row, CSV line, JSON array position (1-based)
    cells: dict[str, CellValue]


@dataclass(frozen=True)
class StrayCell:
    """Content the format has no place for (unknown column or sheet): quarantined, not dropped."""

    sheet: str
    row_number: int | None
    column: str
    value: str
    code: str


@dataclass
class FileContents:
    file_format: str
    sections: tuple[str, ...]
    header: SheetRow | None = None
    rows: list[SheetRow] = field(default_factory=list)
    stray: list[StrayCell] = field(default_factory=list)


def header_key(text: object) -> str:
    """Header spelling tolerance: case, diacritics, punctuation and spacing do not matter."""
    folded = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


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
    if size > MAX_FILE_BYTES:
        raise FileRejected(
            "file_too_large",
            f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
            f"tệp có {size:,} byte, vượt giới hạn {MAX_FILE_BYTES:,} byte",
        )
    if size == 0:
        raise FileRejected("empty_file", "the file is empty", "tệp rỗng")
    suffix = path.suffix.lower()
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


# -- JSON ----------------------------------------------------------------------


def read_json(path: Path) -> FileContents:
    raw = path.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise _not_utf8(error.start) from error
    except json.JSONDecodeError as error:
        raise FileRejected(
            "invalid_json",
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            f"JSON không hợp lệ tại dòng {error.lineno}, cột {error.colno}: {error.msg}",
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("submission"), dict):
        raise FileRejected(
            "invalid_structure",
            "a JSON submission is an object with a 'submission' object (see the JSON Schema)",
            "bản báo cáo JSON phải là một đối tượng có mục 'submission' (xem JSON Schema)",
        )
    contents = FileContents("json", tuple(section.name for section in (SUBMISSION, *ROW_SECTIONS)))
    known = {"format_version", "$schema", *SECTIONS_BY_NAME}
    for key in document:
        if key not in known:
            value = json.dumps(document[key], ensure_ascii=False)
            contents.stray.append(StrayCell("/", None, key, value, "unknown_section"))
    contents.header = _json_row(contents, SUBMISSION, "submission", 1, document["submission"])
    for section in ROW_SECTIONS:
        items = document.get(section.name, [])
        if not isinstance(items, list):
            raise FileRejected(
                "invalid_structure",
                f"'{section.name}' must be a list of objects",
                f"mục '{section.name}' phải là một danh sách",
            )
        for position, item in enumerate(items, start=1):
            row = _json_row(contents, section, section.name, position, item)
            if row is not None:
                contents.rows.append(row)
    return contents


def _json_row(
    contents: FileContents, section: Section, sheet: str, position: int, item: object
) -> SheetRow | None:
    if not isinstance(item, dict):
        contents.stray.append(
            StrayCell(sheet, position, "", json.dumps(item, ensure_ascii=False), "not_an_object")
        )
        return None
    cells: dict[str, CellValue] = {}
    for key, value in item.items():
        if key in section.column_names and not isinstance(value, dict | list):
            cells[key] = value
        else:
            text = json.dumps(value, ensure_ascii=False)
            contents.stray.append(StrayCell(sheet, position, key, text, "unknown_column"))
    return SheetRow(section.name, sheet, position, cells)


# -- CSV -----------------------------------------------------------------------


def read_csv(path: Path) -> FileContents:
    section = _csv_section(path)
    text = _decode_text(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as error:
        raise FileRejected(
            "empty_file", "the CSV has no header row", "tệp CSV không có dòng tiêu đề"
        ) from error
    aliases = {**COLUMN_ALIASES["submission"], **COLUMN_ALIASES[section.name]}
    allowed = set(CSV_IDENTITY_COLUMNS) | set(section.column_names)
    mapping = [aliases.get(header_key(title)) for title in header]
    mapping = [name if name in allowed else None for name in mapping]
    _require_columns(path.name, section, mapping, extra_required=("period", "submitted_on"))
    contents = FileContents("csv", (SUBMISSION.name, section.name))
    sheet = path.name
    try:
        for line_number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            cells: dict[str, CellValue] = {}
            for position, value in enumerate(record):
                name = mapping[position] if position < len(mapping) else None
                if name is not None:
                    cells[name] = value
                elif value.strip():
                    title = header[position] if position < len(header) else f"#{position + 1}"
                    contents.stray.append(
                        StrayCell(sheet, line_number, title, value, "unknown_column")
                    )
            contents.rows.append(SheetRow(section.name, sheet, line_number, cells))
    except csv.Error as error:
        raise FileRejected(
            "invalid_csv",
            f"unreadable CSV at line {reader.line_num}: {error}",
            f"tệp CSV lỗi tại dòng {reader.line_num}: {error}",
        ) from error
    return contents


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


def _decode_text(raw: bytes) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _not_utf8(error.start) from error
    if "\x00" in text:
        raise FileRejected(
            "binary_content",
            "the file contains binary data (NUL bytes), not text",
            "tệp chứa dữ liệu nhị phân, không phải văn bản",
        )
    return text


def _not_utf8(offset: int) -> FileRejected:
    return FileRejected(
        "not_utf8",
        f"the text is not UTF-8 (first bad byte at offset {offset}); save it as 'CSV UTF-8'",
        f"văn bản không ở mã UTF-8 (byte lỗi đầu tiên ở vị trí {offset}); hãy lưu dạng 'CSV UTF-8'",
    )


def _require_columns(
    where: str, section: Section, mapping: list[str | None], extra_required: Iterable[str] = ()
) -> None:
    present = {name for name in mapping if name}
    required = [c.name for c in section.columns if c.required] + list(extra_required)
    missing = [name for name in required if name not in present]
    if missing:
        raise FileRejected(
            "missing_columns",
            f"{where}: required columns missing: {', '.join(missing)}",
            f"{where}: thiếu cột bắt buộc: {', '.join(missing)}",
        )


# -- Excel ---------------------------------------------------------------------


def read_xlsx(path: Path) -> FileContents:
    _check_xlsx_container(path)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = {name: workbook.get_sheet_by_name(name) for name in workbook.sheet_names}
        grids = {name: _grid(sheet) for name, sheet in sheets.items()}
    except (CalamineError, ValueError) as error:
        raise FileRejected(
            "invalid_xlsx",
            f"the workbook cannot be read: {error}",
            f"không đọc được bảng tính: {error}",
        ) from error
    contents = FileContents("xlsx", tuple(section.name for section in (SUBMISSION, *ROW_SECTIONS)))
    assigned = _assign_sheets(grids)
    for sheet_name, grid in grids.items():
        section_name = assigned.get(sheet_name)
        if section_name is None:
            if header_key(sheet_name) not in IGNORED_SHEETS:
                _stray_sheet(contents, sheet_name, grid)
        elif section_name == SUBMISSION.name:
            contents.header = _key_value_sheet(contents, sheet_name, grid)
        else:
            _tabular_sheet(contents, SECTIONS_BY_NAME[section_name], sheet_name, grid)
    if contents.header is None:
        raise FileRejected(
            "missing_sheet",
            f"no '{SUBMISSION.sheet_vi}' ({SUBMISSION.sheet_en}) sheet with the unit and period",
            f"thiếu trang '{SUBMISSION.sheet_vi}' ghi đơn vị và kỳ báo cáo",
        )
    return contents


def _check_xlsx_container(path: Path) -> None:
    """Reject renamed non-xlsx files, zip bombs and XML entity tricks before parsing."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileRejected(
            "not_xlsx",
            "the file is not an Excel .xlsx workbook (not a zip container)",
            "tệp không phải bảng tính Excel .xlsx",
        ) from error
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRejected(
                "not_xlsx",
                "the zip container is not an Excel workbook (no xl/workbook.xml)",
                "tệp nén không phải bảng tính Excel (thiếu xl/workbook.xml)",
            )
        total = 0
        for member in members:
            if (
                member.compress_size
                and member.file_size / member.compress_size > MAX_XLSX_COMPRESSION_RATIO
            ):
                raise _bomb(member.filename)
            total += _checked_member_size(archive, member, MAX_XLSX_UNCOMPRESSED_BYTES - total)


def _checked_member_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Decompress with a cap (declared sizes can lie) and refuse DTDs in XML parts."""
    size = 0
    head = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if len(head) < 4096:
                head += chunk[: 4096 - len(head)]
            size += len(chunk)
            if size > budget:
                raise _bomb(member.filename)
    if member.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head.upper():
        raise FileRejected(
            "xml_entities",
            f"{member.filename} declares a DTD/entities, which workbooks never need",
            f"{member.filename} chứa khai báo DTD/entity không hợp lệ trong bảng tính",
        )
    return size


def _bomb(member: str) -> FileRejected:
    return FileRejected(
        "zip_bomb",
        f"{member} decompresses beyond the limit ({MAX_XLSX_UNCOMPRESSED_BYTES:,} bytes or "
        f"{MAX_XLSX_COMPRESSION_RATIO}:1)",
        f"{member} giải nén vượt giới hạn cho phép",
    )


Grid = list[list[CellValue]]


def _grid(sheet) -> Grid:
    """Cells from A1 (so row numbers match Excel), merged ranges filled from their top-left cell."""
    rows = [list(row) for row in sheet.to_python(skip_empty_area=False)]
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


def _is_blank(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _assign_sheets(grids: dict[str, Grid]) -> dict[str, str]:
    """Sheets by name first; a renamed sheet is recognised by its header row if unambiguous."""
    assigned: dict[str, str] = {}
    for name in grids:
        section = SHEET_ALIASES.get(header_key(name))
        if section and section not in assigned.values():
            assigned[name] = section
    for name, grid in grids.items():
        if name in assigned or header_key(name) in IGNORED_SHEETS:
            continue
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


def _find_header(section: Section, grid: Grid) -> tuple[int, list[str | None]] | None:
    """The row (within the first few) whose cells name all required columns, most matches wins."""
    aliases = COLUMN_ALIASES[section.name]
    required = {c.name for c in section.columns if c.required}
    best: tuple[int, list[str | None]] | None = None
    best_hits = 0
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        mapping = [aliases.get(header_key(cell)) if not _is_blank(cell) else None for cell in row]
        hits = {name for name in mapping if name}
        if required <= hits and len(hits) > best_hits:
            best, best_hits = (index, mapping), len(hits)
    return best


def _tabular_sheet(contents: FileContents, section: Section, sheet: str, grid: Grid) -> None:
    found = _find_header(section, grid)
    if found is None:
        _require_columns(f"sheet '{sheet}'", section, [])
        return
    header_index, mapping = found
    header = grid[header_index]
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if all(_is_blank(cell) for cell in row):
            continue
        cells: dict[str, CellValue] = {}
        for position, value in enumerate(row):
            name = mapping[position] if position < len(mapping) else None
            if name is not None:
                cells[name] = value
            elif not _is_blank(value):
                title = (
                    header[position]
                    if position < len(header) and not _is_blank(header[position])
                    else _column_letter(position)
                )
                contents.stray.append(
                    StrayCell(sheet, index + 1, str(title), str(value), "unknown_column")
                )
        contents.rows.append(SheetRow(section.name, sheet, index + 1, cells))


def _key_value_cells(grid: Grid) -> dict[str, tuple[int, CellValue]]:
    aliases = COLUMN_ALIASES[SUBMISSION.name]
    found: dict[str, tuple[int, CellValue]] = {}
    for index, row in enumerate(grid):
        labels = [
            (position, aliases.get(header_key(cell)))
            for position, cell in enumerate(row)
            if not _is_blank(cell)
        ]
        for position, name in labels:
            if name is not None and name not in found:
                value = next((cell for cell in row[position + 1 :] if not _is_blank(cell)), None)
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
        text = " | ".join(str(cell) for cell in row if not _is_blank(cell))
        if text:
            contents.stray.append(StrayCell(sheet, index + 1, "", text, "unknown_row"))
    first_row = min(label_rows, default=1)
    return SheetRow(
        SUBMISSION.name, sheet, first_row, {name: value for name, (_, value) in found.items()}
    )


def _stray_sheet(contents: FileContents, sheet: str, grid: Grid) -> None:
    for index, row in enumerate(grid):
        text = " | ".join(str(cell) for cell in row if not _is_blank(cell))
        if text:
            contents.stray.append(StrayCell(sheet, index + 1, "", text, "unknown_sheet"))


def _column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
