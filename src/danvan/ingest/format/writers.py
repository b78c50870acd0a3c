"""Write a submission in each of its three encodings (JSON, CSV files, Excel workbook).

A submission here is the JSON form as a dict: ``{"format_version": 1,
"submission": {...}, "models": [...], "indicators": [...], ...}``. The Excel
writer is also the template officers fill in: headers in Vietnamese (or
English), dropdown lists, an instructions sheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from danvan.ingest.format import (
    CSV_IDENTITY_COLUMNS,
    FORMAT_VERSION,
    ROW_SECTIONS,
    SUBMISSION,
    Column,
    Section,
)

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


def write_workbook(
    submission: Submission,
    path: Path,
    *,
    language: str = "vi",
    choices: dict[str, list[str]] | None = None,
    suggested: Collection[str] = (),
    template_rows: int = 0,
) -> Path:
    """The Excel form. ``choices`` (column name → allowed values) become dropdown lists.

    A dropdown refuses other values, except for the ``suggested`` columns, where
    a cell may hold several values or one not listed yet.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

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
            sheet.column_dimensions[letter].width = max(
                14, min(40, len(_header(column, language)) + 4)
            )
            if column.name in list_ranges:
                validation = DataValidation(
                    type="list",
                    formula1=list_ranges[column.name],
                    allow_blank=not column.required,
                    showErrorMessage=column.name not in suggested,
                )
                validation.error = (
                    f"Chọn giá trị trong danh mục / choose from the list ({column.name})"
                )
                sheet.add_data_validation(validation)
                validation.add(f"{letter}2:{letter}{last_row}")

    instructions = workbook.create_sheet(INSTRUCTIONS_SHEET, 0)
    instructions.append(["Hướng dẫn điền báo cáo Dân vận khéo / How to fill in this report"])
    instructions["A1"].font = Font(bold=True, size=14)
    for section in (SUBMISSION, *ROW_SECTIONS):
        instructions.append([])
        instructions.append([f"{section.sheet_vi} / {section.sheet_en}", section.description])
        instructions.cell(instructions.max_row, 1).font = Font(bold=True)
        for column in section.columns:
            mark = " *" if column.required else ""
            instructions.append(
                [f"{column.header_vi}{mark}", f"{column.name}: {column.description}"]
            )
    instructions.column_dimensions["A"].width = 32
    instructions.column_dimensions["B"].width = 110
    lists.sheet_state = "hidden"
    workbook.active = 1
    workbook.save(path)
    return path
