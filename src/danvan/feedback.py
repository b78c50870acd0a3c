"""What each sender is told about each file, Vietnamese first, from what the warehouse recorded.

The feedback beside an archived file is written from the database — the file's
status, its quarantined rows, and each report it carries with its state and,
when held, every rule it broke with the sheet, row, column and value — never
from what one process remembered. So a file landed just before a crash, and
skipped as already received the next night, still gets its whole story; and a
file whose report is released or published later gets its feedback rewritten.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import psycopg

from danvan.ingest.format import ROW_SECTIONS, SUBMISSION
from danvan.ingest.inbox import feedback_path
from danvan.ingest.landing import FileResult
from danvan.text import printable

FEEDBACK_PROBLEMS = 1000  # the rest are in `danvan errors`
STATE_WORDS = {
    "landed": ("chờ kiểm tra", "waiting for the nightly checks"),
    "held": ("TẠM GIỮ — chưa công bố, cần sửa và gửi lại", "HELD — not published; fix and re-send"),
    "accepted": ("đạt, chờ duyệt", "passed, waiting for approval"),
    "approved": ("đạt, sẽ được công bố", "passed, to be published"),
    "published": ("đã công bố", "published"),
    "superseded": ("đã được thay bằng bản gửi sau", "replaced by a later submission"),
    "rejected": ("bị từ chối", "rejected by an operator"),
    "withdrawn": ("đã rút", "withdrawn by an operator"),
}
FILE_WORDS = {
    "loaded": ("ĐÃ NẠP", "LOADED"),
    "rejected": ("KHÔNG NẠP ĐƯỢC", "REJECTED"),
}


def column_header(column: str | None) -> str:
    """A column as the form shows it to senders (its Vietnamese header)."""
    if not column:
        return "-"
    for section in (SUBMISSION, *ROW_SECTIONS):
        if column in section.column_names:
            return f"{section.column(column).header_vi} ({column})"
    return column


def record_delivery(
    conn: psycopg.Connection,
    result: FileResult,
    inbox_name: str,
    archived: Path,
    run_id: uuid.UUID | None,
) -> None:
    """Remember where a file from the inbox went (its content names its raw.files row)."""
    file_id = result.file_id
    if file_id is None and archived.is_file() and not archived.is_symlink():
        found = conn.execute(
            "select file_id from raw.files where content_sha256 = %s", [_sha256(archived)]
        ).fetchone()
        file_id = int(found[0]) if found else None
    reasons = (result.reason, result.reason_vi) if file_id is None else (None, None)
    conn.execute(
        """insert into audit.deliveries (run_id, file_id, inbox_name, archived_path, reason_en,
               reason_vi)
           values (%s, %s, %s, %s, %s, %s)""",
        [run_id, file_id, printable(inbox_name), str(archived), *reasons],
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Delivery:
    file_id: int | None
    inbox_name: str
    archived_path: Path
    delivered_at: datetime
    reason_en: str | None = None  # why a file that never reached raw.files was refused
    reason_vi: str | None = None


def write_feedback_files(conn: psycopg.Connection, run_id: uuid.UUID) -> int:
    """Rewrite the feedback of every file delivered in this run or whose reports changed
    state in it; how many were written."""
    rows = conn.execute(
        """select distinct on (delivery.archived_path) delivery.file_id, delivery.inbox_name,
               delivery.archived_path, delivery.delivered_at, delivery.reason_en,
               delivery.reason_vi
           from audit.deliveries as delivery
           where delivery.run_id = %s
               or delivery.file_id in (
                   select file_id from audit.submission_events where run_id = %s)
           order by delivery.archived_path, delivery.delivered_at desc""",
        [run_id, run_id],
    ).fetchall()
    written = 0
    for file_id, inbox_name, archived_path, delivered_at, reason_en, reason_vi in rows:
        delivery = Delivery(
            file_id, inbox_name, Path(archived_path), delivered_at, reason_en, reason_vi
        )
        if not delivery.archived_path.parent.exists():
            continue
        text = feedback_text(conn, delivery)
        feedback_path(delivery.archived_path).write_text(text, encoding="utf-8")
        written += 1
    return written


def feedback_text(conn: psycopg.Connection, delivery: Delivery) -> str:
    """What the sender reads: Vietnamese first, then English."""
    lines = [f"Tệp / file: {delivery.inbox_name}"]
    if delivery.file_id is None:
        lines += [
            "Kết quả: KHÔNG NẠP ĐƯỢC / Result: REJECTED",
            f"Lý do: {delivery.reason_vi or 'không đọc được tệp; hãy gửi lại'}",
            f"Reason: {delivery.reason_en or 'the file could not be read; send it again'}",
        ]
        return "\n".join(lines) + "\n"
    file = conn.execute(
        """select status, reason_vi, reason_en, rows_loaded, rows_quarantined, loaded_at,
                  note_vi, note_en
           from raw.files where file_id = %s""",
        [delivery.file_id],
    ).fetchone()
    assert file is not None
    status, reason_vi, reason_en, loaded, quarantined, loaded_at, note_vi, note_en = file
    if _delivered_before(conn, delivery):
        lines.append(
            f"Tệp này đã được nhận lúc {loaded_at:%d/%m/%Y %H:%M} (cùng nội dung). / "
            f"This file was already received on {loaded_at:%Y-%m-%d %H:%M} (same content)."
        )
    words = FILE_WORDS.get(status, (status, status))
    lines.append(f"Kết quả: {words[0]} / Result: {words[1]}")
    if status == "rejected":
        lines += [f"Lý do: {reason_vi}", f"Reason: {reason_en}"]
        return "\n".join(lines) + "\n"
    lines += [
        f"Đã nạp {loaded} dòng; {quarantined} dòng có lỗi chưa nạp.",
        f"Loaded {loaded} rows; {quarantined} rows with errors held back.",
    ]
    if note_vi:
        lines += [f"Lưu ý: {note_vi}", f"Note: {note_en}"]
    lines += _report_lines(conn, delivery.file_id)
    lines += _quarantine_lines(conn, delivery.file_id)
    return "\n".join(lines) + "\n"


def _delivered_before(conn: psycopg.Connection, delivery: Delivery) -> bool:
    row = conn.execute(
        "select 1 from audit.deliveries where file_id = %s and delivered_at < %s limit 1",
        [delivery.file_id, delivery.delivered_at],
    ).fetchone()
    return row is not None


def _report_lines(conn: psycopg.Connection, file_id: int) -> list[str]:
    reports = conn.execute(
        """select reporting_unit_code, period_code, submitted_on, state, publication_id
           from audit.submission_states where file_id = %s
           order by reporting_unit_code, period_code, submitted_on""",
        [file_id],
    ).fetchall()
    if not reports:
        return []
    holds = _holds(conn, file_id)
    lines = ["Báo cáo trong tệp / reports in this file:"]
    for unit, period, submitted_on, state, publication_id in reports:
        vi, en = STATE_WORDS.get(state, (state, state))
        if state == "published" and publication_id:
            vi, en = f"{vi} (lần {publication_id})", f"{en} (publication {publication_id})"
        lines.append(f"- {unit}, kỳ/period {period}, gửi/sent {submitted_on:%d/%m/%Y}: {vi} / {en}")
        if state == "held":
            for hold in holds.get((unit, period, submitted_on), [])[:FEEDBACK_PROBLEMS]:
                lines += _hold_lines(hold)
    return lines


def _holds(conn: psycopg.Connection, file_id: int) -> dict[tuple[str, str, date], list[Any]]:
    """The findings of each held report's latest evaluation."""
    rows = conn.execute(
        """with latest as (
               select reporting_unit_code, period_code, submitted_on,
                   (array_agg(run_id order by found_at desc))[1] as run_id
               from audit.holds where file_id = %(file)s
               group by reporting_unit_code, period_code, submitted_on
           )
           select hold.reporting_unit_code, hold.period_code, hold.submitted_on, hold.rule,
               hold.sheet, hold.row_number, coalesce(hold.column_header, hold.column_name),
               hold.value_text, hold.reason_vi, hold.reason_en
           from audit.holds as hold
           inner join latest using (reporting_unit_code, period_code, submitted_on, run_id)
           where hold.file_id = %(file)s
           order by hold.sheet nulls first, hold.row_number nulls first, hold.hold_id""",
        {"file": file_id},
    ).fetchall()
    found: dict[tuple[str, str, date], list[Any]] = {}
    for row in rows:
        found.setdefault((row[0], row[1], row[2]), []).append(row[3:])
    return found


def _hold_lines(hold: Any) -> list[str]:
    rule, sheet, row_number, column, value, reason_vi, reason_en = hold
    where = []
    if sheet:
        where.append(f"trang/sheet '{sheet}'")
    if row_number:
        where.append(f"dòng/row {row_number}")
    where.append(f"cột/column '{column}'")
    if value is not None:
        where.append(f"giá trị/value '{value}'")
    return [
        f"    • {', '.join(where)}:",
        f"      {reason_vi}",
        f"      {reason_en}",
        f"      ({rule})",
    ]


def _quarantine_lines(conn: psycopg.Connection, file_id: int) -> list[str]:
    total_row = conn.execute(
        "select count(*) from audit.quarantine where file_id = %s", [file_id]
    ).fetchone()
    total = int(total_row[0]) if total_row else 0
    if not total:
        return []
    rows = conn.execute(
        """select sheet, row_number, column_name, value_text, reason_vi, reason_en
           from audit.quarantine where file_id = %s
           order by quarantine_id limit %s""",
        [file_id, FEEDBACK_PROBLEMS],
    ).fetchall()
    lines = ["Dòng có lỗi chưa nạp / rows not loaded:"]
    if total > FEEDBACK_PROBLEMS:
        lines.append(
            f"(Liệt kê {FEEDBACK_PROBLEMS} lỗi đầu tiên / the first {FEEDBACK_PROBLEMS} of "
            f"{total} problems are listed)"
        )
    for sheet, row_number, column, value, reason_vi, reason_en in rows:
        lines += [
            f"- trang/sheet '{sheet}', dòng/row {row_number}, cột/column "
            f"'{column_header(column)}', giá trị/value '{value}':",
            f"    {reason_vi}",
            f"    {reason_en}",
        ]
    return lines
