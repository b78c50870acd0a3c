"""The Excel template: prefilled, with dropdowns that read back, landing with no manual step."""

from __future__ import annotations

from decimal import Decimal

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from danvan.cli import main
from danvan.ingest.format.template import (
    CATALOGUE_COLUMNS,
    TemplateError,
    template_choices,
    write_template,
)
from danvan.ingest.format.writers import write_json
from danvan.ingest.reference_data import ReferenceData
from tests.ingest.support import SEEDS_DIR, fetch, land, submission


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
