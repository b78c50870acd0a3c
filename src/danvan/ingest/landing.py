"""Land submission files into ``raw`` by COPY, one transaction per file, nothing lost.

A file already received (same SHA-256) is skipped. A file that cannot be read
is recorded as rejected with its reason, even when the problem shows only
halfway through its rows (the rows copied so far are rolled back). Otherwise
its good rows stream into ``raw`` with lineage and every bad row goes to
``audit.quarantine`` with why. A large CSV is judged column by column
(``columnar``) unless Arrow would read it differently from the row path.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import psycopg
from psycopg.copy import QueuedLibpqWriter

from danvan.ingest.columnar import NotColumnar, csv_chunks, is_columnar
from danvan.ingest.readers import read_submission_file
from danvan.ingest.readers.contents import FileRejected, StrayCell, Table, excerpt
from danvan.ingest.records import Problem
from danvan.ingest.rows import (
    CHUNK_ROWS,
    RAW_TABLES,
    SUBMISSION_COLUMNS,
    RowCodec,
    copy_field,
    raw_columns,
)

QUEUED_COPY_BYTES = 64 * 1024
QUARANTINE_COLUMNS = (
    "file_id", "file_name", "sheet", "row_number", "column_name", "value_text", "reason_code",
    "reason_en", "reason_vi", "row_values",
)  # fmt: skip


@dataclass
class FileResult:
    file_name: str
    status: str  # loaded | skipped | rejected
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None  # English; for a skipped file, what happened to it the first time
    reason_vi: str | None = None
    file_id: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def render(self) -> str:
        detail = f"{self.rows_loaded} rows loaded, {self.rows_quarantined} quarantined"
        if self.status == "rejected":
            detail = f"rejected: {self.reason}"
        elif self.status == "skipped":
            detail = "already received (same content), skipped"
            if self.reason:
                detail += f"; it was rejected then: {self.reason}"
        return f"{self.file_name}: {detail}"


def display_name(path: Path) -> str:
    """The file name as text the database can store (names need not be UTF-8 on disk)."""
    return excerpt(path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace"), 255)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def land_file(conn: psycopg.Connection, path: Path, codec: RowCodec) -> FileResult:
    """Land one file in its own transaction (``conn`` is in autocommit mode)."""
    name = display_name(path)
    try:
        content_sha256 = sha256_of(path)
    except OSError as error:  # gone or unreadable since it was listed: nothing to record
        return FileResult(
            name, "rejected", reason=f"[unreadable] the file cannot be read: {error.strerror}",
            reason_vi=f"không đọc được tệp: {error.strerror}",
        )  # fmt: skip
    seen = conn.execute(
        "select status, reason_en, reason_vi from raw.files where content_sha256 = %s",
        [content_sha256],
    ).fetchone()
    if seen:
        status, reason_en, reason_vi = seen
        if status == "rejected":
            return FileResult(name, "skipped", reason=reason_en, reason_vi=reason_vi)
        return FileResult(name, "skipped")
    size = path.stat().st_size
    try:
        with conn.transaction():
            return _land(conn, path, name, content_sha256, size, codec)
    except FileRejected as rejection:
        reason_en = f"[{rejection.code}] {rejection.reason_en}"
        record_rejected(conn, path, name, content_sha256, reason_en, rejection.reason_vi)
        return FileResult(name, "rejected", reason=reason_en, reason_vi=rejection.reason_vi)


def record_rejected(
    conn: psycopg.Connection,
    path: Path,
    name: str,
    content_sha256: str,
    reason_en: str,
    reason_vi: str,
) -> None:
    with conn.transaction():
        conn.execute(
            """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
                   reason_en, reason_vi) values (%s, %s, %s, %s, 'rejected', %s, %s)
               on conflict (content_sha256) do nothing""",
            [name, content_sha256, path.stat().st_size, excerpt(path.suffix.lower().lstrip("."), 20),
             excerpt(reason_en, 2000), excerpt(reason_vi, 2000)],
        )  # fmt: skip


def _land(
    conn: psycopg.Connection,
    path: Path,
    name: str,
    content_sha256: str,
    size: int,
    codec: RowCodec,
) -> FileResult:
    contents = read_submission_file(path)
    file_id = conn.execute(
        """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
               sections) values (%s, %s, %s, %s, 'loaded', %s) returning file_id""",
        [name, content_sha256, size, contents.file_format, list(contents.sections)],
    ).fetchone()[0]
    problems: list[Problem] = []
    stray = list(contents.stray)
    identities = {}
    header = None
    if contents.header is not None:
        header = codec.builder.identity(contents.header)
        if isinstance(header, list):
            problems += header
        else:
            identities[header.key] = (header, contents.header.sheet, contents.header.row_number)
    loaded = 0
    for table in contents.tables:
        rows = codec.rows(table, file_id, header)
        try:
            if not is_columnar(rows):
                raise NotColumnar("a small file, or not UTF-8 CSV")
            with conn.transaction():
                _copy_table(conn, table, csv_chunks(rows), "(format csv)")
            table.rows.close()
        except NotColumnar:
            rows = codec.rows(table, file_id, header)
            _copy_table(conn, table, rows.chunks(), "")
        loaded += rows.loaded
        problems += rows.problems
        stray += rows.stray
        for key, first in rows.identities.items():
            identities.setdefault(key, first)
    _copy_lines(conn, "raw.submissions", SUBMISSION_COLUMNS, (
        f"{file_id}\t{copy_field(sheet)}\t{row_number}\t{codec.submission_text(identity)}"
        for identity, sheet, row_number in identities.values()
    ))  # fmt: skip
    _quarantine(conn, file_id, name, problems, stray)
    quarantined = len({(p.sheet, p.row_number) for p in problems})
    conn.execute(
        "update raw.files set rows_loaded = %s, rows_quarantined = %s where file_id = %s",
        [loaded, quarantined, file_id],
    )
    return FileResult(name, "loaded", loaded, quarantined, file_id=file_id, problems=problems)


def _copy_table(
    conn: psycopg.Connection, table: Table, chunks: Iterator[str | bytes], options: str
) -> None:
    """COPY a table's good rows into its raw table."""
    columns = ", ".join(raw_columns(table.section.name))
    _copy(conn, f"copy {RAW_TABLES[table.section.name]} ({columns}) from stdin {options}", chunks)


def _copy_lines(
    conn: psycopg.Connection, table: str, columns: tuple[str, ...], lines: Iterator[str]
) -> None:
    """COPY rows given as lines of COPY text."""
    chunks = (
        "\n".join(chunk) + "\n" for chunk in iter(lambda: list(islice(lines, CHUNK_ROWS)), [])
    )
    _copy(conn, f"copy {table} ({', '.join(columns)}) from stdin", chunks)


def _copy(conn: psycopg.Connection, copy_sql: str, chunks: Iterator[str | bytes]) -> None:
    """Send the chunks as they are made; no chunk, no COPY."""
    first = next(chunks, None)
    if first is None:
        return
    cursor = conn.cursor()
    # For a large table a worker thread sends while the next chunk is made, so the
    # server parses in parallel; a small file's rows are not worth a thread.
    writer = QueuedLibpqWriter(cursor) if len(first) >= QUEUED_COPY_BYTES else None
    with cursor.copy(copy_sql, writer=writer) as copy:
        copy.write(first)
        for chunk in chunks:
            copy.write(chunk)


def _quarantine(
    conn: psycopg.Connection,
    file_id: int,
    file_name: str,
    problems: list[Problem],
    stray: list[StrayCell],
) -> None:
    entries = [
        (file_id, file_name, p.sheet, p.row_number, p.column, p.value_text, p.code, p.reason_en,
         p.reason_vi, p.row_values)
        for p in problems
    ]  # fmt: skip
    entries += [
        (file_id, file_name, s.sheet, s.row_number, s.column, s.value, s.code,
         STRAY_REASONS[s.code][0], STRAY_REASONS[s.code][1], None)
        for s in stray
    ]  # fmt: skip
    lines = ("\t".join(map(copy_field, entry)) for entry in entries)
    _copy_lines(conn, "audit.quarantine", QUARANTINE_COLUMNS, lines)


STRAY_REASONS = {
    "unknown_column": (
        "this column is not part of the submission format; its values were not loaded",
        "cột này không thuộc mẫu báo cáo; giá trị trong cột chưa được nạp",
    ),
    "duplicate_column": (
        "this column repeats an earlier column of the same name; only the first was loaded",
        "cột này trùng tên với một cột trước đó; chỉ cột đầu tiên được nạp",
    ),
    "unknown_sheet": (
        "this sheet is not part of the submission format; its rows were not loaded",
        "trang tính này không thuộc mẫu báo cáo; các dòng chưa được nạp",
    ),
    "unknown_row": (
        "this row of the general-information sheet has no known label; it was not loaded",
        "dòng này trong trang thông tin chung không có nhãn hợp lệ; chưa được nạp",
    ),
    "unknown_section": (
        "this part of the JSON document is not in the format; it was not loaded",
        "phần này của tệp JSON không thuộc mẫu báo cáo; chưa được nạp",
    ),
    "not_an_object": (
        "this list item is not an object; it was not loaded",
        "phần tử này không phải một đối tượng; chưa được nạp",
    ),
}
