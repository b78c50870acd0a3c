"""What ``danvan errors`` shows: rejected files, quarantined rows and held submissions, newest
first."""

from __future__ import annotations

from typing import Any

import psycopg

from danvan.text import printable
from danvan.warehouse.db import connect


def quarantine_listing(url: str, limit: int = 50) -> dict[str, Any]:
    """The newest ``limit`` of each kind, with the totals."""
    with connect(url) as conn:
        rejected = _rows(
            conn,
            """select file_name, reason_en, reason_vi, loaded_at from raw.files
               where status = 'rejected' order by loaded_at desc limit %s""",
            [limit],
        )
        quarantined = _rows(
            conn,
            """select file_name, sheet, row_number, column_name, value_text, reason_en, reason_vi
               from audit.quarantine order by quarantine_id desc limit %s""",
            [limit],
        )
        held = _rows(
            conn,
            """select file.file_name, hold.reporting_unit_code, hold.period_code, hold.rule,
                   hold.sheet, hold.row_number,
                   coalesce(hold.column_header, hold.column_name) as column_name,
                   hold.value_text, hold.reason_vi, hold.reason_en
               from audit.holds as hold
               inner join audit.submission_states as states
                   using (file_id, reporting_unit_code, period_code, submitted_on)
               inner join raw.files as file on file.file_id = hold.file_id
               where states.state = 'held'
               order by hold.hold_id desc limit %s""",
            [limit],
        )
        (quarantined_total,) = conn.execute("select count(*) from audit.quarantine").fetchone() or (
            0,
        )
        (held_total,) = conn.execute(
            "select count(*) from audit.submission_states where state = 'held'"
        ).fetchone() or (0,)
    return {
        "rejected_files": rejected,
        "quarantined_total": quarantined_total,
        "quarantined_rows": quarantined,
        "held_total": held_total,
        "held_findings": held,
    }


def _rows(conn: psycopg.Connection, query: str, params: list[object]) -> list[dict[str, Any]]:
    cursor = conn.execute(query, params)
    names = [column.name for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def render_quarantine(url: str, limit: int = 50) -> str:
    listing = quarantine_listing(url, limit)
    rejected = listing["rejected_files"]
    lines = [
        f"{len(rejected)} rejected files (newest {limit} shown)"
        if rejected
        else "no rejected files"
    ]
    for file in rejected:
        lines += [
            f"  {file['file_name']} ({file['loaded_at']:%Y-%m-%d %H:%M}): {file['reason_en']}",
            f"    {file['reason_vi']}",
        ]
    total = listing["quarantined_total"]
    lines.append(f"{total} quarantined entries (newest {min(limit, total)} shown)")
    for row in listing["quarantined_rows"]:
        where = (
            f"{row['file_name']} › {row['sheet']} › row {row['row_number']} › "
            f"{row['column_name'] or '-'}"
        )
        lines += [
            f"  {where}: '{printable(row['value_text'] or '')}'",
            f"    {row['reason_en']}",
            f"    {row['reason_vi']}",
        ]
    held = listing["held_findings"]
    lines.append(
        f"{listing['held_total']} submissions held "
        f"(newest {len(held)} findings shown; danvan review list)"
    )
    for hold in held:
        where = (
            f"{hold['file_name']} › {hold['sheet'] or '-'} › row {hold['row_number'] or '-'} › "
            f"{hold['column_name'] or '-'}"
        )
        lines += [
            f"  {where}: '{printable(hold['value_text'] or '')}' — "
            f"{hold['reporting_unit_code']} {hold['period_code']}: {hold['rule']}",
            f"    {hold['reason_vi']}",
            f"    {hold['reason_en']}",
        ]
    return "\n".join(lines)
