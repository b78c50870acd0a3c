"""What the warehouse recorded about one delivered file, read back for its sender.

Every form of feedback (the text beside the archived file, the sender's own
workbook with the problem cells marked, the CSV for CSV and JSON senders) is
written from these queries — never from what one process remembered.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import psycopg

from danvan.ingest.landing import FileResult
from danvan.ingest.landing.files import sha256_of
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


@dataclass(frozen=True)
class Delivery:
    file_id: int | None
    inbox_name: str
    archived_path: Path
    delivered_at: datetime
    reason_en: str | None = None  # why a file that never reached raw.files was refused
    reason_vi: str | None = None


@dataclass(frozen=True)
class FileRecord:
    """A file's row in raw.files."""

    status: str
    reason_vi: str | None
    reason_en: str | None
    rows_loaded: int
    rows_quarantined: int
    loaded_at: datetime
    note_vi: str | None  # e.g. values read back from a legacy font
    note_en: str | None


@dataclass(frozen=True)
class Report:
    """One report (unit, period, date sent) a file carries, and its state."""

    unit: str
    period: str
    submitted_on: date
    state: str
    publication_id: int | None


@dataclass(frozen=True)
class Hold:
    """One rule a held report broke, and the cell it points at."""

    rule: str
    sheet: str | None
    row_number: int | None
    column_name: str | None
    column_header: str | None
    value: str | None
    reason_vi: str
    reason_en: str


@dataclass(frozen=True)
class Quarantined:
    """One problem that kept a row (or a stray cell) out of raw."""

    sheet: str | None
    row_number: int | None
    column_name: str | None  # a format column, or the title of a column the format lacks
    value: str | None
    reason_code: str
    reason_vi: str
    reason_en: str
    row_values: dict[str, object] | None


@dataclass(frozen=True)
class SheetProblems:
    sheet: str
    rows: int  # rows with at least one problem
    problems: int  # quarantine entries (as `danvan errors` counts them)


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
            "select file_id from raw.files where content_sha256 = %s", [sha256_of(archived)]
        ).fetchone()
        file_id = int(found[0]) if found else None
    reasons = (result.reason, result.reason_vi) if file_id is None else (None, None)
    conn.execute(
        """insert into audit.deliveries (run_id, file_id, inbox_name, archived_path, reason_en,
               reason_vi)
           values (%s, %s, %s, %s, %s, %s)""",
        [run_id, file_id, printable(inbox_name), str(archived), *reasons],
    )


def deliveries_to_tell(conn: psycopg.Connection, run_id: uuid.UUID) -> list[Delivery]:
    """Every file delivered in this run or whose reports changed state in it."""
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
    return [
        Delivery(file_id, inbox_name, Path(path), delivered_at, reason_en, reason_vi)
        for file_id, inbox_name, path, delivered_at, reason_en, reason_vi in rows
    ]


def file_record(conn: psycopg.Connection, file_id: int) -> FileRecord:
    row = conn.execute(
        """select status, reason_vi, reason_en, rows_loaded, rows_quarantined, loaded_at,
               note_vi, note_en
           from raw.files where file_id = %s""",
        [file_id],
    ).fetchone()
    assert row is not None, f"no raw.files row {file_id}"
    return FileRecord(*row)


def delivered_before(conn: psycopg.Connection, delivery: Delivery) -> bool:
    row = conn.execute(
        "select 1 from audit.deliveries where file_id = %s and delivered_at < %s limit 1",
        [delivery.file_id, delivery.delivered_at],
    ).fetchone()
    return row is not None


def reports(conn: psycopg.Connection, file_id: int) -> list[Report]:
    rows = conn.execute(
        """select reporting_unit_code, period_code, submitted_on, state, publication_id
           from audit.submission_states where file_id = %s
           order by reporting_unit_code, period_code, submitted_on""",
        [file_id],
    ).fetchall()
    return [Report(*row) for row in rows]


def holds(conn: psycopg.Connection, file_id: int) -> dict[tuple[str, str, date], list[Hold]]:
    """The findings of each held report's latest evaluation."""
    rows = conn.execute(
        """with latest as (
               select reporting_unit_code, period_code, submitted_on,
                   (array_agg(run_id order by found_at desc))[1] as run_id
               from audit.holds where file_id = %(file)s
               group by reporting_unit_code, period_code, submitted_on
           )
           select hold.reporting_unit_code, hold.period_code, hold.submitted_on, hold.rule,
               hold.sheet, hold.row_number, hold.column_name, hold.column_header,
               hold.value_text, hold.reason_vi, hold.reason_en
           from audit.holds as hold
           inner join latest using (reporting_unit_code, period_code, submitted_on, run_id)
           where hold.file_id = %(file)s
           order by hold.sheet nulls first, hold.row_number nulls first, hold.hold_id""",
        {"file": file_id},
    ).fetchall()
    found: dict[tuple[str, str, date], list[Hold]] = {}
    for row in rows:
        found.setdefault((row[0], row[1], row[2]), []).append(Hold(*row[3:]))
    return found


def quarantined(conn: psycopg.Connection, file_id: int) -> list[Quarantined]:
    """The file's first ``FEEDBACK_PROBLEMS`` quarantine entries, in the order met."""
    rows = conn.execute(
        """select sheet, row_number, column_name, value_text, reason_code, reason_vi,
               reason_en, row_values
           from audit.quarantine where file_id = %s
           order by quarantine_id limit %s""",
        [file_id, FEEDBACK_PROBLEMS],
    ).fetchall()
    return [Quarantined(*row) for row in rows]


def problems_by_sheet(conn: psycopg.Connection, file_id: int) -> list[SheetProblems]:
    """Every quarantine entry of the file counted by sheet (not only those listed)."""
    rows = conn.execute(
        """select coalesce(sheet, ''), count(distinct row_number), count(*)
           from audit.quarantine where file_id = %s
           group by 1 order by min(quarantine_id)""",
        [file_id],
    ).fetchall()
    return [SheetProblems(sheet, int(rows_), int(entries)) for sheet, rows_, entries in rows]
