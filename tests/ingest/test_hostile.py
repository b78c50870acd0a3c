"""Broken and hostile files are rejected with a reason; they never crash a run or lose others.

The large files are generated at test time in a temporary directory.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

import pytest

from danvan.ingest.format.writers import write_csv, write_json, write_workbook
from danvan.ingest.readers import read_submission_file
from danvan.ingest.readers.contents import FileRejected
from tests.ingest.support import (
    CONTENT_TYPES,
    fetch,
    hand_made_workbook,
    land,
    sheet_xml,
    submission,
)

MB = 1 << 20
CSV_HEADER = "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,indicator,value\n"
CSV_ROW_START = "Xã Trà Ka,xã,Quảng Nam,Năm 2023,15/01/2024,TK-1,patrols,"


def zip_bomb(directory: Path) -> Path:
    """A workbook whose sheet is 600 MiB of spaces, compressed to well under 1 MiB."""
    path = directory / "bomb.xlsx"
    hand_made_workbook(path, sheet_xml(""))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w") as member,
    ):
        for _ in range(600):
            member.write(b" " * MB)
    return path


def billion_laughs(directory: Path) -> Path:
    """Nested XML entities that expand to a billion 'lol's in a parser that expands them."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return hand_made_workbook(
        directory / "laughs.xlsx",
        sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'),
        workbook_prologue=f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>',
    )


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def renamed_pdf(directory: Path) -> Path:
    return _file(directory / "report.xlsx", b"%PDF-1.4\n" + random.Random(1).randbytes(4096))


def renamed_xls(directory: Path) -> Path:
    return _file(directory / "old-excel.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def renamed_docx(directory: Path) -> Path:
    path = directory / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", "<document/>")
    return path


def truncated_workbook(directory: Path) -> Path:
    path = write_workbook(submission(), directory / "cut.xlsx")
    path.write_bytes(path.read_bytes()[:3000])
    return path


def far_cell(directory: Path) -> Path:
    """A1 and XFD1048576: a reader holding the sheet as a grid would need 17 billion cells."""
    return hand_made_workbook(
        directory / "far.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
        ),
    )


def wide_row_without_refs(directory: Path) -> Path:
    """16,384 cells without a position on row 900,000: as far, said without any cell ref."""
    return hand_made_workbook(
        directory / "wide.xlsx",
        sheet_xml(
            '<row r="1"><c t="inlineStr"><is><t>x</t></is></c></row>'
            f'<row r="900000">{"<c/>" * 16384}</row>'
        ),
    )


def _with_100_mib_cell(path: Path, before: str, mebibyte: str, after: str) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(before)
        for _ in range(100):
            handle.write(mebibyte)
        handle.write(after)
    return path


def huge_csv_cell(directory: Path) -> Path:
    """A 100 MiB cell on one line."""
    return _with_100_mib_cell(
        directory / "huge.indicators.csv", CSV_HEADER + CSV_ROW_START, "9" * MB, "\n"
    )


def huge_multiline_csv_cell(directory: Path) -> Path:
    """A 100 MiB quoted cell spread over a million short lines."""
    return _with_100_mib_cell(
        directory / "tall.indicators.csv",
        CSV_HEADER + CSV_ROW_START + '"',
        ("9" * 99 + "\n") * (MB // 100),
        '"\n',
    )


def huge_json_string(directory: Path) -> Path:
    return _with_100_mib_cell(
        directory / "huge.json", '{"submission": {"notes": "', "x" * MB, '"}}'
    )


def deep_json(directory: Path) -> Path:
    return _file(
        directory / "deep.json",
        b'{"submission": {}, "models": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    )


def binary_junk_csv(directory: Path) -> Path:
    return _file(directory / "junk.indicators.csv", random.Random(2).randbytes(100_000))


def binary_junk_json(directory: Path) -> Path:
    return _file(directory / "junk.json", b"\xff\xfe\x00" + random.Random(3).randbytes(100_000))


def windows_1258_csv(directory: Path) -> Path:
    """A CSV saved in the legacy Vietnamese Windows code page."""
    return _file(
        directory / "legacy.indicators.csv",
        (CSV_HEADER + CSV_ROW_START + "3\n").encode("cp1258", "replace"),
    )


def utf16_csv_without_bom(directory: Path) -> Path:
    return _file(
        directory / "utf16.indicators.csv", (CSV_HEADER + CSV_ROW_START + "3\n").encode("utf-16-le")
    )


def read_everything(path: Path):
    """Read a file and all its rows (CSV rows stream, so some refusals come while reading)."""
    contents = read_submission_file(path)
    for table in contents.tables:
        for _ in table.rows:
            pass
    return contents


HOSTILE = {
    zip_bomb: "zip_bomb",
    billion_laughs: "xml_entities",
    renamed_pdf: "not_xlsx",
    renamed_xls: "not_xlsx",
    renamed_docx: "not_xlsx",
    truncated_workbook: "not_xlsx",
    far_cell: "sheet_too_large",
    wide_row_without_refs: "sheet_too_large",
    huge_csv_cell: "line_too_long",
    huge_multiline_csv_cell: "cell_too_large",
    huge_json_string: "file_too_large",
    deep_json: "invalid_json",
    binary_junk_csv: "binary_content",
    binary_junk_json: "not_utf8",
    windows_1258_csv: "not_utf8",
    utf16_csv_without_bom: "binary_content",
}


@pytest.mark.parametrize(
    ("build", "code"), HOSTILE.items(), ids=lambda x: getattr(x, "__name__", x)
)
def test_a_hostile_file_is_refused_with_its_reason(tmp_path, build, code):
    # GIVEN a hostile or broken file
    path = build(tmp_path)
    # WHEN it is read
    # THEN it is refused with the reason code, in English and Vietnamese
    with pytest.raises(FileRejected) as refused:
        read_everything(path)
    assert refused.value.code == code
    assert refused.value.reason_en and refused.value.reason_vi


def test_cells_without_refs_in_a_sensible_sheet_are_counted_and_read(tmp_path):
    # GIVEN a header sheet written without cell refs, with a 28-column row (past column Z)
    def row(*cells):
        return (
            "<row>" + "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells) + "</row>"
        )

    rows = row("Tên đơn vị báo cáo", "Xã Trà Ka") + row("Kỳ báo cáo", "Năm 2023")
    rows += row("Ngày gửi", "15/01/2024") + row(*["xem lại"] * 28)
    path = hand_made_workbook(tmp_path / "no-refs.xlsx", sheet_xml(rows))
    # WHEN it is read
    contents = read_submission_file(path)
    # THEN its exact extent passes the check and its cells are found where they stand
    assert contents.header.cells["period"] == "Năm 2023"
    assert contents.stray[0].value.startswith("xem lại | xem lại")


@pytest.mark.database
def test_hostile_files_do_not_stop_the_good_files_of_their_batch(warehouse_url, tmp_path):
    # GIVEN a batch mixing every hostile file with good submissions in the three forms,
    # one with a NUL character and one with a 40,000-character cell
    hostile = {build(tmp_path).name: code for build, code in HOSTILE.items()}
    with_nul = submission()
    with_nul["indicators"][0]["model_code"] = "TK\x001"
    long_cell = submission()
    long_cell["models"][0]["model_name"] = "mô hình " * 5000
    good = [
        write_json(with_nul, tmp_path / "nul.json"),
        write_json(long_cell, tmp_path / "long-cell.json"),
        *write_csv([submission()], tmp_path, "good"),
    ]
    paths = sorted(tmp_path.iterdir())
    # WHEN the batch is landed
    results = land(warehouse_url, *paths)
    # THEN each hostile file is rejected with its reason and recorded
    for name, code in hostile.items():
        assert results[name].status == "rejected", name
        assert results[name].reason.startswith(f"[{code}]"), results[name].reason
    assert fetch(warehouse_url, "select count(*) from raw.files where status = 'rejected'") == [
        (len(hostile),)
    ]
    # AND the good files land; the bad rows in them are quarantined, never dropped
    assert {results[path.name].status for path in good} == {"loaded"}
    assert fetch(
        warehouse_url,
        """select file_name, reason_code, length(value_text) < 300 from audit.quarantine
           order by file_name""",
    ) == [("long-cell.json", "too_long", True), ("nul.json", "invalid_character", True)]
    assert fetch(warehouse_url, "select count(*) from raw.indicator_values") == [(2 + 2 + 1,)]


def test_a_workbook_with_many_parts_is_a_zip_bomb(tmp_path):
    # GIVEN a workbook padded with 20,000 empty parts
    path = write_workbook(submission(), tmp_path / "parts.xlsx")
    with zipfile.ZipFile(path, "a") as archive:
        for n in range(20_000):
            archive.writestr(f"xl/media/pad{n}.bin", b"")
    # WHEN it is read
    # THEN it is refused before anything is parsed
    with pytest.raises(FileRejected) as refused:
        read_submission_file(path)
    assert refused.value.code == "zip_bomb"
