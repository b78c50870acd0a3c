"""The sender's own workbook back from a night: each problem cell coloured and explained.

A commune officer fills the template the way officers do — a negative count, a
word in a number cell, a unit nobody knows, a 31 February, petitions resolved
that outnumber those received — and a real night lands it. The returned
``.ket-qua.xlsx`` is read cell by cell: every problem cell filled and commented
in Vietnamese, the summary's counts those ``danvan errors`` reports, and nothing
the sender wrote able to run as a formula. A CSV sender gets the same as a CSV.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from danvan import feedback
from danvan.cli import main
from danvan.feedback.workbook import HELD_FILL, QUARANTINED_FILL, RESULT_SHEET, csv_cell
from danvan.ingest.format import SUBMISSION
from danvan.ingest.format.template import write_template
from danvan.ingest.inbox import FEEDBACK_SUFFIX
from danvan.settings import Settings
from tests.ingest.support import SEEDS_DIR, fetch, land

pytestmark = [pytest.mark.database, pytest.mark.e2e]

WORKBOOK = "tra-ka_2024.xlsx"
CSV_FILE = "tra-ka_2024.indicators.csv"
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")


def fill_template(path: Path) -> Path:
    """Trà Ka's 2024 report on the template, with an officer's typical mistakes."""
    template = write_template("20932", "Năm 2024", path, seeds_dir=SEEDS_DIR)
    workbook = load_workbook(template.path)
    header = workbook["Thông tin chung"]
    labels = {row[0].value: row[1] for row in header.iter_rows(min_row=2)}
    labels["Ngày gửi"].value = "10/01/2025"
    labels["Ghi chú"].value = "=1+1"  # a formula, as openpyxl writes one
    models = workbook["Mô hình"]
    for column, value in enumerate(
        ["TK-9", "Vận động làm cầu dân sinh", "kinh tế", "@SUM(A1)"], start=1
    ):
        models.cell(2, column, value)
    for column, value in enumerate(["TK-8", "Nuôi bò sinh sản", "kinh tế"], start=1):
        models.cell(3, column, value)
    models["H3"] = "31/02/2024"  # Ngày bắt đầu: no such day
    models["J3"] = -5  # Số hộ tham gia: a negative count
    indicators = workbook["Chỉ tiêu"]
    rows = [
        ("TK-9", "Số cầu xây mới", -3, None),  # a negative count
        ("TK-9", "Số cầu xây mới", "nhiều", None),  # a word in a number cell
        ("TK-9", "Số cầu xây mới", 2, "thùng"),  # a unit nobody knows
        ("TK-9", "Số cầu xây mới", 4, "cây cầu"),
        ("TK-9", "Số cầu xây mới", 1, None),  # the same figure again: bridges add up
        ("TK-9", "Số sản phẩm OCOP", 2, None),
        ("TK-9", "Số sản phẩm OCOP", 3, None),  # again: OCOP products do not add up
    ]
    for row, (model, indicator, value, unit) in enumerate(rows, start=2):
        indicators[f"A{row}"], indicators[f"C{row}"] = model, indicator
        indicators[f"D{row}"], indicators[f"E{row}"] = value, unit
    activities = workbook["Hoạt động"]
    for row, (activity, value) in enumerate(
        [("Số đơn thư tiếp nhận", 10), ("Số đơn thư thuộc thẩm quyền", 10)], start=2
    ):
        activities[f"A{row}"], activities[f"B{row}"] = activity, value
    activities["A4"], activities["B4"] = "Số đơn thư đã giải quyết", 12  # more than received
    workbook.save(path)
    return path


def csv_report(path: Path) -> Path:
    """The same unit's indicators as a provincial export: one bad value, a formula-like one."""
    identity = "20932,Xã Trà Ka,xã,Quảng Nam,Bắc Trà My,,Năm 2023,15/01/2024,Ban Dân vận"
    path.write_text(
        "reporting_unit_code,reporting_unit_name,reporting_unit_level,province,district,"
        "map_version,period,submitted_on,submitter,model_code,model_name,indicator,value,unit\n"
        f"{identity},TK-9,,Số cầu xây mới,=1+1,\n"
        f"{identity},TK-9,,Số cầu xây mới,3,\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="module")
def night(module_warehouse: Settings, prefect_api: None, tmp_path_factory) -> Settings:
    from flows.nightly import nightly_pipeline

    inbox = module_warehouse.inbox_dir
    inbox.mkdir(parents=True, exist_ok=True)
    fill_template(inbox / WORKBOOK)
    csv_report(inbox / CSV_FILE)
    nightly_pipeline(settings=module_warehouse, inbox=inbox)
    return module_warehouse


def returned(settings: Settings, name: str) -> Path:
    (found,) = settings.archive_dir.rglob(name)
    return found


def fill_of(sheet: Worksheet, coordinate: str) -> str:
    return str(sheet[coordinate].fill.fgColor.rgb)[-6:]


def test_every_problem_cell_is_coloured_and_explained_in_vietnamese(night):
    # GIVEN the officer's workbook with its mistakes, landed by a night (fixture)
    # WHEN the workbook returned beside the archived file is opened
    workbook = load_workbook(returned(night, "tra-ka_2024.ket-qua.xlsx"))
    assert workbook.sheetnames[0] == RESULT_SHEET
    models, indicators = workbook["Mô hình"], workbook["Chỉ tiêu"]
    # THEN each problem cell is filled red and carries a Vietnamese comment naming the
    # column as the sheet heads it, the value written and what to write instead
    expected = {
        (models, "H3"): ("Ngày bắt đầu", "31/02/2024", "ngày/tháng/năm"),
        (models, "J3"): ("Số hộ tham gia", "-5", "số nguyên"),
        (indicators, "D2"): ("Giá trị", "-3", "Số cầu xây mới"),
        (indicators, "D3"): ("Giá trị", "nhiều", "Ghi một số"),
        (indicators, "E4"): ("Đơn vị tính", "thùng", "cây cầu"),
    }
    for (sheet, coordinate), (column, value, advice) in expected.items():
        where = f"{sheet.title}!{coordinate}"
        assert fill_of(sheet, coordinate) == QUARANTINED_FILL, where
        comment = sheet[coordinate].comment
        assert comment is not None, where
        assert f"cột '{column}'" in comment.text, (where, comment.text)
        assert f"Giá trị đã ghi: '{value}'" in comment.text, (where, comment.text)
        assert "Cách sửa:" in comment.text and advice in comment.text, (where, comment.text)
        assert VIETNAMESE.search(comment.text.split("Lỗi:")[1]), (where, comment.text)
    # AND the good rows are left as they were
    assert indicators["D5"].comment is None and fill_of(indicators, "D5") != QUARANTINED_FILL
    # AND the held report's cell (petitions resolved) is amber with the rule's reason
    activities = workbook["Hoạt động"]
    assert fill_of(activities, "B4") == HELD_FILL
    assert "Số đơn thư đã giải quyết (12)" in activities["B4"].comment.text


def test_the_summary_counts_what_danvan_errors_reports(night):
    # GIVEN the returned workbook's first sheet
    workbook = load_workbook(returned(night, "tra-ka_2024.ket-qua.xlsx"))
    summary = [[cell.value for cell in row] for row in workbook[RESULT_SHEET].iter_rows()]
    start = next(i for i, row in enumerate(summary) if str(row[0]).startswith("Dòng có lỗi theo"))
    by_sheet = {}
    for row in summary[start + 2 :]:
        if row[0] is None:
            break
        by_sheet[row[0]] = row[2]
    # WHEN `danvan errors` lists the quarantined entries
    listing = CliRunner().invoke(
        main,
        ["errors", "--limit", "1000"],
        env={"DANVAN_DATABASE_URL": night.database_url, "DANVAN_HOME": str(night.home_dir)},
    )
    assert listing.exit_code == 0, listing.output
    listed = Counter(
        line.split(" › ")[1]
        for line in listing.output.split("submissions held")[0].splitlines()
        if line.startswith(f"  {WORKBOOK} › ")
    )
    # THEN the problems by sheet are those, and the file's status and re-send advice are said
    assert by_sheet == dict(listed) == {"Mô hình": 2, "Chỉ tiêu": 3}
    texts = [str(value) for row in summary for value in row if value is not None]
    assert "ĐÃ NẠP" in texts
    assert any(text.startswith("TẠM GIỮ") for text in texts)
    assert any(text.startswith("Sửa các ô tô màu đỏ") for text in texts)
    assert "petitions resolved ≤ under authority ≤ received" in texts


def test_nothing_the_sender_wrote_comes_back_as_a_formula(night):
    # GIVEN a header cell holding the formula =1+1 and a model topic '@SUM(A1)'
    workbook = load_workbook(returned(night, "tra-ka_2024.ket-qua.xlsx"))
    header = workbook["Thông tin chung"]
    notes = next(row[1] for row in header.iter_rows() if row[0].value == "Ghi chú")
    # THEN both come back as text, never as formulas
    assert (notes.value, notes.data_type) == ("=1+1", "s")
    topic = workbook["Mô hình"]["D2"]
    assert (topic.value, topic.data_type) == ("@SUM(A1)", "s")
    # AND in the problem list a sender value starting with '-' is text too
    summary = workbook[RESULT_SHEET]
    values = [row[4] for row in summary.iter_rows() if row[4].value == "-3"]
    assert values and all(cell.data_type == "s" for cell in values)


def test_the_feedback_text_names_the_returned_workbook(night):
    text = returned(night, WORKBOOK + FEEDBACK_SUFFIX).read_text(encoding="utf-8")
    assert "tra-ka_2024.ket-qua.xlsx" in text


def test_a_csv_sender_gets_the_same_as_a_csv_where_formulas_stay_text(night):
    # GIVEN a CSV export whose value cell is '=1+1'
    path = returned(night, "tra-ka_2024.indicators.ket-qua.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # THEN one row says the problem, its column as the file heads it, the value defused
    problems = [row for row in rows if row[0].startswith("Chưa nạp")]
    assert len(problems) == 1
    _, _, row, column, value, reason_vi, advice, reason_en = problems[0]
    assert (row, column, value) == ("2", "value", "'=1+1")
    assert reason_vi and advice and reason_en
    assert any(r[5].startswith("Kết quả: ĐÃ NẠP") for r in rows)


@pytest.mark.parametrize(
    ("text", "written"),
    [("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("-3", "'-3"), ("\tx", "'\tx"), ("ok", "ok")],
)
def test_a_csv_cell_starting_like_a_formula_is_prefixed(text, written):
    assert csv_cell(text) == written


def test_the_returned_workbook_can_be_sent_again_as_it_is(night, tmp_path):
    # GIVEN the returned workbook, re-sent as the officer got it
    resent = tmp_path / "tra-ka_2024.sua.xlsx"
    shutil.copy(returned(night, "tra-ka_2024.ket-qua.xlsx"), resent)
    # WHEN it lands
    result = land(night.database_url, resent)[resent.name]
    # THEN its result sheet is not read as a stray sheet: the same rows load, the same
    # problems are found
    assert (result.rows_loaded, result.rows_quarantined) == (8, 4)
    assert fetch(
        night.database_url,
        """select sheet, count(*) from audit.quarantine where file_name = %s
           group by sheet order by sheet""",
        (resent.name,),
    ) == [("Chỉ tiêu", 3), ("Mô hình", 2)]


def first_page_text(source: Path, directory: Path) -> str | None:
    """Page 1 of ``source`` printed to PDF by LibreOffice; None when no text extractor."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not on PATH: printing to PDF is not checked")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(directory), str(source)],
        check=True,
        capture_output=True,
        env={**os.environ, "HOME": str(directory)},  # its own profile
    )
    pdf = directory / f"{source.stem}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    elif importlib.util.find_spec("pypdf"):
        from pypdf import PdfReader

        text = PdfReader(pdf).pages[0].extract_text()
    else:
        assert b"/Type /Page" in pdf.read_bytes() or b"/Type/Page" in pdf.read_bytes()
        return None
    return " ".join(text.split())


def test_the_template_and_the_result_print_with_their_vietnamese_first(night, tmp_path):
    # GIVEN a blank template and the workbook returned by the night
    template = write_template("20932", "Năm 2024", tmp_path / "mau.xlsx", seeds_dir=SEEDS_DIR)
    result = returned(night, "tra-ka_2024.ket-qua.xlsx")
    # WHEN LibreOffice prints each to PDF
    template_text = first_page_text(template.path, tmp_path)
    result_text = first_page_text(result, tmp_path)
    # THEN page 1 of the template is its guide, in Vietnamese; of the result, its summary
    if template_text is None or result_text is None:
        return  # printed, but no tool here reads the text back
    assert "Hướng dẫn điền báo cáo Dân vận khéo" in template_text
    assert "Điền lần lượt các trang" in template_text
    assert SUBMISSION.column("submitted_on").description_vi in template_text
    assert "KẾT QUẢ TIẾP NHẬN BÁO CÁO" in result_text and "ĐÃ NẠP" in result_text
    assert "Cần gửi lại" in result_text


def test_a_figure_given_on_two_rows_is_explained(night):
    # GIVEN bridges built given on rows 5 and 6, OCOP products on rows 7 and 8 (fixture)
    text = returned(night, WORKBOOK + FEEDBACK_SUFFIX).read_text(encoding="utf-8")
    # THEN the sender reads what was done with each, and why: bridges add up, OCOP
    # products (the latest figure counts) keep the last row
    assert "'Số cầu xây mới' của mô hình 'TK-9' được ghi 2 lần" in text
    assert "đã cộng lại thành 5 cây cầu, vì đây là chỉ tiêu cộng dồn" in text
    assert "'Số sản phẩm OCOP' của mô hình 'TK-9' được ghi 2 lần" in text
    assert "đã lấy dòng 8: 3 sản phẩm, vì đây là chỉ tiêu không cộng dồn" in text
    # AND the returned workbook's summary lists both
    summary = [
        [cell.value for cell in row]
        for row in load_workbook(returned(night, "tra-ka_2024.ket-qua.xlsx"))[
            RESULT_SHEET
        ].iter_rows()
    ]
    start = next(i for i, row in enumerate(summary) if str(row[0]).startswith("Chỉ tiêu ghi"))
    assert [row[:2] for row in summary[start + 2 : start + 4]] == [
        ["Chỉ tiêu", "5, 6"],
        ["Chỉ tiêu", "7, 8"],
    ]


def _told(settings: Settings) -> dict[str, object]:
    """What the senders were given back: each feedback text, each returned workbook's cells
    with their fills and comments, each returned CSV."""
    told: dict[str, object] = {}
    for path in sorted(settings.archive_dir.rglob("*")):
        if path.name.endswith(FEEDBACK_SUFFIX) or path.name.endswith(".ket-qua.csv"):
            told[path.name] = path.read_text(encoding="utf-8")
        elif path.name.endswith(".ket-qua.xlsx"):
            told[path.name] = [
                (
                    sheet.title,
                    cell.coordinate,
                    cell.value,
                    fill_of(sheet, cell.coordinate),
                    cell.comment.text if cell.comment else None,
                )
                for sheet in load_workbook(path).worksheets
                for row in sheet.iter_rows()
                for cell in row
            ]
    return told


def test_feedback_written_on_worker_processes_is_what_one_process_writes(night, monkeypatch):
    # GIVEN the night's two files, their feedback written again in this process (after the
    # night it tells of their publication)
    (run_id,) = {row[0] for row in fetch(night.database_url, "select run_id from audit.deliveries")}
    assert feedback.write_feedback_files(night.database_url, run_id, SEEDS_DIR) == 2
    written_here = _told(night)
    assert len(written_here) == 4
    # WHEN it is written by two spawned workers, a share of the files each
    monkeypatch.setattr(feedback, "PARALLEL_FROM_FILES", 2)
    told = feedback.write_feedback_files(night.database_url, run_id, SEEDS_DIR, workers=2)
    # THEN every file is told, and told the same
    assert told == 2
    assert _told(night) == written_here
