"""What ``danvan errors`` shows: quarantined rows and rejected files, newest first."""

from __future__ import annotations

from danvan.text import printable
from danvan.warehouse.db import connect


def render_quarantine(url: str, limit: int = 50) -> str:
    with connect(url) as conn:
        rejected = conn.execute(
            """select file_name, reason_en, reason_vi, loaded_at from raw.files
               where status = 'rejected' order by loaded_at desc limit %s""",
            [limit],
        ).fetchall()
        rows = conn.execute(
            """select file_name, sheet, row_number, column_name, value_text, reason_en, reason_vi
               from audit.quarantine order by quarantine_id desc limit %s""",
            [limit],
        ).fetchall()
        (total,) = conn.execute("select count(*) from audit.quarantine").fetchone() or (0,)
    lines = [
        f"{len(rejected)} rejected files (newest {limit} shown)"
        if rejected
        else "no rejected files"
    ]
    for file_name, reason_en, reason_vi, loaded_at in rejected:
        lines += [f"  {file_name} ({loaded_at:%Y-%m-%d %H:%M}): {reason_en}", f"    {reason_vi}"]
    lines.append(f"{total} quarantined entries (newest {min(limit, total)} shown)")
    for file_name, sheet, row_number, column, value, reason_en, reason_vi in rows:
        where = f"{file_name} › {sheet} › row {row_number} › {column or '-'}"
        lines += [f"  {where}: '{printable(value or '')}'", f"    {reason_en}", f"    {reason_vi}"]
    lines += _held_lines(url, limit)
    return "\n".join(lines)


def _held_lines(url: str, limit: int) -> list[str]:
    """Submissions held back from publication, with the rule and cell of each hold."""
    with connect(url) as conn:
        held = conn.execute(
            """select file.file_name, hold.reporting_unit_code, hold.period_code, hold.rule,
                   hold.sheet, hold.row_number, coalesce(hold.column_header, hold.column_name),
                   hold.value_text, hold.reason_vi, hold.reason_en
               from audit.holds as hold
               inner join audit.submission_states as states
                   using (file_id, reporting_unit_code, period_code, submitted_on)
               inner join raw.files as file on file.file_id = hold.file_id
               where states.state = 'held'
               order by hold.hold_id desc limit %s""",
            [limit],
        ).fetchall()
        (total,) = conn.execute(
            "select count(*) from audit.submission_states where state = 'held'"
        ).fetchone() or (0,)
    lines = [f"{total} submissions held (newest {len(held)} findings shown; danvan review list)"]
    for file_name, unit, period, rule, sheet, row, column, value, reason_vi, reason_en in held:
        where = f"{file_name} › {sheet or '-'} › row {row or '-'} › {column or '-'}"
        lines += [
            f"  {where}: '{printable(value or '')}' — {unit} {period}: {rule}",
            f"    {reason_vi}",
            f"    {reason_en}",
        ]
    return lines
