"""Read the Excel form: a header sheet (a form of labels and values) and one sheet per section.

Sheets are recognised by name, or by their header row when renamed; title rows above
the header and merged cells are tolerated. Each sheet's part is checked by
``xlsx_guard`` just before calamine parses it in a worker thread, so parsing overlaps
checking the next sheet and landing the sheets already parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, cast

from danvan.ingest.format import ROW_SECTIONS, SECTIONS_BY_NAME, SUBMISSION, Section
from danvan.ingest.readers.contents import (
    COLUMN_ALIASES,
    SHEET_ALIASES,
    CellValue,
    FileContents,
    FileRejected,
    SheetRow,
    StrayCell,
    Table,
    column_letter,
    excerpt,
    is_blank,
    missing_columns,
    place_columns,
)
from danvan.ingest.readers.xlsx_guard import MAX_SHEET_CELLS, CheckedWorkbook, sheet_too_large
from danvan.text import header_key

if TYPE_CHECKING:
    from python_calamine import CalamineSheet, CalamineWorkbook

HEADER_SEARCH_ROWS = 15
# The instructions, lists and result sheets of the template and of a returned result workbook.
IGNORED_SHEETS = {
    "huong dan",
    "instructions",
    "danh muc",
    "danh muc don vi",
    "lists",
    "ket qua tiep nhan",
}

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
        container = CheckedWorkbook(path)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx")
        self._workbook: CalamineWorkbook | None = None
        try:
            with self._unreadable_as_rejected():
                workbook = self._workbook = CalamineWorkbook.from_path(str(path))
                self.names = [
                    meta.name
                    for meta in workbook.sheets_metadata
                    if meta.typ == SheetTypeEnum.WorkSheet
                    and header_key(meta.name) not in IGNORED_SHEETS
                ]
            self._sheets: dict[str, Future[tuple[CalamineSheet, bool]]] = {}
            for name in self.names:
                has_booleans = container.check_sheet(name)
                self._sheets[name] = self._worker.submit(_parsed, workbook, name, has_booleans)
            container.check_rest()
        except BaseException:
            self.close()
            raise
        finally:
            container.close()
        self._grids: dict[str, Grid] = {}

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


def _parsed(
    workbook: CalamineWorkbook, name: str, has_booleans: bool
) -> tuple[CalamineSheet, bool]:
    return workbook.get_sheet_by_name(name), has_booleans


def _grid(sheet: CalamineSheet, has_booleans: bool) -> Grid:
    """Cells from A1 (so row numbers match Excel), merged ranges filled from their top-left cell."""
    end = sheet.end
    if end is not None and (end[0] + 1) * (end[1] + 1) > MAX_SHEET_CELLS:
        raise sheet_too_large(sheet.name, f"cells up to {column_letter(end[1])}{end[0] + 1}")
    rows = cast(Grid, sheet.to_python(skip_empty_area=False))
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
        rejection = missing_columns(f"sheet '{sheet}'", section, ())
        assert rejection is not None  # every section has required columns
        raise rejection
    titles = [cell_text_of(cell) for cell in grid[header_index]]
    columns, unplaced = place_columns(titles, COLUMN_ALIASES[section.name], section.column_names)
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
