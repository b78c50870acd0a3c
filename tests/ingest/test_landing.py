"""Landing: good rows into raw with lineage, bad rows quarantined, files skipped or rejected."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from decimal import Decimal

import psycopg
import pytest
from openpyxl import Workbook, load_workbook

from danvan.feedback import Delivery, feedback_text
from danvan.ingest.format import ROW_SECTIONS
from danvan.ingest.format.writers import write_csv, write_json, write_workbook
from danvan.ingest.landing.outputs import RAW_TABLES, SECTION_OUTPUTS, raw_columns
from tests.ingest.support import fetch, land, submission

pytestmark = pytest.mark.database


def _messy_workbook(path):
    """A workbook as communes send them: title rows, merged cells, a renamed sheet, NFD names."""
    workbook = Workbook()
    form = workbook.active
    form.title = "Sheet1"  # renamed from "Thông tin chung"
    for row in [
        ["BÁO CÁO DÂN VẬN KHÉO"],
        ["Tên đơn vị báo cáo", unicodedata.normalize("NFD", "xã Trà Ka")],
        ["Cấp đơn vị", "Xã"],
        ["Tỉnh/thành phố", "quang nam"],
        ["Kỳ báo cáo", "Năm 2023"],
        ["Ngày gửi", "ngày 15 tháng 1 năm 2024"],
    ]:
        form.append(row)
    results = workbook.create_sheet("KQ nam 2023")  # renamed from "Chỉ tiêu"
    for row in [
        ["KẾT QUẢ THỰC HIỆN CÁC MÔ HÌNH"],
        [],
        ["Mã mô hình", "Chỉ tiêu", "Giá trị", "Đơn vị tính"],
        ["TK-1", "Số lượt tuần tra", "1.250", None],
        [None, "canals_built_km", "2,5", "km"],
        [None, "roads_built_km", "916 m", None],
        [None, "Lợi nhuận", "13 tỷ đồng", None],
        [None, "patrols", "hơn 300", None],
        [None, "cases_detected", "tám", None],
    ]:
        results.append(row)
    results.merge_cells("A4:A9")
    workbook.save(path)
    return path


def test_a_messy_workbook_lands_its_good_rows_and_quarantines_the_bad_one(warehouse_url, tmp_path):
    # GIVEN a workbook with title rows, a merged model code, renamed sheets, an NFD unit
    # name, Vietnamese number styles and one value typed in words
    path = _messy_workbook(tmp_path / "tra-ka.xlsx")
    # WHEN it is landed
    result = land(warehouse_url, path)["tra-ka.xlsx"]
    # THEN five rows load with their Excel row numbers, values read the Vietnamese way, in
    # the indicator's unit, beside what was sent
    assert (result.status, result.rows_loaded, result.rows_quarantined) == ("loaded", 5, 1)
    rows = fetch(
        warehouse_url,
        """select sheet, row_number, reporting_unit_code, model_code, indicator_code, value,
                  unit_code, value_qualifier, value_sent, unit_code_sent
           from raw.indicator_values order by row_number""",
    )
    sheet, unit, model, D = "KQ nam 2023", "20932", "TK-1", Decimal
    assert rows == [
        (sheet, 4, unit, model, "patrols", D(1250), "patrol", None, D(1250), None),
        (sheet, 5, unit, model, "canals_built_km", D("2.5"), "km", None, D("2.5"), "km"),
        (sheet, 6, unit, model, "roads_built_km", D("0.916"), "km", None, D(916), "m"),
        (sheet, 7, unit, model, "profit_vnd", D(13 * 10**9), "VND", None, D(13 * 10**9), None),
        (sheet, 8, unit, model, "patrols", D(300), "patrol", "more_than", D(300), None),
    ]
    # AND the bad row is quarantined with where, what and why in both languages
    (entry,) = fetch(
        warehouse_url,
        """select sheet, row_number, column_name, value_text, reason_code, reason_vi, row_values
           from audit.quarantine""",
    )
    assert entry[:5] == ("KQ nam 2023", 9, "value", "tám", "invalid_value")
    assert "không đọc được 'tám' thành số" in entry[5]
    assert entry[6] == {"model_code": "TK-1", "indicator": "cases_detected", "value": "tám"}


def test_a_file_already_loaded_is_skipped(warehouse_url, tmp_path):
    # GIVEN a submission landed once, and the same bytes under another name
    first = write_json(submission(), tmp_path / "tra-ka.json")
    again = tmp_path / "tra-ka (1).json"
    again.write_bytes(first.read_bytes())
    land(warehouse_url, first)
    # WHEN the copy is landed
    result = land(warehouse_url, again)["tra-ka (1).json"]
    # THEN it is skipped and nothing is added
    assert result.status == "skipped"
    assert fetch(warehouse_url, "select count(*) from raw.files") == [(1,)]
    assert fetch(warehouse_url, "select count(*) from raw.indicator_values") == [(2,)]


def test_a_revision_is_kept_beside_the_report_it_supersedes(warehouse_url, tmp_path):
    # GIVEN a report and its revision sent five days later for the same unit and period
    original = write_json(submission(), tmp_path / "tra-ka.json")
    revised = submission(submitted_on="20/01/2024")
    revised["indicators"][0]["value"] = 2
    revision = write_json(revised, tmp_path / "tra-ka-revised.json")
    # WHEN both are landed
    results = land(warehouse_url, original, revision)
    # THEN raw keeps both versions, told apart by their submission date
    assert {r.status for r in results.values()} == {"loaded"}
    assert fetch(
        warehouse_url,
        """select reporting_unit_code, period_code, submitted_on::text, value
           from raw.indicator_values where indicator_code = 'ocop_products'
           order by submitted_on""",
    ) == [("20932", "2023", "2024-01-15", Decimal(1)), ("20932", "2023", "2024-01-20", Decimal(2))]
    assert fetch(warehouse_url, "select count(*) from raw.submissions") == [(2,)]


def test_a_rejected_file_sent_again_is_skipped_with_its_first_reason(warehouse_url, tmp_path):
    # GIVEN a JSON file that is not JSON, rejected once
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")
    first = land(warehouse_url, path)["broken.json"]
    # WHEN the same bytes come again
    again = land(warehouse_url, path)["broken.json"]
    # THEN they are not recorded twice, and the sender is told why they were rejected
    assert first.status == "rejected"
    assert first.reason.startswith("[invalid_json]")
    assert (again.status, again.reason) == ("skipped", first.reason)
    assert fetch(warehouse_url, "select status, count(*) from raw.files group by 1") == [
        ("rejected", 1)
    ]


def test_a_csv_refused_halfway_leaves_none_of_its_rows(warehouse_url, tmp_path):
    # GIVEN a CSV export whose 3,000th row has a cell far over the limit
    document = submission()
    document["indicators"] = [
        {"model_code": "TK-1", "indicator": "patrols", "value": n} for n in range(3000)
    ]
    document["indicators"][-1]["model_code"] = "x" * 200_000
    del document["models"]
    (path,) = write_csv([document], tmp_path, "export")
    # WHEN it is landed
    result = land(warehouse_url, path)[path.name]
    # THEN the file is rejected with the line, and the rows copied before are rolled back
    assert result.status == "rejected"
    assert result.reason.startswith("[cell_too_large] line 3001:")
    assert fetch(warehouse_url, "select count(*) from raw.indicator_values") == [(0,)]


def test_a_workbook_whose_later_sheet_is_unreadable_leaves_none_of_its_rows(
    warehouse_url, tmp_path
):
    # GIVEN a workbook whose models sheet is fine but whose indicators sheet has no value
    # column (sheets are parsed and landed one after another)
    path = write_workbook(submission(), tmp_path / "later-sheet.xlsx")
    workbook = load_workbook(path)
    workbook["Chỉ tiêu"].delete_cols(3)
    workbook.save(path)
    # WHEN it is landed
    result = land(warehouse_url, path)["later-sheet.xlsx"]
    # THEN the whole file is rejected, naming the sheet, and the models landed first are gone
    assert result.status == "rejected"
    assert result.reason.startswith("[missing_columns]")
    assert "Chỉ tiêu" in result.reason
    assert fetch(warehouse_url, "select count(*) from raw.models") == [(0,)]


def test_rows_of_an_invalid_header_are_quarantined_with_the_header(warehouse_url, tmp_path):
    # GIVEN a submission whose reporting unit exists on no map
    path = write_json(submission(reporting_unit_name="Xã Không Có"), tmp_path / "nowhere.json")
    # WHEN it is landed
    result = land(warehouse_url, path)["nowhere.json"]
    # THEN nothing loads: the header says why, every row points to it
    assert (result.rows_loaded, result.rows_quarantined) == (0, 4)
    assert fetch(
        warehouse_url,
        "select sheet, row_number, reason_code from audit.quarantine order by quarantine_id",
    ) == [
        ("submission", 1, "unit_unknown"),
        ("models", 1, "submission_invalid"),
        ("indicators", 1, "submission_invalid"),
        ("indicators", 2, "submission_invalid"),
    ]


def test_a_file_name_that_is_not_utf8_lands_under_a_readable_name(warehouse_url, tmp_path):
    # GIVEN a CSV export saved under a Windows-1258 file name (byte 0xE0 for "à")
    (path,) = write_csv([{**submission(), "models": []}], tmp_path, "tr\udce0-ka")
    # WHEN it is landed
    (result,) = land(warehouse_url, path).values()
    # THEN it loads; the name and the rows' sheet keep a replacement character for the byte
    assert (result.status, result.file_name) == ("loaded", "tr\ufffd-ka.indicators.csv")
    assert fetch(warehouse_url, "select distinct sheet from raw.indicator_values") == [
        ("tr\ufffd-ka.indicators.csv",)
    ]


def test_every_format_column_lands_in_a_column_of_its_raw_table(warehouse_url):
    # GIVEN the format's sections and the raw tables bootstrap created
    for section in ROW_SECTIONS:
        # WHEN the outputs of a section are listed
        inputs = {name for output in SECTION_OUTPUTS[section.name] for name in output.inputs}
        schema, table = RAW_TABLES[section.name].split(".")
        columns = {
            name
            for (name,) in fetch(
                warehouse_url,
                "select column_name from information_schema.columns "
                "where table_schema = %s and table_name = %s",
                (schema, table),
            )
        }
        # THEN every column of the section is read, and every raw column written exists
        assert inputs == set(section.column_names)
        assert set(raw_columns(section.name)) <= columns


def test_a_file_gone_before_its_turn_is_reported_and_the_batch_goes_on(warehouse_url, tmp_path):
    # GIVEN a batch listing a file that was removed before it was read, then a good one
    gone = tmp_path / "gone.json"
    good = write_json(submission(), tmp_path / "good.json")
    # WHEN the batch is landed
    results = land(warehouse_url, gone, good)
    # THEN the missing file is rejected as unreadable and the other one loads
    assert results["gone.json"].status == "rejected"
    assert results["gone.json"].reason.startswith("[unreadable]")
    assert results["good.json"].status == "loaded"


def test_a_model_start_may_be_a_month_or_a_year_but_a_report_is_sent_on_a_day(
    warehouse_url, tmp_path
):
    # GIVEN models started in a month, in a year and on a day, in a report sent on a day
    document = submission()
    document["models"] = [
        {"model_code": f"TK-{n}", "model_name": name, "field": "kinh tế", "start_date": start}
        for n, (name, start) in enumerate(
            [("Trồng nghệ đen", "T3/2022"), ("Nuôi bò", "2021"), ("Trồng sâm", "05/06/2020")],
            start=1,
        )
    ]
    # AND the same report claiming to be sent in a year, not on a day
    sent_in_a_year = write_json(submission(submitted_on="2024"), tmp_path / "nam.json")
    # WHEN both are landed
    results = land(warehouse_url, write_json(document, tmp_path / "tra-ka.json"), sent_in_a_year)
    # THEN each start is its first day
    assert fetch(
        warehouse_url, "select model_code, start_date::text from raw.models order by model_code"
    ) == [("TK-1", "2022-03-01"), ("TK-2", "2021-01-01"), ("TK-3", "2020-06-05")]
    # AND the report sent "in 2024" is quarantined for its date
    assert results["nam.json"].rows_loaded == 0
    assert ("submitted_on", "2024", "invalid_value") in fetch(
        warehouse_url, "select column_name, value_text, reason_code from audit.quarantine"
    )


def test_names_typed_with_a_legacy_font_are_read_back_and_the_file_says_so(warehouse_url, tmp_path):
    # GIVEN a report whose unit and province were typed with a TCVN3 font and whose model
    # name with a VNI font
    document = submission(reporting_unit_name="X· Trµ Ka", province="Qu¶ng Nam")
    document["models"][0]["model_name"] = "Troàng ngheä ñen"
    # AND another whose province only looks typed with one
    suspect = write_json(submission(province="Qu¶ngg Nam"), tmp_path / "suspect.json")
    # WHEN both are landed
    results = land(warehouse_url, write_json(document, tmp_path / "tra-ka.json"), suspect)
    # THEN the first lands as if typed in Unicode
    assert fetch(
        warehouse_url,
        """select s.reporting_unit_code, s.reporting_unit_name_sent, m.model_name
           from raw.submissions as s join raw.models as m using (file_id)""",
    ) == [("20932", "Xã Trà Ka", "Trồng nghệ đen")]
    # AND the file notes both fonts, for its feedback
    ((note_en, note_vi),) = fetch(
        warehouse_url,
        "select note_en, note_vi from raw.files where file_name = 'tra-ka.json'",
    )
    assert "TCVN3 (ABC)" in note_en and "VNI" in note_en
    assert "'X· Trµ Ka' → 'Xã Trà Ka'" in note_vi
    assert "phông TCVN3 (ABC)" in note_vi
    assert results["tra-ka.json"].note == note_en
    # AND the sender's feedback says so, Vietnamese first
    file_id = results["tra-ka.json"].file_id
    with psycopg.connect(warehouse_url) as conn:
        feedback = feedback_text(
            conn, Delivery(file_id, "tra-ka.json", tmp_path / "tra-ka.json", datetime.now(UTC))
        )
    assert "Lưu ý: 2 giá trị gõ bằng phông TCVN3 (ABC)" in feedback
    assert "Note: 2 distinct values were typed with a TCVN3 (ABC) font" in feedback
    # AND the suspect report is quarantined, naming the font
    ((column, code, reason_vi),) = set(
        fetch(
            warehouse_url,
            """select column_name, reason_code, reason_vi from audit.quarantine
               where file_name = 'suspect.json' and column_name = 'province'""",
        )
    )
    assert (column, code) == ("province", "legacy_encoding")
    assert "văn bản gõ bằng phông TCVN3 (ABC)" in reason_vi
