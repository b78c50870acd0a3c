"""Write a submission in each of its three encodings (JSON, CSV files, Excel workbook).

A submission here is the JSON form as a dict: ``{"format_version": 1,
"submission": {...}, "models": [...], "indicators": [...], ...}``. The Excel
writer is also the template officers fill in: headers in Vietnamese (or
English), dropdown lists, an instructions sheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from openpyxl.utils import get_column_letter

from danvan.ingest.format import (
    CSV_IDENTITY_COLUMNS,
    FORMAT_VERSION,
    ROW_SECTIONS,
    SUBMISSION,
    Column,
    Kind,
    Section,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

# A submission in its JSON form: {"submission": {...}, "models": [...], ...}.
Submission = dict[str, Any]

INSTRUCTIONS_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
MAX_TEMPLATE_ROWS = 500


def write_json(submission: Submission, path: Path) -> Path:
    document = {"format_version": FORMAT_VERSION, **submission}
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return path


def write_csv(submissions: Iterable[Submission], directory: Path, stem: str) -> list[Path]:
    """One file per section, ``<stem>.<section>.csv``; each row carries its submission identity."""
    submissions = list(submissions)
    written = []
    for section in ROW_SECTIONS:
        rows = [
            {**{k: submission["submission"].get(k) for k in CSV_IDENTITY_COLUMNS}, **row}
            for submission in submissions
            for row in submission.get(section.name, [])
        ]
        if not rows:
            continue
        path = directory / f"{stem}.{section.name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(
                handle, fieldnames=[*CSV_IDENTITY_COLUMNS, *section.column_names]
            )
            writer.writeheader()
            writer.writerows(rows)
        written.append(path)
    return written


def _header(column: Column, language: str) -> str:
    return column.header_vi if language == "vi" else column.name


def _sheet_name(section: Section, language: str) -> str:
    return section.sheet_vi if language == "vi" else section.sheet_en


@dataclass(frozen=True)
class DependentChoices:
    """A dropdown whose values depend on another cell of its row: the units of the row's
    indicator. ``by_parent``: each value the parent column may hold -> the values allowed."""

    parent: str  # the column of the same row it depends on
    by_parent: dict[str, list[str]]


def write_workbook(
    submission: Submission,
    path: Path,
    *,
    language: str = "vi",
    choices: dict[str, list[str]] | None = None,
    suggested: Collection[str] = (),
    template_rows: int = 0,
    dependent: Mapping[tuple[str, str], DependentChoices] | None = None,
) -> Path:
    """The Excel form. ``choices`` (column name → allowed values) become dropdown lists.

    A dropdown refuses other values, except for the ``suggested`` columns, where
    a cell may hold several values or one not listed yet. With ``template_rows``
    the workbook is the blank template: ``dependent`` dropdowns ((section, column)
    → choices by the row's parent value), date and number cells validated with an
    input message, header rows protected, and a print layout.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F4E78")
    form = workbook.worksheets[0]  # a new workbook's one sheet
    form.title = _sheet_name(SUBMISSION, language)
    form.append([SUBMISSION.sheet_vi.upper() if language == "vi" else "SUBMISSION"])
    form["A1"].font = Font(bold=True, size=14)
    for column in SUBMISSION.columns:
        form.append([_header(column, language), submission["submission"].get(column.name)])
        form.cell(form.max_row, 1).font = Font(bold=column.required)
    form.column_dimensions["A"].width = 28
    form.column_dimensions["B"].width = 48

    lists = workbook.create_sheet(LISTS_SHEET)
    list_ranges: dict[str, str] = {}
    for index, (name, values) in enumerate(sorted((choices or {}).items()), start=1):
        letter = lists.cell(1, index).column_letter
        lists.cell(1, index, name)
        for row, value in enumerate(values, start=2):
            lists.cell(row, index, value)
        list_ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    lists.sheet_state = "hidden"
    dependent = dependent or {}
    dependent_lists = _dependent_lists(workbook, dependent, list_ranges)

    for section in ROW_SECTIONS:
        sheet = workbook.create_sheet(_sheet_name(section, language))
        sheet.append([_header(column, language) for column in section.columns])
        for cell in sheet[1]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in submission.get(section.name, []):
            sheet.append([row.get(column.name) for column in section.columns])
        sheet.freeze_panes = "A2"
        last_row = max(sheet.max_row, template_rows + 1)
        for position, column in enumerate(section.columns, start=1):
            letter = sheet.cell(1, position).column_letter
            cells = f"{letter}2:{letter}{last_row}"
            sheet.column_dimensions[letter].width = max(
                14, min(40, len(_header(column, language)) + 4)
            )
            formula = dependent_lists.get((section.name, column.name))
            if formula is not None:
                parent = section.column_names.index(dependent[section.name, column.name].parent)
                formula = formula.format(parent=f"${get_column_letter(parent + 1)}2")
            elif column.name in list_ranges:
                formula = list_ranges[column.name]
            validation: DataValidation | None = None
            if formula is not None:
                validation = _list_validation(formula, column, column.name not in suggested)
            elif template_rows:
                validation = _typed_validation(column, f"{letter}2")
                if column.kind in (Kind.DATE, Kind.ROUGH_DATE):
                    sheet.column_dimensions[letter].number_format = "@"
            if validation is not None:
                sheet.add_data_validation(validation)
                validation.add(cells)
        if template_rows:
            _protect_header(sheet, first_data_row=2, data_columns=len(section.columns))
            print_layout(sheet, len(section.columns), max(sheet.max_row, PRINTED_ROWS), "1:1")

    instructions = _guide_sheet(workbook, language, bool(template_rows))
    if template_rows:
        _protect_form(form)
        print_layout(form, 2, form.max_row, None)
        print_layout(instructions, 3, instructions.max_row, None)
    workbook.active = 1
    workbook.save(path)
    return path


# A printed data sheet shows this many rows at least (more when prefilled).
PRINTED_ROWS = 40
GUIDE_EN_FONT = {"italic": True, "size": 9, "color": "595959"}
# Each section's dependent lists live on this hidden sheet, found through named ranges.
UNITS_SHEET = "Danh mục đơn vị"
# What typed cells accept, how Excel checks them as they are typed (a warning only: the
# readers take more than Excel does, e.g. '60 triệu' or a year alone), and what they say.
TYPED_CELLS: dict[Kind, dict[str, Any]] = {
    Kind.DATE: {  # kept as text (so no locale swaps day and month): dd/mm/yyyy, or a year
        "type": "custom",
        "formula1": 'OR(ISNUMBER({cell}),AND(LEN({cell})=10,MID({cell},3,1)="/",'
        'MID({cell},6,1)="/"))',
        "error": "Nên ghi ngày dạng ngày/tháng/năm, ví dụ 15/01/2025. / A date, dd/mm/yyyy.",
    },
    Kind.ROUGH_DATE: {  # as a date, or a month (3/2024) or a year alone
        "type": "custom",
        "formula1": 'OR(ISNUMBER({cell}),ISNUMBER(FIND("/",{cell})))',
        "error": "Nên ghi ngày/tháng/năm (15/01/2025), tháng/năm (3/2024) hoặc năm (2024). / "
        "A date, a month or a year.",
    },
    Kind.INTEGER: {
        "type": "whole",
        "operator": "greaterThanOrEqual",
        "formula1": "0",
        "error": "Nên ghi một số nguyên không âm, ví dụ 120. / A whole number, 0 or more.",
    },
    Kind.NUMBER: {
        "type": "decimal",
        "operator": "greaterThanOrEqual",
        "formula1": "0",
        "error": "Nên ghi một số không âm (vd. 1.500.000; 1,5; 60 triệu). / A number, 0 or more.",
    },
    Kind.YEAR: {
        "type": "whole",
        "operator": "between",
        "formula1": "1945",
        "formula2": "2100",
        "error": "Nên ghi năm bằng 4 chữ số, ví dụ 2024. / A year, e.g. 2024.",
    },
}


def _list_validation(formula: str, column: Column, strict: bool) -> DataValidation:
    from openpyxl.worksheet.datavalidation import DataValidation

    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=not column.required,
        showErrorMessage=strict,
    )
    validation.error = f"Chọn giá trị trong danh mục / choose from the list ({column.name})"
    _input_message(validation, column)
    return validation


def _typed_validation(column: Column, first_cell: str) -> DataValidation | None:
    """A date or number cell's check and its Vietnamese input message; ``first_cell``: the
    top-left cell of the range it checks (a formula's cell references are relative to it)."""
    from openpyxl.worksheet.datavalidation import DataValidation

    rule = TYPED_CELLS.get(column.kind)
    if rule is None:
        return None
    settings = {key: value for key, value in rule.items() if key != "error"}
    settings["formula1"] = settings["formula1"].format(cell=first_cell)
    validation = DataValidation(
        **settings, allow_blank=not column.required, errorStyle="warning", showErrorMessage=True
    )
    validation.errorTitle = "Kiểm tra lại / check"
    validation.error = rule["error"]
    _input_message(validation, column)
    return validation


def _input_message(validation: DataValidation, column: Column) -> None:
    """What the cell says when selected: its header and how to fill it, in Vietnamese."""
    validation.showInputMessage = True
    validation.promptTitle = column.header_vi[:32]
    validation.prompt = column.description_vi[:255]


def _dependent_lists(
    workbook: Workbook,
    dependent: Mapping[tuple[str, str], DependentChoices],
    list_ranges: dict[str, str],
) -> dict[tuple[str, str], str]:
    """The hidden sheet of each parent value's list (its values in row 1, counts in row 2,
    lists below) and, per dependent column, its list formula with a ``{parent}`` cell.
    A parent not in the catalogue lists every value of the column's own list."""
    from openpyxl.workbook.defined_name import DefinedName

    if not dependent:
        return {}
    sheet = workbook.create_sheet(UNITS_SHEET)
    sheet.sheet_state = "hidden"
    formulas = {}
    first = 1
    for (section, column), choices in dependent.items():
        last = first + len(choices.by_parent) - 1
        for offset, (parent, values) in enumerate(choices.by_parent.items()):
            sheet.cell(1, first + offset, parent)
            sheet.cell(2, first + offset, len(values))
            for row, value in enumerate(values, start=3):
                sheet.cell(row, first + offset, value)
        left, right = get_column_letter(first), get_column_letter(last)
        name = f"{section}_{column}"
        for suffix, reference in (
            ("parents", f"${left}$1:${right}$1"),
            ("counts", f"${left}$2:${right}$2"),
            ("first", f"${left}$3"),
        ):
            workbook.defined_names[f"{name}_{suffix}"] = DefinedName(
                f"{name}_{suffix}", attr_text=f"'{UNITS_SHEET}'!{reference}"
            )
        match = f"MATCH({{parent}},{name}_parents,0)"
        every = list_ranges.get(column, '""')
        formulas[(section, column)] = (
            f"IF(ISNA({match}),{every},"
            f"OFFSET({name}_first,0,{match}-1,INDEX({name}_counts,{match}),1))"
        )
        first = last + 1
    sheet.protection.sheet = True
    return formulas


def _protect_header(sheet: Worksheet, first_data_row: int, data_columns: int) -> None:
    """Header rows locked, data cells (and the empty rows below) open; no password, so an
    officer who must change a header can unprotect the sheet."""
    from openpyxl.styles import Protection

    unlocked = Protection(locked=False)
    for position in range(1, data_columns + 1):
        sheet.column_dimensions[get_column_letter(position)].protection = unlocked
    for row in sheet.iter_rows(min_row=first_data_row, max_col=data_columns):
        for cell in row:
            cell.protection = unlocked
    for cell in sheet[1]:
        cell.protection = Protection(locked=True)
    _protect(sheet)


def _protect_form(form: Worksheet) -> None:
    """The header sheet: its labels and title locked, the value cells (column B) open."""
    from openpyxl.styles import Protection

    for position, column in enumerate(SUBMISSION.columns, start=2):
        cell = form.cell(position, 2)
        cell.protection = Protection(locked=False)
        if column.kind is Kind.DATE:
            cell.number_format = "@"  # kept as typed: dd/mm/yyyy whatever the locale
    for position, column in enumerate(SUBMISSION.columns, start=2):
        validation = _typed_validation(column, f"B{position}")
        if validation is not None:
            form.add_data_validation(validation)
            validation.add(f"B{position}")
    _protect(form)


def _protect(sheet: Worksheet) -> None:
    """Protected without a password; rows may still be inserted, deleted, sorted, sized."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = protection.formatRows = False
    protection.insertRows = protection.deleteRows = False
    protection.sort = protection.autoFilter = False


def print_layout(sheet: Worksheet, columns: int, rows: int, title_rows: str | None) -> None:
    """A4 landscape, as wide as the page, the header repeated on every page."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.print_area = f"A1:{get_column_letter(columns)}{rows}"
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


LINE_POINTS = 15  # one line of 11-point text
CHARACTERS_PER_WIDTH = 1.1  # a column of width 10 holds about 11 characters


def fit_row_heights(sheet: Worksheet) -> None:
    """Rows tall enough for their wrapped text: spreadsheets do not all grow a row on
    opening (LibreOffice prints a cell that does not fit as blank)."""
    widths = {letter: dimension.width for letter, dimension in sheet.column_dimensions.items()}
    for number, row in enumerate(sheet.iter_rows(), start=1):
        lines = 1
        for cell in row:
            if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            width = widths.get(cell.column_letter) or 13
            room = max(1, int(width * CHARACTERS_PER_WIDTH))
            needed = sum(-(-len(part) // room) or 1 for part in cell.value.split("\n"))
            lines = max(lines, needed)
        if lines > 1:
            sheet.row_dimensions[number].height = lines * LINE_POINTS


def _guide_sheet(workbook: Workbook, language: str, template: bool) -> Worksheet:
    """The first sheet: every instruction in Vietnamese, then in English in smaller type."""
    from openpyxl.styles import Alignment, Font

    guide: Worksheet = workbook.create_sheet(INSTRUCTIONS_SHEET, 0)
    english = Font(**GUIDE_EN_FONT)  # type: ignore[arg-type]
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(label: str, vietnamese: str, english_text: str, *, bold: bool = False) -> None:
        guide.append([label, vietnamese, english_text])
        row = guide.max_row
        guide.cell(row, 1).font = Font(bold=bold, size=11)
        guide.cell(row, 2).font = Font(bold=bold, size=11)
        guide.cell(row, 3).font = english
        for position in (1, 2, 3):
            guide.cell(row, position).alignment = wrap

    guide.append(["Hướng dẫn điền báo cáo Dân vận khéo"])
    guide["A1"].font = Font(bold=True, size=14)
    guide.append(["How to fill in this report"])
    guide["A2"].font = english
    for number, (vietnamese, english_text) in enumerate(GENERAL_STEPS, start=1):
        line(f"{number}.", vietnamese, english_text)
    for section in (SUBMISSION, *ROW_SECTIONS):
        guide.append([])
        sheet_name = _sheet_name(section, language)
        line(sheet_name, section.description_vi, section.description, bold=True)
        for column in section.columns:
            mark = " *" if column.required else ""
            line(
                f"{_header(column, language)}{mark}",
                column.description_vi,
                f"{column.name}: {column.description}",
            )
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 70
    guide.column_dimensions["C"].width = 60
    fit_row_heights(guide)
    if template:
        _protect(guide)
    return guide


GENERAL_STEPS = (
    (
        "Điền lần lượt các trang: Thông tin chung, Mô hình, Chỉ tiêu, Đóng góp, Hoạt động. "
        "Cột có dấu * là bắt buộc.",
        "Fill in each sheet in turn; columns marked * are required.",
    ),
    (
        "Chọn giá trị trong danh sách thả xuống khi ô có danh sách. Cột Đơn vị tính chỉ "
        "liệt kê các đơn vị của chỉ tiêu (hoặc loại đóng góp) ở cùng dòng.",
        "Pick values from the dropdowns; the unit dropdown lists only the units of the "
        "row's indicator (or contribution type).",
    ),
    (
        "Số ghi kiểu Việt Nam (1.234.567; 1,5) hoặc kèm đơn vị (60 triệu). Ngày ghi "
        "ngày/tháng/năm, ví dụ 15/01/2025.",
        "Numbers Vietnamese style (1.234.567; 1,5) or with a unit (60 triệu); dates dd/mm/yyyy.",
    ),
    (
        "Dòng tiêu đề được khóa để không bị sửa nhầm; các ô dữ liệu vẫn điền bình thường.",
        "Header rows are locked against accidental edits; data cells are open.",
    ),
    (
        "Sau khi gửi, kết quả tiếp nhận được trả lại trong tệp <tên tệp>.ket-qua.xlsx: "
        "các ô có lỗi được tô màu và ghi chú cách sửa.",
        "After sending, the result comes back as <file name>.ket-qua.xlsx, with each "
        "problem cell coloured and a note on how to fix it.",
    ),
    (
        "Gửi lại báo cáo đã sửa với Ngày gửi mới hơn: bản gửi sau thay thế bản trước.",
        "Re-send a corrected report with a later date sent: it replaces the earlier one.",
    ),
)
