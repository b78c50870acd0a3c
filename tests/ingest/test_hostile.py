"""Broken and hostile files are rejected with a reason; they never crash a run or lose others.

The large files are generated at test time in a temporary directory.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from danvan.ingest.format.writers import write_csv, write_json, write_workbook
from danvan.ingest.readers import read_submission_file
from danvan.ingest.readers.contents import FileRejected
from danvan.synthetic.hostile import (
    CASES,
    hand_made_workbook,
    sheet_xml,
)
from tests.ingest.support import fetch, land, submission


def read_everything(path: Path):
    """Read a file and all its rows (CSV rows stream, so some refusals come while reading)."""
    contents = read_submission_file(path)
    for table in contents.tables:
        for _ in table.rows:
            pass
    return contents


# The corpus's files refused whole by the readers.
HOSTILE = {
    case.build: case.code
    for case in CASES
    if case.fate == "rejected" and case.code not in ("unsupported_type", "password_protected")
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
