"""Readers find cells the way senders lay them out; they do not judge values."""

from __future__ import annotations

import codecs
import json
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook

from danvan.ingest.readers import read_submission_file
from danvan.ingest.readers.contents import FileRejected, NestedValue
from danvan.synthetic.hostile import windows_1258


def _rows(table) -> list[tuple[int, dict]]:
    """(row number, cells by format column) of a table, blank cells left out."""
    return [
        (
            number,
            {name: cell for name, cell in zip(table.columns, row, strict=False) if name and cell},
        )
        for number, row in table.rows
    ]


def _workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] = {}):  # noqa: B006
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for cells in merges.get(title, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


HEADER_SHEET = [
    ["THÔNG TIN CHUNG"],
    ["Tên đơn vị báo cáo", "Xã Trà Ka"],
    ["Cấp đơn vị", "xã"],
    ["Kỳ báo cáo", "Năm 2023"],
    ["Ngày gửi", "15/01/2024"],
]


def test_header_row_below_title_rows_is_found_and_rows_keep_their_excel_numbers(tmp_path):
    # GIVEN an indicators sheet with two title rows and a blank row above its header
    path = _workbook(
        tmp_path / "titled.xlsx",
        {
            "Thông tin chung": HEADER_SHEET,
            "Chỉ tiêu": [
                ["BÁO CÁO KẾT QUẢ MÔ HÌNH DÂN VẬN KHÉO"],
                ["Năm 2023"],
                [],
                ["Mã mô hình", "Chỉ tiêu", "Giá trị"],
                ["TK-1", "patrols", 12],
            ],
        },
    )
    # WHEN it is read
    contents = read_submission_file(path)
    # THEN the data row is found under the header, numbered as Excel shows it
    (table,) = contents.tables
    assert _rows(table) == [(5, {"model_code": "TK-1", "indicator": "patrols", "value": 12})]


def test_merged_cells_give_their_value_to_every_row_they_cover(tmp_path):
    # GIVEN a model code merged down over three indicator rows
    path = _workbook(
        tmp_path / "merged.xlsx",
        {
            "Thông tin chung": HEADER_SHEET,
            "Chỉ tiêu": [
                ["Mã mô hình", "Chỉ tiêu", "Giá trị"],
                ["TK-1", "patrols", 12],
                [None, "cases_detected", 3],
                [None, "team_members", 20],
            ],
        },
        merges={"Chỉ tiêu": ["A2:A4"]},
    )
    # WHEN it is read
    (table,) = read_submission_file(path).tables
    # THEN every covered row carries the model code
    assert [cells["model_code"] for _, cells in _rows(table)] == ["TK-1", "TK-1", "TK-1"]


def test_a_renamed_sheet_is_recognised_by_its_header(tmp_path):
    # GIVEN the indicators sheet renamed "Kết quả 2023" and the header sheet renamed "Sheet1"
    path = _workbook(
        tmp_path / "renamed.xlsx",
        {
            "Sheet1": HEADER_SHEET,
            "Kết quả 2023": [["Mã mô hình", "Chỉ tiêu", "Giá trị"], ["TK-1", "patrols", 12]],
        },
    )
    # WHEN it is read
    contents = read_submission_file(path)
    # THEN both are recognised from their content
    assert contents.header.cells["reporting_unit_name"] == "Xã Trà Ka"
    (table,) = contents.tables
    assert (table.section.name, table.sheet) == ("indicators", "Kết quả 2023")


def test_headers_in_nfd_without_diacritics_or_in_english_name_the_same_columns(tmp_path):
    # GIVEN headers in NFD, without diacritics, and as English column names
    path = _workbook(
        tmp_path / "headers.xlsx",
        {
            "Thông tin chung": HEADER_SHEET,
            "Chỉ tiêu": [
                [unicodedata.normalize("NFD", "Mã mô hình"), "CHI TIEU", "value"],
                ["TK-1", "patrols", 12],
            ],
        },
    )
    # WHEN it is read
    (table,) = read_submission_file(path).tables
    # THEN all three columns are placed
    assert table.columns == ("model_code", "indicator", "value")


def test_boolean_cells_read_as_text_so_true_is_never_taken_for_1(tmp_path):
    # GIVEN a models sheet with a TRUE boolean cell
    path = _workbook(
        tmp_path / "bools.xlsx",
        {
            "Thông tin chung": HEADER_SHEET,
            "Mô hình": [["Tên mô hình", "Lĩnh vực", "Điển hình"], ["Cầu", "kinh tế", True]],
        },
    )
    # WHEN it is read
    (table,) = read_submission_file(path).tables
    # THEN the cell reads "TRUE", which records read as a yes
    assert _rows(table)[0][1]["is_typical"] == "TRUE"


def test_unknown_and_repeated_columns_are_marked_not_loaded(tmp_path):
    # GIVEN a CSV with an unknown column and the value column twice
    path = tmp_path / "export.indicators.csv"
    path.write_text(
        "reporting_unit_name,reporting_unit_level,period,submitted_on,model_code,indicator,"
        "value,ghi chú riêng,value\n"
        "Xã Trà Ka,xã,Năm 2023,15/01/2024,TK-1,patrols,12,xem lại,13\n",
        encoding="utf-8",
    )
    # WHEN it is read
    (table,) = read_submission_file(path).tables
    # THEN both are marked, with why
    assert table.unplaced == {7: "unknown_column", 8: "duplicate_column"}
    assert table.title(7) == "ghi chú riêng"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t")],
    ids=["utf8-comma", "utf8-bom-semicolon", "utf16-tab"],
)
def test_csv_in_the_encodings_and_delimiters_excel_saves(tmp_path, encoding, delimiter):
    # GIVEN the same CSV saved as Excel's "CSV UTF-8", with semicolons, or as "Unicode Text"
    lines = [
        [
            "reporting_unit_name",
            "reporting_unit_level",
            "period",
            "submitted_on",
            "model_code",
            "indicator",
            "value",
        ],
        ["Xã Trà Ka", "xã", "Năm 2023", "15/01/2024", "TK-1", "patrols", "1.250"],
    ]
    path = tmp_path / "export.indicators.csv"
    path.write_bytes("\r\n".join(delimiter.join(line) for line in lines).encode(encoding))
    # WHEN it is read
    (table,) = read_submission_file(path).tables
    # THEN the cells are the same
    assert _rows(table)[0] == (2, dict(zip(lines[0], lines[1], strict=True)))


def test_a_windows_1258_csv_is_read_in_its_code_page_and_noted(tmp_path):
    # GIVEN a CSV saved in Windows-1258, its tone marks stored as combining characters
    path = tmp_path / "legacy.indicators.csv"
    path.write_bytes(
        windows_1258(
            "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,"
            "indicator,value\nXã Trà Ka,xã,Quảng Nam,Năm 2023,15/01/2024,TK-1,Số lượt tuần tra,"
            "3\n"
        )
    )
    assert b"Qua\xd2ng" in path.read_bytes()  # "ả" is "a" and a combining hook
    # WHEN it is read
    contents = read_submission_file(path)
    (table,) = contents.tables
    # THEN the text is Vietnamese in NFC, and the file says how it was read
    row = _rows(table)[0][1]
    assert (row["reporting_unit_name"], row["province"], row["indicator"]) == (
        "Xã Trà Ka",
        "Quảng Nam",
        "Số lượt tuần tra",
    )
    assert unicodedata.is_normalized("NFC", row["province"])
    assert table.csv_source is None  # Arrow reads UTF-8 only
    ((note_en, note_vi),) = contents.notes
    assert "Windows-1258" in note_en and "Windows-1258" in note_vi


def test_a_csv_neither_utf8_nor_vietnamese_is_refused(tmp_path):
    # GIVEN a CSV in Latin-1 whose words are not Vietnamese
    path = tmp_path / "latin1.indicators.csv"
    path.write_bytes(
        "reporting_unit_name,reporting_unit_level,period,submitted_on,model_code,indicator,value\n"
        "Société générale,commune,2023,15/01/2024,TK-1,patrols,3\n".encode("latin-1")
    )
    # WHEN it is read THEN it is refused as not UTF-8, with why
    with pytest.raises(FileRejected) as caught:
        read_everything_of(path)
    assert caught.value.code == "not_utf8"
    assert "nor Vietnamese in the Windows-1258 code page" in caught.value.reason_en
    assert "Windows-1258" in caught.value.reason_vi


def read_everything_of(path: Path) -> None:
    for table in read_submission_file(path).tables:
        for _ in table.rows:
            pass


def test_json_nested_values_and_unknown_keys_are_kept_for_the_quarantine(tmp_path):
    # GIVEN a JSON row with a list where a value belongs and an unknown key
    document = {
        "submission": {"reporting_unit_name": "Xã Trà Ka", "period": "Năm 2023"},
        "indicators": [{"indicator": "patrols", "value": [1, 2], "remark": "xem lại"}],
    }
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    # WHEN it is read
    contents = read_submission_file(path)
    # THEN the list is a nested value records refuse, and the unknown key is stray
    indicators = next(t for t in contents.tables if t.section.name == "indicators")
    assert _rows(indicators)[0][1]["value"] == NestedValue("[1, 2]")
    assert [(s.sheet, s.row_number, s.column, s.code) for s in contents.stray] == [
        ("indicators", 1, "remark", "unknown_column")
    ]


def test_json_with_a_bom_is_read_and_another_format_version_is_refused(tmp_path):
    # GIVEN one JSON with a UTF-8 byte-order mark and one claiming format version 2
    with_bom = tmp_path / "bom.json"
    with_bom.write_bytes(codecs.BOM_UTF8 + json.dumps({"submission": {}}).encode())
    version_2 = tmp_path / "v2.json"
    version_2.write_text(json.dumps({"format_version": 2, "submission": {}}), encoding="utf-8")
    # WHEN they are read
    # THEN the first is read and the second refused with its reason
    assert read_submission_file(with_bom).header.cells == {}
    with pytest.raises(FileRejected) as refused:
        read_submission_file(version_2)
    assert refused.value.code == "unsupported_version"


def test_a_sheet_named_like_a_section_without_its_columns_rejects_the_file(tmp_path):
    # GIVEN an indicators sheet whose header has no value column
    path = _workbook(
        tmp_path / "no-value.xlsx",
        {
            "Thông tin chung": HEADER_SHEET,
            "Chỉ tiêu": [["Mã mô hình", "Chỉ tiêu", "Số"], ["TK-1", "patrols", 12]],
        },
    )
    # WHEN its tables are read
    # THEN the file is refused, naming the sheet and what is missing
    with pytest.raises(FileRejected) as refused:
        list(read_submission_file(path).tables)
    assert refused.value.code == "missing_columns"
    assert "sheet 'Chỉ tiêu'" in refused.value.reason_en
    assert "value" in refused.value.reason_en
