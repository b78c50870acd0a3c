"""What readers produce, whatever the file type: tables of cells by format column.

A ``FileContents`` holds the submission header (xlsx, json), the tables of the row
sections (one per sheet, CSV file or JSON list) and the stray cells the format has
no place for. ``FileRejected`` says why a whole file cannot be read. Column and
sheet titles are matched through ``header_key`` (case, diacritics and punctuation
do not matter).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from danvan.ingest.format import SECTIONS_BY_NAME, SUBMISSION, Section
from danvan.text import header_key

MAX_CELL_CHARS = 32_767  # Excel's own limit per cell
EXCERPT_CHARS = 200  # how much of a long value is quoted back in reasons and quarantine

CellValue = str | int | float | bool | date | datetime | time | timedelta | None


class FileRejected(Exception):
    """The whole file cannot be read; nothing in it is loaded."""

    def __init__(self, code: str, reason_en: str, reason_vi: str) -> None:
        super().__init__(reason_en)
        self.code = code
        self.reason_en = reason_en
        self.reason_vi = reason_vi


@dataclass(frozen=True)
class NestedValue:
    """A JSON list or object where one value belongs (hashable; landing refuses it)."""

    json_text: str


Cell = CellValue | NestedValue  # one cell as a reader found it


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
    rows: Iterable[tuple[int, Sequence[Cell]]]  # (row number as the sender sees it, cells)
    unplaced: dict[int, str] = field(default_factory=dict)  # position -> why it is not loaded
    csv_source: CsvSource | None = None  # a UTF-8 CSV file, which Arrow may read instead

    def release_rows(self) -> None:
        """Let go of the rows' file, when another reader has read it instead."""
        close = getattr(self.rows, "close", None)
        if close is not None:
            close()

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
    # What the sender should know of how the file was read: (English, Vietnamese).
    notes: list[tuple[str, str]] = field(default_factory=list)


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


def place_columns(
    titles: Sequence[object], aliases: dict[str, str], allowed: Iterable[str]
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


def missing_columns(
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


def not_utf8(where: str, save_as: str = "CSV UTF-8") -> FileRejected:
    return FileRejected(
        "not_utf8",
        f"the text is not UTF-8 (first bad byte {where}); save it as '{save_as}'",
        f"văn bản không ở mã UTF-8 (byte lỗi đầu tiên {where}); hãy lưu dạng '{save_as}'",
    )
