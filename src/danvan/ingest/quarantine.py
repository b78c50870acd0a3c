"""What ``danvan errors`` shows: quarantined rows and rejected files, newest first."""

from __future__ import annotations

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
        lines += [f"  {where}: '{value}'", f"    {reason_en}", f"    {reason_vi}"]
    return "\n".join(lines)
