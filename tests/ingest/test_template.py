"""The Excel template: prefilled, with dropdowns that read back, landing with no manual step."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from danvan.cli import main
from danvan.ingest.format import SECTIONS
from danvan.ingest.format.template import (
    CATALOGUE_COLUMNS,
    TemplateError,
    template_choices,
    write_template,
)
from danvan.ingest.format.writers import write_json
from danvan.ingest.reference_data import ReferenceData
from tests.ingest.support import SEEDS_DIR, fetch, land, submission

VIETNAMESE = re.compile("[ăâđêôơưàáảãạèéẻẽẹìíỉĩịòóỏõọùúủũụỳýỷỹỵ]", re.IGNORECASE)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_dropdown_value_reads_back_as_its_catalogue_code(language):
    # GIVEN the catalogue and the dropdowns made from it
    reference = ReferenceData.from_seeds(SEEDS_DIR)
    catalogue = reference.catalogue
    choices = template_choices(reference, language)
    # WHEN each listed value is read the way a filled cell is read
    # THEN it names exactly one code of its list, every code is listed once
    for column, list_name in CATALOGUE_COLUMNS.items():
        codes = [catalogue.resolve(list_name, value) for value in choices[column]]
        assert codes == list(catalogue.lookups[list_name].codes), column
    assert all(reference.units.resolve(value) for value in choices["unit"])
    assert not any(";" in value or "," in value for value in choices["lead_organizations"])


@pytest.mark.database
def test_a_filled_template_lands_with_its_known_model(warehouse_url, tmp_path):
    # GIVEN Trà Ka commune has reported a model before
    land(warehouse_url, write_json(submission(), tmp_path / "2023.json"))
    # WHEN a 2024 template is written from the warehouse and the officer fills it in
    result = CliRunner().invoke(
        main,
        [
            "template",
            "--unit",
            "20932",
            "--period",
            "Năm 2024",
            "--output",
            str(tmp_path / "t.xlsx"),
        ],
        env={"DANVAN_DATABASE_URL": warehouse_url, "DANVAN_HOME": str(tmp_path / "home")},
    )
    assert result.exit_code == 0, result.output
    assert "1 known models prefilled" in result.output
    workbook = load_workbook(tmp_path / "t.xlsx")
    header = workbook["Thông tin chung"]
    date_row = next(row for row in header.iter_rows() if row[0].value == "Ngày gửi")
    date_row[1].value = "10/01/2025"
    indicators = workbook["Chỉ tiêu"]
    indicators.append(["TK-1", None, "Số sản phẩm OCOP", 2, None])
    indicators.append(["TK-1", None, "Lợi nhuận", "75 triệu", "đồng"])
    workbook.save(tmp_path / "filled.xlsx")
    results = land(warehouse_url, tmp_path / "filled.xlsx")
    # THEN the prefilled model and the new rows load, with nothing quarantined
    assert (results["filled.xlsx"].rows_loaded, results["filled.xlsx"].rows_quarantined) == (3, 0)
    assert fetch(
        warehouse_url,
        """select period_code, model_code, indicator_code, value from raw.indicator_values
           where period_code = '2024' order by row_number""",
    ) == [
        ("2024", "TK-1", "ocop_products", Decimal(2)),
        ("2024", "TK-1", "profit_vnd", Decimal(75_000_000)),
    ]
    assert fetch(
        warehouse_url,
        "select model_code, model_name, field_code from raw.models where period_code = '2024'",
    ) == [("TK-1", "Trồng nghệ đen", "economy")]


def test_the_template_has_dropdowns_instructions_and_the_unit_prefilled(tmp_path):
    # GIVEN no warehouse (no known models)
    # WHEN an English template is written for Ba Đình ward (Hà Nội) on today's map
    template = write_template(
        "00004", "Q3/2025", tmp_path / "ward.xlsx", seeds_dir=SEEDS_DIR, language="en"
    )
    workbook = load_workbook(template.path)
    # THEN the header names the unit and period, the sheets carry dropdowns
    header = {row[0].value: row[1].value for row in workbook["Submission"].iter_rows(min_row=2)}
    assert header["reporting_unit_code"] == "00004"
    assert header["map_version"] == "2025-07"
    assert header["period"] == "2025-Q3"
    assert workbook.sheetnames == [
        "Hướng dẫn",
        "Submission",
        "Danh mục",
        "Danh mục đơn vị",
        "Models",
        "Indicators",
        "Contributions",
        "Activities",
    ]
    validated = {
        str(cells)
        for validation in workbook["Indicators"].data_validations.dataValidation
        for cells in validation.sqref.ranges
    }
    assert {"C2:C501", "E2:E501"} <= validated


def test_a_unit_not_on_the_map_of_the_period_is_refused(tmp_path):
    # GIVEN a commune code of the old map and a period after the reform
    # WHEN a template is asked for
    # THEN it is refused, saying which map was searched
    with pytest.raises(TemplateError, match="2025-07"):
        write_template("20932", "Quý III/2025", tmp_path / "t.xlsx", seeds_dir=SEEDS_DIR)


def english_words(text: str) -> bool:
    """English, which may quote Vietnamese examples: its first words are plain ASCII."""
    return all(word.isascii() for word in text.split()[:2])


@pytest.fixture(scope="module")
def vietnamese_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "tra-ka.xlsx"
    write_template("20932", "Năm 2024", path, seeds_dir=SEEDS_DIR)
    return load_workbook(path)


def test_the_guide_says_everything_in_vietnamese_first_then_english_in_smaller_type(
    vietnamese_template,
):
    # GIVEN the guide sheet of a Vietnamese template
    guide = vietnamese_template["Hướng dẫn"]
    rows = [row for row in guide.iter_rows(min_row=3) if row[1].value]
    # THEN every column of every section has a line: its header, Vietnamese, then English
    headers = {str(row[0].value).removesuffix(" *") for row in rows}
    for section in SECTIONS:
        assert {column.header_vi for column in section.columns} <= headers, section.name
    for label, vietnamese, english in (row[:3] for row in rows):
        assert VIETNAMESE.search(vietnamese.value), vietnamese.value
        assert english.value and english_words(english.value), english.value
        assert english.font.sz < vietnamese.font.sz, label.value
    assert guide["B3"].value.startswith("Điền lần lượt các trang")


def test_header_rows_are_locked_and_data_cells_open_without_a_password(vietnamese_template):
    # GIVEN each data sheet and the header sheet
    for name in ("Mô hình", "Chỉ tiêu", "Đóng góp", "Hoạt động"):
        sheet = vietnamese_template[name]
        # THEN the sheet is protected with no password, its header row locked
        assert sheet.protection.sheet and sheet.protection.password is None, name
        assert all(cell.protection.locked for cell in sheet[1]), name
        # AND every column's cells below it open (the column's own style)
        for position in range(1, sheet.max_column + 1):
            letter = sheet.cell(1, position).column_letter
            assert sheet.column_dimensions[letter].protection.locked is False, (name, letter)
        # AND rows may still be inserted and deleted
        assert sheet.protection.insertRows is False and sheet.protection.deleteRows is False
    form = vietnamese_template["Thông tin chung"]
    assert form.protection.sheet
    assert form["A9"].protection.locked and not form["B9"].protection.locked


def test_the_unit_dropdown_of_a_row_lists_only_its_indicators_units(vietnamese_template):
    # GIVEN the hidden sheet of unit lists and the names pointing into it
    units = vietnamese_template["Danh mục đơn vị"]
    assert units.sheet_state == "hidden"
    lists = {
        units.cell(1, column).value: [
            units.cell(row, column).value for row in range(3, 3 + units.cell(2, column).value)
        ]
        for column in range(1, units.max_column + 1)
    }
    # THEN each indicator lists its allowed units, its own unit first
    assert lists["Số cầu xây mới"] == ["cây cầu"]
    assert lists["Chiều dài đường làm mới"] == ["ki-lô-mét", "mét"]
    assert lists["Lợi nhuận"][0] == "đồng" and "triệu đồng" in lists["Lợi nhuận"]
    assert lists["Tiền"][0] == "đồng"  # a contribution type's units
    # AND the unit cells' dropdown looks up the row's indicator (column C) in that sheet
    (unit_rule,) = [
        rule
        for rule in vietnamese_template["Chỉ tiêu"].data_validations.dataValidation
        if str(rule.sqref) == "E2:E501"
    ]
    assert unit_rule.type == "list" and len(unit_rule.formula1) <= 255
    assert "MATCH($C2,indicators_unit_parents,0)" in unit_rule.formula1
    assert "OFFSET(indicators_unit_first" in unit_rule.formula1
    parents = vietnamese_template.defined_names["indicators_unit_parents"].attr_text
    assert parents.startswith("'Danh mục đơn vị'!$A$1:")


def test_date_and_number_cells_are_checked_with_a_vietnamese_message(vietnamese_template):
    rules = {
        str(rule.sqref): rule
        for name in ("Mô hình", "Chỉ tiêu")
        for rule in vietnamese_template[name].data_validations.dataValidation
    }
    # THEN the start date, the households and the indicator value each say how to fill them
    start, households, value = rules["H2:H501"], rules["J2:J501"], rules["D2:D501"]
    assert start.type == "custom" and 'FIND("/",H2)' in start.formula1
    assert households.type == "whole" and households.formula1 == "0"
    assert value.type == "decimal"
    for rule in (start, households, value):
        assert rule.showInputMessage and VIETNAMESE.search(rule.prompt), rule.prompt
        assert rule.errorStyle == "warning"  # '60 triệu' is still accepted
    # AND the header's date sent too
    (sent,) = vietnamese_template["Thông tin chung"].data_validations.dataValidation
    assert str(sent.sqref) == "B9" and "ngày/tháng/năm" in sent.prompt


def test_every_sheet_prints_on_a4_landscape_as_wide_as_the_page(vietnamese_template):
    for name in ("Hướng dẫn", "Thông tin chung", "Mô hình", "Chỉ tiêu"):
        sheet = vietnamese_template[name]
        setup = sheet.page_setup
        assert (setup.orientation, str(setup.paperSize)) == ("landscape", sheet.PAPERSIZE_A4)
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), name
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
        assert sheet.print_area, name
    assert vietnamese_template["Chỉ tiêu"].print_title_rows == "$1:$1"
    assert vietnamese_template["Mô hình"].print_area == "'Mô hình'!$A$1:$O$40"
