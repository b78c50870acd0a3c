"""The sender's own workbook back, each problem cell marked, with what came of the file first.

For an .xlsx submission, ``<stem>.ket-qua.xlsx`` beside the archived file is a
copy of the workbook as sent: every cell that kept a row out (red) or held a
report (amber) is filled and carries a comment in Vietnamese — the problem, the
value written, what to write instead — and a first sheet, "Kết quả tiếp nhận",
says what came of the file: its status, rows loaded, problems by sheet, the
rules a held report broke, figures given on several rows and what to re-send.
Columns are named as the sender headed them, catalogue entries by their
Vietnamese names. A workbook too large or odd for openpyxl to copy gets the
first sheet alone; CSV and JSON senders get ``<stem>.ket-qua.csv`` with the same
content, one row per problem.

Nothing a sender wrote is ever run as a formula by whoever opens the result: a
formula in the sender's sheets comes back as its text, and sender text is stored
as a string in a workbook and prefixed with ``'`` in a CSV (OWASP CSV injection).
The copy is read with openpyxl (which parses XML with defusedxml) only when the
file was landed, so it passed the container checks of ``xlsx_guard``. One module:
the marks, the summary sheet and the CSV lay out the same outcome.
"""

from __future__ import annotations

import csv
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from danvan.feedback.repeats import Repeat, repeated_figures
from danvan.feedback.story import (
    FILE_WORDS,
    STATE_WORDS,
    Delivery,
    FileRecord,
    Report,
    SheetProblems,
    file_record,
    holds,
    problems_by_sheet,
    quarantined,
    reports,
)
from danvan.feedback.text import column_header
from danvan.ingest.format import ROW_SECTIONS, SECTIONS, SUBMISSION, Kind, Section
from danvan.ingest.format.writers import fit_row_heights, print_layout
from danvan.ingest.inbox import result_path
from danvan.ingest.landing.measures import Measures
from danvan.ingest.readers.contents import COLUMN_ALIASES, excerpt
from danvan.ingest.reference_data import ReferenceData
from danvan.text import header_key, printable

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

RESULT_SHEET = "Kết quả tiếp nhận"
# Larger workbooks (uncompressed) get the summary and the list of problems only.
MAX_MARKED_BYTES = 64 * 1024 * 1024
HEADER_SEARCH_ROWS = 15
COMMENT_AUTHOR = "Dân vận khéo"
QUARANTINED_FILL = "FFC7CE"  # red: the row was not loaded
HELD_FILL = "FFEB9C"  # amber: the report is held
# A cell starting with one of these is a formula to a spreadsheet (OWASP CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = (
    "Loại / kind",
    "Trang / sheet",
    "Dòng / row",
    "Cột / column",
    "Giá trị / value",
    "Lỗi",
    "Cách sửa",
    "Problem (English)",
)
STRAY_CODES = frozenset(
    {"unknown_column", "duplicate_column", "unknown_sheet", "unknown_row", "unknown_section"}
)


@dataclass(frozen=True)
class Mark:
    """One problem shown to the sender: where, what was written, why, what to write instead."""

    held: bool  # a held report's rule (amber); else a row not loaded (red)
    sheet: str | None
    row_number: int | None
    column_name: str | None  # a format column, or a title the format does not have
    value: str | None
    reason_vi: str
    reason_en: str
    advice_vi: str
    rule: str

    @property
    def kind_vi(self) -> str:
        return "Tạm giữ / held" if self.held else "Chưa nạp / not loaded"


@dataclass
class Outcome:
    """What came of one delivered file, as the warehouse recorded it."""

    delivery: Delivery
    file: FileRecord | None
    reports: list[Report] = field(default_factory=list)
    by_sheet: list[SheetProblems] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)  # figures given on several rows
    not_copied: str | None = None  # why the sender's workbook could not be copied

    @property
    def status_words(self) -> tuple[str, str]:
        if self.file is None:
            return FILE_WORDS["rejected"]
        return FILE_WORDS.get(self.file.status, (self.file.status, self.file.status))

    @property
    def rejected(self) -> bool:
        return self.file is None or self.file.status == "rejected"

    def summary(self) -> list[tuple[str, str | int, str]]:
        """(label, Vietnamese, English) lines: the file's status and counts."""
        vi, en = self.status_words
        lines: list[tuple[str, str | int, str]] = [
            ("Tệp đã gửi / file", printable(self.delivery.inbox_name), ""),
            ("Kết quả", vi, en),
        ]
        if self.rejected:
            reason_vi = self.file.reason_vi if self.file else self.delivery.reason_vi
            reason_en = self.file.reason_en if self.file else self.delivery.reason_en
            lines.append(("Lý do", reason_vi or "không đọc được tệp", reason_en or ""))
        else:
            assert self.file is not None
            lines += [
                ("Số dòng đã nạp", self.file.rows_loaded, "rows loaded"),
                ("Số dòng có lỗi, chưa nạp", self.file.rows_quarantined, "rows not loaded"),
                ("Số lỗi", sum(s.problems for s in self.by_sheet), "problems found"),
            ]
        if self.not_copied:
            lines.append(
                (
                    "Ghi chú",
                    "Không chép được bảng tính đã gửi để tô màu ô lỗi; xem danh sách lỗi dưới đây.",
                    f"Your workbook could not be copied to mark its cells ({self.not_copied}).",
                )
            )
        return lines

    def resend(self) -> tuple[str, str]:
        """What the sender should send again (Vietnamese, English)."""
        if self.rejected:
            return (
                "Tệp không nạp được: sửa theo lý do ở trên rồi gửi lại cả tệp.",
                "The file was not loaded: fix what the reason says and send the whole file again.",
            )
        held = any(report.state == "held" for report in self.reports)
        if not self.by_sheet and not held:
            return ("Không cần gửi lại.", "Nothing to re-send.")
        if self.delivery.archived_path.suffix.lower() != ".xlsx":
            return (
                "Sửa các dòng trong danh sách lỗi dưới đây, ghi Ngày gửi (submitted_on) mới "
                "hơn, rồi gửi lại cả tệp: bản gửi sau thay thế bản này.",
                "Fix the rows listed below, write a later date sent (submitted_on) and send the "
                "whole file again: the later version replaces this one.",
            )
        cells_vi = [
            *(["các ô tô màu đỏ (dòng chưa nạp)"] if self.by_sheet else []),
            *(["các ô tô màu vàng (báo cáo bị tạm giữ)"] if held else []),
        ]
        cells_en = [
            *(["the red cells (rows not loaded)"] if self.by_sheet else []),
            *(["the amber cells (the held report)"] if held else []),
        ]
        return (
            f"Sửa {' và '.join(cells_vi)} theo ghi chú trong từng ô, ghi Ngày gửi mới hơn ở "
            f"trang '{SUBMISSION.sheet_vi}', rồi gửi lại cả tệp (có thể gửi chính bảng tính "
            "này): bản gửi sau thay thế bản này.",
            f"Fix {' and '.join(cells_en)} as each cell's comment says, write a later date sent "
            f"on '{SUBMISSION.sheet_vi}', and send the whole file again (this workbook will "
            "do): the later version replaces this one.",
        )


class Advice:
    """What to write instead of a refused value, from the format and the catalogue."""

    def __init__(self, reference: ReferenceData) -> None:
        self.catalogue = reference.catalogue
        self.units = reference.units
        self.measures = Measures(reference.catalogue, reference.units)

    def for_problem(self, code: str, column: str | None, row: dict[str, Any] | None) -> str:
        if code in STRAY_CODES:
            return (
                "Mẫu báo cáo không có chỗ cho ô này: xóa đi, hoặc chuyển giá trị sang đúng cột "
                "của mẫu (xem trang Hướng dẫn)."
            )
        section = _section_of(column, row or {})
        if section is None or column is None:
            return "Xem trang Hướng dẫn của mẫu báo cáo."
        kind = section.column(column).kind
        row = row or {}
        if column in ("value", "amount", "unit"):
            figure = self._figure(section, row, unit=column == "unit")
            if figure:
                return figure
        return KIND_ADVICE.get(kind) or self._listed(kind) or _required(section, column)

    def _figure(self, section: Section, row: dict[str, Any], *, unit: bool) -> str | None:
        """The allowed units, or the range, of the row's indicator or contribution type."""
        list_name, sent = {
            "indicators": ("indicator", row.get("indicator")),
            "contributions": ("contribution_type", row.get("contribution_type")),
            "activities": ("activity", row.get("activity")),
        }.get(section.name, ("", None))
        code = self.catalogue.resolve(list_name, str(sent)) if sent else None
        if code is None:
            return None
        rule = self.measures.rule(list_name, code)
        name = self.catalogue.lookups[list_name].rows[code]["name_vi"]
        canonical = self.units.units[rule.canonical_unit].name_vi
        if unit:
            allowed = "; ".join(sorted(self.units.units[u].name_vi for u in rule.allowed_units))
            return f"Đơn vị tính của '{name}': {allowed}; hoặc để trống (tính bằng {canonical})."
        bounds = f"từ {_vi_number(rule.minimum)}" if rule.minimum is not None else ""
        if rule.maximum is not None:
            bounds += f" đến {_vi_number(rule.maximum)}"
        whole = "nguyên " if rule.counted else ""
        return f"Ghi một số {whole}{bounds.strip()} ({canonical}) cho '{name}', ví dụ: 120."

    def _listed(self, kind: Kind) -> str | None:
        list_name = CATALOGUE_KINDS.get(kind)
        if list_name is None:
            return None
        lookup = self.catalogue.lookups[list_name]
        names = [lookup.rows[code]["name_vi"] for code in lookup.codes[:5]]
        more = "…" if len(lookup.codes) > 5 else ""
        return f"Chọn trong danh sách thả xuống, ví dụ: {'; '.join(names)}{more}."


KIND_ADVICE = {
    Kind.INTEGER: "Ghi một số nguyên không âm, ví dụ: 120.",
    Kind.NUMBER: "Ghi một số không âm, ví dụ: 120; 1.500.000; 1,5; 60 triệu.",
    Kind.DATE: "Ghi ngày theo dạng ngày/tháng/năm, ví dụ: 15/01/2025.",
    Kind.ROUGH_DATE: "Ghi ngày theo dạng ngày/tháng/năm (15/01/2025), hoặc tháng/năm (3/2024), "
    "hoặc năm (2024).",
    Kind.PERIOD: "Ghi kỳ báo cáo, ví dụ: Quý III/2025; 6 tháng đầu năm 2024; Năm 2024.",
    Kind.YEAR: "Ghi năm bằng 4 chữ số, ví dụ: 2024.",
    Kind.BOOLEAN: "Ghi 'có' hoặc 'không'.",
    Kind.LEVEL: "Ghi một cấp: xã; huyện; tỉnh; trung ương.",
    Kind.MODEL_STATUS: "Ghi 'đang thực hiện' hoặc 'dừng'.",
    Kind.MAP_VERSION: "Ghi 2025-01 (trước 1/7/2025) hoặc 2025-07, hoặc để trống.",
    Kind.UNIT: "Chọn đơn vị tính trong danh sách thả xuống, hoặc để trống.",
}
CATALOGUE_KINDS = {
    Kind.FIELD: "field",
    Kind.INDICATOR: "indicator",
    Kind.CONTRIBUTION_TYPE: "contribution_type",
    Kind.CONTRIBUTION_SOURCE: "contribution_source",
    Kind.ACTIVITY: "activity",
    Kind.ORGANIZATIONS: "organization",
}


def _required(section: Section, column: str) -> str:
    if section.column(column).required or column in section.required_one_of:
        return f"Ô '{section.column(column).header_vi}' không được để trống."
    return "Xem trang Hướng dẫn của mẫu báo cáo."


def _section_of(column: str | None, row: dict[str, Any]) -> Section | None:
    """The section a problem's column belongs to: the one whose columns the row has."""
    candidates = [s for s in SECTIONS if column in s.column_names]
    if len(candidates) > 1:
        best = max(candidates, key=lambda s: len(row.keys() & set(s.column_names)))
        return best
    return candidates[0] if candidates else None


def _vi_number(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".") if value == value.to_integral() else str(value)


def gather(conn: psycopg.Connection, delivery: Delivery, advice: Advice) -> Outcome:
    """What the warehouse recorded about the file, with advice for each problem."""
    if delivery.file_id is None:
        return Outcome(delivery, None)
    file_id = delivery.file_id
    outcome = Outcome(delivery, file_record(conn, file_id))
    if outcome.rejected:
        return outcome
    outcome.reports = reports(conn, file_id)
    outcome.by_sheet = problems_by_sheet(conn, file_id)
    outcome.repeats = repeated_figures(conn, file_id, advice.catalogue, advice.units)
    for problem in quarantined(conn, file_id):
        outcome.marks.append(
            Mark(
                False,
                problem.sheet,
                problem.row_number,
                problem.column_name,
                problem.value,
                problem.reason_vi,
                problem.reason_en,
                advice.for_problem(problem.reason_code, problem.column_name, problem.row_values),
                problem.reason_code,
            )
        )
    held = holds(conn, file_id)
    for report in outcome.reports:
        if report.state != "held":
            continue
        for hold in held.get((report.unit, report.period, report.submitted_on), []):
            outcome.marks.append(
                Mark(
                    True,
                    hold.sheet,
                    hold.row_number,
                    hold.column_name,
                    hold.value,
                    hold.reason_vi,
                    hold.reason_en,
                    "Sửa theo lý do trên, ghi Ngày gửi mới hơn, rồi gửi lại cả báo cáo.",
                    hold.rule,
                )
            )
    return outcome


def write_result(outcome: Outcome) -> Path:
    """The marked copy (or CSV) beside the archived file; its path."""
    archived = outcome.delivery.archived_path
    if archived.suffix.lower() != ".xlsx":
        path = result_path(archived, ".csv")
        _write_csv(outcome, path, _csv_titles(archived))
        return path
    path = result_path(archived, ".xlsx")
    if not outcome.rejected and _copyable(archived):
        try:
            workbook = _sender_copy(archived)
            _summary_sheet(workbook, outcome, _mark_cells(workbook, outcome.marks))
            workbook.save(path)
            return path
        except UNCOPYABLE as error:  # calamine reads workbooks openpyxl cannot rewrite
            outcome.not_copied = excerpt(f"{type(error).__name__}: {error}")
    workbook = _new_workbook()
    _summary_sheet(workbook, outcome, {})
    workbook.save(path)
    return path


# What openpyxl raises on a workbook it cannot read or write back (not I/O errors).
UNCOPYABLE = (
    KeyError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    zipfile.BadZipFile,
    SyntaxError,  # xml.etree's ParseError
)


def _copyable(archived: Path) -> bool:
    """A regular file whose parts are small enough to hold in memory as openpyxl does."""
    if archived.is_symlink() or not archived.is_file():
        return False
    try:
        with zipfile.ZipFile(archived) as container:
            size = sum(member.file_size for member in container.infolist())
    except (zipfile.BadZipFile, OSError):
        return False
    return size <= MAX_MARKED_BYTES


def _new_workbook() -> Workbook:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    return workbook


def _sender_copy(archived: Path) -> Workbook:
    """The sender's workbook, defused."""
    from openpyxl import load_workbook

    workbook = load_workbook(archived, rich_text=False, keep_links=False)
    _defuse(workbook)
    return workbook


def _defuse(workbook: Workbook) -> None:
    """Nothing the sender wrote runs when the copy is opened: formulas become their
    text; conditional formats, links and defined names other than plain cell ranges (which
    the template's unit dropdowns use) are dropped."""
    from openpyxl.formatting.formatting import ConditionalFormattingList

    for names in (workbook.defined_names, *(sheet.defined_names for sheet in workbook.worksheets)):
        for name in [n for n, defined in names.items() if not _is_range(defined.attr_text)]:
            del names[name]
    for sheet in workbook.worksheets:
        sheet.conditional_formatting = ConditionalFormattingList()
        for row in sheet.iter_rows():
            for cell in row:
                if cell.hyperlink is not None:
                    cell.hyperlink = None
                if cell.data_type == "f":
                    formula = cell.value
                    if not isinstance(formula, str):  # an array or data-table formula
                        formula = str(getattr(formula, "text", None) or "")
                    _put_text(cell, formula)
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    cell.quotePrefix = True


# A sheet name (quoted, or a plain word) and a cell or range: nothing that is computed.
PLAIN_RANGE = re.compile(
    r"(?:'(?:[^']|'')+'|[A-Za-z0-9_.]+)!\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?"
)


def _is_range(text: str | None) -> bool:
    return bool(text) and PLAIN_RANGE.fullmatch(text or "") is not None


def _put_text(cell: Any, text: str) -> None:
    """Text stored as a string, never a formula, whatever it starts with."""
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True


def _put(sheet: Worksheet, row: int, column: int, value: Any, **style: Any) -> None:
    cell = sheet.cell(row, column)
    if isinstance(value, str):
        _put_text(cell, value)
    else:
        cell.value = value
    for name, setting in style.items():
        setattr(cell, name, setting)


@dataclass(frozen=True)
class Place:
    column: int  # 1-based
    title: str  # the column's header (or label) as the sender wrote it
    row: int | None = None  # a header-sheet field's own row (its problems name the sheet's first)


class SheetPlaces:
    """Where each column of a sender's sheet is, found as the reader finds it."""

    def __init__(self, sheet: Worksheet) -> None:
        self.places: dict[str, Place] = {}
        head = _texts(sheet, HEADER_SEARCH_ROWS)
        tabular = self._tabular(head)
        if tabular is None:
            self._form(_texts(sheet, sheet.max_row))
            return
        index, section = tabular
        for position, title in enumerate(head[index]):
            name = _format_column(title, (section,)) or title.strip()
            if name and name not in self.places:
                self.places[name] = Place(position + 1, title)

    @staticmethod
    def _tabular(grid: list[list[str]]) -> tuple[int, Section] | None:
        """The header row and its section: the first rows' one naming most columns of a
        section (two at least: a header sheet has one label a row)."""
        best, best_hits = None, 1
        for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
            for section in ROW_SECTIONS:
                aliases = COLUMN_ALIASES[section.name]
                hits = len({aliases[header_key(t)] for t in row if header_key(t) in aliases})
                if hits > best_hits:
                    best, best_hits = (index, section), hits
        return best

    def _form(self, grid: list[list[str]]) -> None:
        """A header sheet: a label, its value in the next filled cell to the right."""
        aliases = COLUMN_ALIASES[SUBMISSION.name]
        for index, row in enumerate(grid):
            for position, label in enumerate(row):
                name = aliases.get(header_key(label)) if label.strip() else None
                if name is None or name in self.places:
                    continue
                value_at = next(
                    (p for p in range(position + 1, len(row)) if row[p].strip()), position + 1
                )
                self.places[name] = Place(value_at + 1, label, index + 1)
                break

    def title(self, column: str | None) -> str | None:
        place = self.places.get(column or "")
        return place.title if place else None


def _texts(sheet: Worksheet, rows: int) -> list[list[str]]:
    return [
        ["" if value is None else str(value) for value in row]
        for row in sheet.iter_rows(max_row=max(rows, 1), values_only=True)
    ]


def _format_column(title: str, sections: tuple[Section, ...]) -> str | None:
    """The format column a title names (as the readers match titles), if any."""
    key = header_key(title)
    return next(
        (COLUMN_ALIASES[s.name][key] for s in sections if key in COLUMN_ALIASES[s.name]), None
    )


Titles = dict[tuple[str | None, str | None], str]  # (sheet, format column) -> title as sent


def _shown(mark: Mark, titles: Titles) -> Mark:
    """The mark with its column named as the sender headed it (else the form's header)."""
    title = titles.get((mark.sheet, mark.column_name)) or titles.get((None, mark.column_name))
    if title is None:
        title = column_header(mark.column_name) if mark.column_name else "-"
    return replace(mark, column_name=title)


def _mark_cells(workbook: Workbook, marks: list[Mark]) -> Titles:
    """Fill each problem cell and comment on it; the columns' titles as the sender wrote them."""
    from openpyxl.cell.cell import MergedCell
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    places: dict[str, SheetPlaces] = {}
    notes: dict[tuple[str, int, int], list[Mark]] = {}
    for mark in marks:
        if not mark.sheet or mark.sheet not in workbook.sheetnames:
            continue
        sheet_places = places.get(mark.sheet)
        if sheet_places is None:
            sheet_places = places[mark.sheet] = SheetPlaces(workbook[mark.sheet])
        place = sheet_places.places.get(mark.column_name or "")
        row = place.row if place and place.row else mark.row_number
        if row is None:
            continue
        notes.setdefault((mark.sheet, row, place.column if place else 1), []).append(mark)
    for (sheet, row, column), found in notes.items():
        cell = workbook[sheet].cell(row, column)
        if isinstance(cell, MergedCell):  # only a range's top-left cell holds anything
            merged = next(r for r in workbook[sheet].merged_cells.ranges if cell.coordinate in r)
            cell = workbook[sheet].cell(merged.min_row, merged.min_col)
        held_only = all(mark.held for mark in found)
        cell.fill = PatternFill("solid", fgColor=HELD_FILL if held_only else QUARANTINED_FILL)
        title = places[sheet].title(found[0].column_name)
        text = "\n\n".join(_comment(mark, title) for mark in found)
        if cell.comment is not None:
            text = f"{text}\n\n— ghi chú cũ / earlier note —\n{cell.comment.text}"
        cell.comment = Comment(text, COMMENT_AUTHOR, height=220, width=360)
    return {
        (sheet, name): place.title
        for sheet, sheet_places in places.items()
        for name, place in sheet_places.places.items()
    }


def _comment(mark: Mark, title: str | None) -> str:
    value = f"'{printable(mark.value)}'" if mark.value else "(trống)"
    what = "Báo cáo bị tạm giữ" if mark.held else "Dòng này chưa được nạp"
    return (
        f"{what} — cột '{title or mark.column_name or '-'}'.\n"
        f"Lỗi: {mark.reason_vi}\n"
        f"Giá trị đã ghi: {value}\n"
        f"Cách sửa: {mark.advice_vi}\n"
        f"({mark.rule}) {mark.reason_en}"
    )


def _summary_sheet(workbook: Workbook, outcome: Outcome, titles: Titles) -> None:
    """The first sheet: what came of the file, problems by sheet, holds, what to re-send."""
    from openpyxl.styles import Alignment, Font, PatternFill

    sheet = workbook.create_sheet(RESULT_SHEET, 0)
    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    english = Font(italic=True, size=9, color="595959")
    head = {"font": Font(bold=True, color="FFFFFF"), "fill": PatternFill("solid", fgColor="1F4E78")}
    _put(sheet, 1, 1, "KẾT QUẢ TIẾP NHẬN BÁO CÁO", font=title_font)
    _put(sheet, 2, 1, "Submission result", font=english)
    row = 4
    for label, vi, en in outcome.summary():
        _put(sheet, row, 1, label, font=bold)
        _put(sheet, row, 2, vi, alignment=Alignment(wrap_text=True, vertical="top"))
        if en:
            _put(sheet, row, 3, en, font=english, alignment=Alignment(wrap_text=True))
        row += 1

    def table(title: str, headers: tuple[str, ...], rows: Iterator[tuple[object, ...]]) -> None:
        nonlocal row
        row += 1
        _put(sheet, row, 1, title, font=bold)
        row += 1
        for position, header in enumerate(headers, start=1):
            _put(sheet, row, position, header, **head)
        for values in rows:
            row += 1
            for position, value in enumerate(values, start=1):
                _put(
                    sheet, row, position, value, alignment=Alignment(wrap_text=True, vertical="top")
                )
        row += 1

    if outcome.by_sheet:
        table(
            "Dòng có lỗi theo trang / rows with problems by sheet",
            ("Trang / sheet", "Số dòng có lỗi / rows", "Số lỗi / problems"),
            ((s.sheet, s.rows, s.problems) for s in outcome.by_sheet),
        )
    if outcome.reports:
        table(
            "Báo cáo trong tệp / reports in this file",
            ("Đơn vị / unit", "Kỳ / period", "Ngày gửi / sent", "Tình trạng / state"),
            (
                (r.unit, r.period, f"{r.submitted_on:%d/%m/%Y}", " / ".join(_state(r)))
                for r in outcome.reports
            ),
        )
    marks = [_shown(mark, titles) for mark in outcome.marks]
    held = [mark for mark in marks if mark.held]
    if held:
        table(
            "Báo cáo bị tạm giữ: quy tắc chưa đạt / held: the rules broken",
            ("Quy tắc / rule", "Trang", "Dòng", "Cột", "Giá trị", "Lý do", "Reason"),
            (
                (m.rule, m.sheet, m.row_number, m.column_name, m.value, m.reason_vi, m.reason_en)
                for m in held
            ),
        )
    if outcome.repeats:
        table(
            "Chỉ tiêu ghi nhiều lần trong một báo cáo / figures given more than once",
            ("Trang / sheet", "Dòng / rows", "Mô hình / model", "Đã làm / done", "English"),
            (
                (r.sheet, ", ".join(map(str, r.rows)), r.model, r.say_vi, r.say_en)
                for r in outcome.repeats
            ),
        )
    resend_vi, resend_en = outcome.resend()
    row += 1
    _put(sheet, row, 1, "Cần gửi lại", font=bold)
    _put(sheet, row, 2, resend_vi, alignment=Alignment(wrap_text=True, vertical="top"))
    _put(sheet, row + 1, 2, resend_en, font=english, alignment=Alignment(wrap_text=True))
    row += 2
    if marks:
        table("Danh sách lỗi / every problem", CSV_COLUMNS, (_problem_row(m) for m in marks))
    for letter, width in zip("ABCDEFGH", (30, 44, 16, 24, 22, 50, 50, 50), strict=True):
        sheet.column_dimensions[letter].width = width
    fit_row_heights(sheet)
    print_layout(sheet, len(CSV_COLUMNS), row, None)
    workbook.active = 0
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = other is sheet


def _state(report: Report) -> tuple[str, str]:
    return STATE_WORDS.get(report.state, (report.state, report.state))


def _problem_row(mark: Mark) -> tuple[object, ...]:
    return (
        mark.kind_vi,
        mark.sheet,
        mark.row_number,
        mark.column_name,
        mark.value,
        mark.reason_vi,
        mark.advice_vi,
        mark.reason_en,
    )


def _csv_titles(archived: Path) -> Titles:
    """A CSV file's column titles as written, by format column (none for JSON)."""
    if archived.suffix.lower() != ".csv" or not archived.is_file() or archived.is_symlink():
        return {}
    with archived.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        try:
            titles = next(csv.reader(handle))
        except (StopIteration, csv.Error):
            return {}
    found: Titles = {}
    for title in titles:
        name = _format_column(title, SECTIONS)
        if name and (None, name) not in found:
            found[(None, name)] = title
    return found


def _write_csv(outcome: Outcome, path: Path, titles: Titles) -> None:
    """The same content as the summary sheet: summary rows, then one row per problem."""
    rows: list[tuple[object, ...]] = []
    for label, vi, en in outcome.summary():
        rows.append(("Tóm tắt / summary", "", "", "", "", f"{label}: {vi}", "", en))
    for sheet in outcome.by_sheet:
        rows.append(
            (
                "Theo trang / by sheet",
                sheet.sheet,
                "",
                "",
                "",
                f"{sheet.rows} dòng có lỗi, {sheet.problems} lỗi",
                "",
                f"{sheet.rows} rows with problems, {sheet.problems} problems",
            )
        )
    for report in outcome.reports:
        vi, en = _state(report)
        rows.append(
            (
                "Báo cáo / report",
                "",
                "",
                "",
                f"{report.unit} {report.period} {report.submitted_on:%d/%m/%Y}",
                vi,
                "",
                en,
            )
        )
    for repeat in outcome.repeats:
        rows.append(
            (
                "Ghi nhiều lần / given twice",
                repeat.sheet,
                ", ".join(map(str, repeat.rows)),
                "",
                repeat.kept,
                repeat.say_vi,
                "",
                repeat.say_en,
            )
        )
    resend_vi, resend_en = outcome.resend()
    rows.append(("Cần gửi lại / to re-send", "", "", "", "", resend_vi, "", resend_en))
    rows += [_problem_row(_shown(mark, titles)) for mark in outcome.marks]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        writer.writerows([[csv_cell(value) for value in values] for values in rows])


def csv_cell(value: object) -> str:
    """A CSV field a spreadsheet shows as text: formula triggers get a leading ``'``."""
    text = "" if value is None else printable(str(value)) if isinstance(value, str) else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
