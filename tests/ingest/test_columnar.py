"""The columnar path lands a CSV exactly as the row path does, or leaves it to the row path."""

from __future__ import annotations

import pytest

from danvan.ingest.landing import columnar
from danvan.ingest.landing.outputs import RAW_TABLES
from danvan.synthetic.generate import generate, write_form
from danvan.warehouse.db import bootstrap
from tests.ingest.support import fetch, land

pytestmark = pytest.mark.database

LINE_COLUMNS = "file_id, sheet, row_number"
QUARANTINE = """select file_id, file_name, sheet, row_number, column_name, value_text, reason_code,
                       reason_en, reason_vi, row_values
                from audit.quarantine order by quarantine_id"""


def _landed(url: str) -> dict[str, list]:
    """Everything landing wrote, lineage included, in a comparable order."""
    contents = {
        table: sorted(map(repr, fetch(url, f"select * from {table}")))
        for table in (*RAW_TABLES.values(), "raw.submissions")
    }
    contents["files"] = fetch(
        url,
        "select file_name, status, reason_en, rows_loaded, rows_quarantined, note_en "
        "from raw.files order by file_id",
    )
    contents["quarantine"] = fetch(url, QUARANTINE)
    return contents


@pytest.fixture
def land_both_ways(server, monkeypatch):
    """Land files in two fresh warehouses, through the row path and through the columnar
    path (every CSV counts as large); return both contents and how many tables Arrow read."""

    def land_both(*paths):
        landed, urls, read_by_arrow = {}, [], []
        groups = columnar._groups

        def counted_groups(*args):
            yield from groups(*args)
            read_by_arrow.append(args[0].path.name)

        monkeypatch.setattr(columnar, "_groups", counted_groups)
        try:
            for path_kind, threshold in (("rows", float("inf")), ("columnar", 0)):
                monkeypatch.setattr(columnar, "COLUMNAR_MIN_BYTES", threshold)
                url = server.create_database()
                urls.append(url)
                bootstrap(url)
                land(url, *paths)
                landed[path_kind] = _landed(url)
        finally:
            for url in urls:
                server.drop_database(url)
        return landed["rows"], landed["columnar"], read_by_arrow

    return land_both


def test_messy_csv_exports_land_the_same_through_both_paths(land_both_ways, tmp_path):
    # GIVEN messy generated submissions as CSV exports, with bad rows and revisions
    generated = generate(10, 6, 3, seed=23, messy=True).submissions
    paths = write_form(generated, tmp_path, "csv")
    # WHEN they land through the row path and through the columnar path
    by_rows, by_columns, read_by_arrow = land_both_ways(*paths)
    # THEN Arrow read every file, and everything landed is identical, lineage included
    assert sorted(read_by_arrow) == sorted(path.name for path in paths)
    assert by_columns == by_rows
    # AND the bad rows were quarantined, not loaded
    assert by_rows["quarantine"]


def test_unknown_columns_bad_submissions_and_bad_values_are_handled_alike(land_both_ways, tmp_path):
    # GIVEN an export with a column the format lacks, a row naming an unknown commune,
    # a row with an unreadable value, a blank-looking row and a quoted line break
    path = tmp_path / "export.indicators.csv"
    path.write_text(
        "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,"
        "indicator,value,ghi chú riêng\n"
        "Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,TK-1,patrols,300,\n"
        'Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,TK-1,Lợi nhuận,60 triệu,"ghi\nchú"\n'
        "Xã Không Có,xã,Quảng Nam,năm 2023,15/01/2024,TK-1,patrols,5,\n"
        "Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,TK-2,patrols,tám,  \n"
        ",,,,,,,,\n"
        "xa tra ka,Xã,quang nam,Năm 2023,15/01/2024,TK-2,cases_detected,hơn 3,x\n",
        encoding="utf-8",
    )
    # WHEN it lands through both paths
    by_rows, by_columns, read_by_arrow = land_both_ways(path)
    # THEN Arrow read it and both paths agree on every row, cell and reason
    assert read_by_arrow == [path.name]
    assert by_columns == by_rows
    reasons = sorted((row[3], row[4], row[6]) for row in by_rows["quarantine"])
    assert reasons == [
        (3, "ghi chú riêng", "unknown_column"),
        (4, "reporting_unit_name", "unit_unknown"),
        (5, "value", "invalid_value"),
        (7, "ghi chú riêng", "unknown_column"),
    ]
    assert len(by_rows["raw.indicator_values"]) == 3


def test_text_typed_with_a_legacy_font_is_read_back_and_noted_alike(land_both_ways, tmp_path):
    # GIVEN an export whose unit, province and one indicator were typed with a TCVN3 font
    path = tmp_path / "export.indicators.csv"
    path.write_text(
        "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,"
        "indicator,value\n"
        "X· Trµ Ka,xã,Qu¶ng Nam,năm 2023,15/01/2024,TK-1,Lîi nhuËn,60 triệu\n"
        "X· Trµ Ka,xã,Qu¶ng Nam,năm 2023,15/01/2024,TK-1,patrols,300\n",
        encoding="utf-8",
    )
    # WHEN it lands through both paths
    by_rows, by_columns, read_by_arrow = land_both_ways(path)
    # THEN both read it back as Unicode and note it on the file
    assert read_by_arrow == [path.name]
    assert by_columns == by_rows
    assert not by_rows["quarantine"]
    assert len(by_rows["raw.indicator_values"]) == 2
    ((*_, note),) = by_rows["files"]
    assert note.startswith("3 distinct values were typed with a TCVN3 (ABC) font")


GOOD_LINE = "Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,TK-1,patrols,300\n"


@pytest.mark.parametrize(
    ("body", "read_by_arrow", "loaded"),
    [
        # a short row misses its value (quarantined); a long one loads, its extra cell is stray
        pytest.param(GOOD_LINE.replace(",300", ""), False, 2, id="short"),
        pytest.param(GOOD_LINE.replace(",300", ",3,x"), False, 3, id="long"),
        pytest.param("\n", True, 2, id="blank"),
        pytest.param("\r\n", True, 2, id="blank-crlf"),
    ],
)
def test_ragged_and_blank_lines_land_as_the_row_path_lands_them(
    land_both_ways, tmp_path, body, read_by_arrow, loaded
):
    # GIVEN an export with a line shorter or longer than its header, or a blank one
    path = tmp_path / "export.indicators.csv"
    path.write_text(
        "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,"
        "indicator,value\n" + GOOD_LINE + body + GOOD_LINE.replace("300", "301"),
        encoding="utf-8",
        newline="",
    )
    # WHEN it lands through both paths
    by_rows, by_columns, arrow_read = land_both_ways(path)
    # THEN a ragged line sends the file to the row path, a blank one is read by Arrow,
    # and either way both land the same rows with the same row numbers
    assert arrow_read == ([path.name] if read_by_arrow else [])
    assert by_columns == by_rows
    assert len(by_rows["raw.indicator_values"]) == loaded


def test_invalid_utf8_halfway_is_rejected_with_where_as_by_the_row_path(land_both_ways, tmp_path):
    # GIVEN an export whose later line is not UTF-8
    path = tmp_path / "export.indicators.csv"
    good = GOOD_LINE.encode()
    path.write_bytes(
        b"reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,"
        b"indicator,value\n" + good * 3 + good.replace("Xã Trà Ka".encode(), b"X\xe3 Tr\xe0 Ka")
    )
    # WHEN it lands through both paths
    by_rows, by_columns, _ = land_both_ways(path)
    # THEN both reject the whole file with the same reason, and nothing of it is kept
    assert by_columns == by_rows
    ((_, status, reason, loaded, _, _),) = by_rows["files"]
    assert (status, loaded) == ("rejected", 0)
    assert "UTF-8" in reason
    assert not by_rows["raw.indicator_values"]


def test_rows_describing_one_report_differently_are_quarantined(land_both_ways, tmp_path):
    # GIVEN an export whose rows name one report (unit, period, date sent), the unit spelled
    # two ways, and one row giving the report another submitter
    path = tmp_path / "export.indicators.csv"
    header = "reporting_unit_name,reporting_unit_level,province,period,submitted_on,submitter,"
    path.write_text(
        header
        + "model_code,indicator,value\n"
        + "Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,Lê Văn A,TK-1,patrols,300\n"
        + "xa tra ka,Xã,quang nam,Năm 2023,15/01/2024,Lê Văn A,TK-1,cases_detected,3\n"
        + "Xã Trà Ka,xã,Quảng Nam,năm 2023,15/01/2024,Trần Thị B,TK-1,patrols,301\n",
        encoding="utf-8",
    )
    # WHEN it lands through both paths
    by_rows, by_columns, _ = land_both_ways(path)
    # THEN the report is landed once, with the first row's details and both spellings' rows,
    # and the row that contradicts it is quarantined with why
    assert by_columns == by_rows
    assert len(by_rows["raw.submissions"]) == 1
    assert "Lê Văn A" in by_rows["raw.submissions"][0]
    assert len(by_rows["raw.indicator_values"]) == 2
    ((_, _, _, row, column, value, code, reason_en, _, _),) = by_rows["quarantine"]
    assert (row, column, value, code) == (4, "submitter", "Trần Thị B", "conflicting_submission")
    assert "row 2" in reason_en


def test_a_models_export_without_optional_columns_lands_alike(land_both_ways, tmp_path):
    # GIVEN a models export that leaves out the optional topic and host commune columns
    path = tmp_path / "export.models.csv"
    path.write_text(
        "reporting_unit_name,reporting_unit_level,province,period,submitted_on,"
        "model_code,model_name,field,lead_organizations\n"
        "Xã Trà Ka,xã,Quảng Nam,Năm 2023,16/01/2024,TK-1,Trồng nghệ đen,kinh tế,"
        "Mặt trận; Hội Phụ nữ\n",
        encoding="utf-8",
    )
    # WHEN it lands through both paths
    by_rows, by_columns, read_by_arrow = land_both_ways(path)
    # THEN Arrow read it, and the absent columns land empty in both, nothing shifted
    assert read_by_arrow == [path.name]
    assert by_columns == by_rows
    assert len(by_rows["raw.models"]) == 1 and not by_rows["quarantine"]
