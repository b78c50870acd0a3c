"""The feedback text beside an archived file: Vietnamese first, then English."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg

from danvan.feedback.repeats import Repeat
from danvan.feedback.story import (
    FEEDBACK_PROBLEMS,
    FILE_WORDS,
    STATE_WORDS,
    Delivery,
    Hold,
    delivered_before,
    file_record,
    holds,
    problems_by_sheet,
    quarantined,
    reports,
)
from danvan.ingest.format import ROW_SECTIONS, SUBMISSION


def column_header(column: str | None) -> str:
    """A column as the form shows it to senders (its Vietnamese header)."""
    if not column:
        return "-"
    for section in (SUBMISSION, *ROW_SECTIONS):
        if column in section.column_names:
            return f"{section.column(column).header_vi} ({column})"
    return column


def feedback_text(
    conn: psycopg.Connection,
    delivery: Delivery,
    result: Path | None = None,
    repeats: Sequence[Repeat] = (),
) -> str:
    """What the sender reads: Vietnamese first, then English; ``result``: the marked copy,
    ``repeats``: the figures it gives on several rows, and what was made of them."""
    lines = [f"Tệp / file: {delivery.inbox_name}"]
    if result is not None:
        lines.append(
            f"Bảng kết quả, các ô lỗi được tô màu / result with the problem cells marked: "
            f"{result.name} (cùng thư mục / in the same folder)"
        )
    if delivery.file_id is None:
        lines += [
            "Kết quả: KHÔNG NẠP ĐƯỢC / Result: REJECTED",
            f"Lý do: {delivery.reason_vi or 'không đọc được tệp; hãy gửi lại'}",
            f"Reason: {delivery.reason_en or 'the file could not be read; send it again'}",
        ]
        return "\n".join(lines) + "\n"
    file = file_record(conn, delivery.file_id)
    if delivered_before(conn, delivery):
        lines.append(
            f"Tệp này đã được nhận lúc {file.loaded_at:%d/%m/%Y %H:%M} (cùng nội dung). / "
            f"This file was already received on {file.loaded_at:%Y-%m-%d %H:%M} (same content)."
        )
    words = FILE_WORDS.get(file.status, (file.status, file.status))
    lines.append(f"Kết quả: {words[0]} / Result: {words[1]}")
    if file.status == "rejected":
        lines += [f"Lý do: {file.reason_vi}", f"Reason: {file.reason_en}"]
        return "\n".join(lines) + "\n"
    lines += [
        f"Đã nạp {file.rows_loaded} dòng; {file.rows_quarantined} dòng có lỗi chưa nạp.",
        f"Loaded {file.rows_loaded} rows; {file.rows_quarantined} rows with errors held back.",
    ]
    if file.note_vi:
        lines += [f"Lưu ý: {file.note_vi}", f"Note: {file.note_en}"]
    lines += _report_lines(conn, delivery.file_id)
    if repeats:
        lines.append("Chỉ tiêu ghi nhiều lần / figures given more than once:")
        for repeat in repeats:
            lines += [f"- {repeat.say_vi}", f"  {repeat.say_en}"]
    lines += _quarantine_lines(conn, delivery.file_id)
    return "\n".join(lines) + "\n"


def _report_lines(conn: psycopg.Connection, file_id: int) -> list[str]:
    found = reports(conn, file_id)
    if not found:
        return []
    held = holds(conn, file_id)
    lines = ["Báo cáo trong tệp / reports in this file:"]
    for report in found:
        vi, en = STATE_WORDS.get(report.state, (report.state, report.state))
        if report.state == "published" and report.publication_id:
            vi = f"{vi} (lần {report.publication_id})"
            en = f"{en} (publication {report.publication_id})"
        lines.append(
            f"- {report.unit}, kỳ/period {report.period}, "
            f"gửi/sent {report.submitted_on:%d/%m/%Y}: {vi} / {en}"
        )
        if report.state == "held":
            key = (report.unit, report.period, report.submitted_on)
            for hold in held.get(key, [])[:FEEDBACK_PROBLEMS]:
                lines += _hold_lines(hold)
    return lines


def _hold_lines(hold: Hold) -> list[str]:
    where = []
    if hold.sheet:
        where.append(f"trang/sheet '{hold.sheet}'")
    if hold.row_number:
        where.append(f"dòng/row {hold.row_number}")
    where.append(f"cột/column '{hold.column_header or hold.column_name}'")
    if hold.value is not None:
        where.append(f"giá trị/value '{hold.value}'")
    return [
        f"    • {', '.join(where)}:",
        f"      {hold.reason_vi}",
        f"      {hold.reason_en}",
        f"      ({hold.rule})",
    ]


def _quarantine_lines(conn: psycopg.Connection, file_id: int) -> list[str]:
    total = sum(sheet.problems for sheet in problems_by_sheet(conn, file_id))
    if not total:
        return []
    lines = ["Dòng có lỗi chưa nạp / rows not loaded:"]
    if total > FEEDBACK_PROBLEMS:
        lines.append(
            f"(Liệt kê {FEEDBACK_PROBLEMS} lỗi đầu tiên / the first {FEEDBACK_PROBLEMS} of "
            f"{total} problems are listed)"
        )
    for problem in quarantined(conn, file_id):
        lines += [
            f"- trang/sheet '{problem.sheet}', dòng/row {problem.row_number}, cột/column "
            f"'{column_header(problem.column_name)}', giá trị/value '{problem.value}':",
            f"    {problem.reason_vi}",
            f"    {problem.reason_en}",
        ]
    return lines
