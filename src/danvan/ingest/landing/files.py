"""Land submission files into ``raw`` by COPY, one transaction per file, nothing lost.

A file already received (same SHA-256) is skipped. A file that cannot be read
is recorded as rejected with its reason, even when the problem shows only
halfway through its rows (the rows copied so far are rolled back). Otherwise
its good rows stream into ``raw`` with lineage and every bad row goes to
``audit.quarantine`` with why. Each table lands through ``land_table``, the one
place where the row path (``rows``) and the columnar path (``columnar``: a large
CSV judged column by column) meet. What was read in a way the sender should
know of (a legacy code page, text typed with a legacy font) is noted on the
loaded file, for its feedback.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import psycopg

from danvan.ingest.landing import columnar, rows
from danvan.ingest.landing.cells import (
    Invalid,
    Problem,
    SubmissionIdentity,
    legacy_conversions,
)
from danvan.ingest.landing.copy_text import copy_chunks, copy_field, copy_lines
from danvan.ingest.landing.outputs import RAW_TABLES, SUBMISSION_COLUMNS, Judgements, raw_columns
from danvan.ingest.landing.problem_log import QUARANTINE_COLUMNS, ProblemLog
from danvan.ingest.landing.table import TableLanding
from danvan.ingest.readers import read_submission_file
from danvan.ingest.readers.contents import FileRejected, Table, excerpt
from danvan.text import printable
from danvan.text_legacy import LegacyReading

# PostgreSQL's name for raw.files' unique content_sha256.
FILES_CONTENT_KEY = "files_content_sha256_key"
RECEIPT_MAX_BYTES = 1 << 20  # a larger file is hashed once, as it lands


@dataclass
class FileResult:
    file_name: str
    status: str  # loaded | skipped | rejected
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None  # English; for a skipped file, what happened to it the first time
    reason_vi: str | None = None
    file_id: int | None = None
    note: str | None = None  # English; how a loaded file was read that its sender should know

    def render(self) -> str:
        detail = f"{self.rows_loaded} rows loaded, {self.rows_quarantined} quarantined"
        if self.note:
            detail += f"; note: {self.note}"
        if self.status == "rejected":
            detail = f"rejected: {self.reason}"
        elif self.status == "skipped":
            detail = "already received (same content), skipped"
            if self.reason:
                detail += f"; it was rejected then: {self.reason}"
        return f"{self.file_name}: {detail}"


def display_name(path: Path) -> str:
    """The file name as text the database can store and a terminal can show (names need not
    be UTF-8 on disk, and may hold control characters)."""
    name = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return excerpt(printable(name), 255)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Receipts:
    """What ``raw.files`` holds of a batch's small files, asked in one query when the batch
    begins instead of once per file (a round trip each). Each answer is used once, for the
    content it was asked for; a content met again, changed since, or of a large file (not
    hashed twice) is asked when its file lands."""

    def __init__(self, conn: psycopg.Connection, paths: list[Path]) -> None:
        digests = set()
        for path in paths:
            try:
                if path.stat().st_size < RECEIPT_MAX_BYTES:
                    digests.add(sha256_of(path))
            except OSError:
                continue  # landing reports it
        self._unasked = digests
        self._found: dict[str, tuple[str, str | None, str | None]] = {}
        if digests:
            rows = conn.execute(
                """select content_sha256, status, reason_en, reason_vi from raw.files
                   where content_sha256 = any(%s)""",
                [list(digests)],
            ).fetchall()
            self._found = {digest: (status, en, vi) for digest, status, en, vi in rows}

    def received(
        self, conn: psycopg.Connection, name: str, content_sha256: str
    ) -> FileResult | None:
        """As ``already_received``."""
        if content_sha256 not in self._unasked:
            return already_received(conn, name, content_sha256)
        self._unasked.discard(content_sha256)
        found = self._found.get(content_sha256)
        return None if found is None else _skipped(name, *found)


def land_file(
    conn: psycopg.Connection, path: Path, judgements: Judgements, receipts: Receipts | None = None
) -> FileResult:
    """Land one file in its own transaction (``conn`` is in autocommit mode); ``receipts``:
    what was received before of its batch."""
    name = display_name(path)
    try:
        content_sha256 = sha256_of(path)
    except OSError as error:  # gone or unreadable since it was listed: nothing to record
        return FileResult(
            name,
            "rejected",
            reason=f"[unreadable] the file cannot be read: {error.strerror}",
            reason_vi=f"không đọc được tệp: {error.strerror}",
        )
    if receipts is None:
        seen = already_received(conn, name, content_sha256)
    else:
        seen = receipts.received(conn, name, content_sha256)
    if seen:
        return seen
    size = path.stat().st_size
    try:
        with conn.transaction():
            return _land(conn, path, name, content_sha256, size, judgements)
    except FileRejected as rejection:
        reason_en = f"[{rejection.code}] {rejection.reason_en}"
        record_rejected(conn, path, name, content_sha256, reason_en, rejection.reason_vi)
        return FileResult(name, "rejected", reason=reason_en, reason_vi=rejection.reason_vi)
    except psycopg.errors.UniqueViolation as error:
        # Another process (a Dask worker) landed the same content meanwhile.
        if error.diag.constraint_name != FILES_CONTENT_KEY:
            raise
        received = already_received(conn, name, content_sha256)
        assert received is not None  # the conflicting row is committed
        return received


def already_received(conn: psycopg.Connection, name: str, content_sha256: str) -> FileResult | None:
    """A file whose content was received before is skipped, with the first one's reason."""
    seen = conn.execute(
        "select status, reason_en, reason_vi from raw.files where content_sha256 = %s",
        [content_sha256],
    ).fetchone()
    return None if seen is None else _skipped(name, *seen)


def _skipped(name: str, status: str, reason_en: str | None, reason_vi: str | None) -> FileResult:
    if status == "rejected":
        return FileResult(name, "skipped", reason=reason_en, reason_vi=reason_vi)
    return FileResult(name, "skipped")


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
            [
                name,
                content_sha256,
                path.stat().st_size,
                excerpt(path.suffix.lower().lstrip("."), 20),
                excerpt(reason_en, 2000),
                excerpt(reason_vi, 2000),
            ],
        )


def _land(
    conn: psycopg.Connection,
    path: Path,
    name: str,
    content_sha256: str,
    size: int,
    judgements: Judgements,
) -> FileResult:
    contents = read_submission_file(path)
    registered = conn.execute(
        """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
               sections) values (%s, %s, %s, %s, 'loaded', %s) returning file_id""",
        [name, content_sha256, size, contents.file_format, list(contents.sections)],
    ).fetchone()
    assert registered is not None  # insert … returning: one row
    file_id: int = registered[0]
    logs = [ProblemLog(file_id, name)]  # the file's own: its header and sheets not read
    for cell in contents.stray:
        logs[0].add_stray(cell)
    identities: dict[tuple[object, ...], tuple[SubmissionIdentity, str, int]] = {}
    converted: dict[str, LegacyReading] = {}
    header = None
    if contents.header is not None:
        converted.update(legacy_conversions(contents.header.cells.values()))
        header = judgements.cells.identity(contents.header)
        if isinstance(header, Invalid):
            for problem in header.errors:
                logs[0].add(problem)
        else:
            identities[header.key] = (header, contents.header.sheet, contents.header.row_number)
    loaded = 0
    try:
        for table in contents.tables:
            landed = land_table(conn, judgements, table, file_id, name, header)
            loaded += landed.loaded
            logs.append(landed.problems)
            converted.update(landed.converted)
            if identities:
                for key, first in landed.identities.items():
                    identities.setdefault(key, first)
            else:  # a CSV export's one table: its reports, not a copy (a bulk one has many)
                identities = landed.identities
        lines = (
            f"{file_id}\t{copy_field(sheet)}\t{row_number}\t{judgements.submission_text(identity)}"
            for identity, sheet, row_number in identities.values()
        )
        copy_lines(conn, "raw.submissions", SUBMISSION_COLUMNS, lines)
        copy_lines(
            conn,
            "audit.quarantine",
            QUARANTINE_COLUMNS,
            (line for log in logs for line in log.lines()),
        )
        quarantined = sum(log.rows for log in logs)
    finally:
        for log in logs:
            log.close()
    notes = [*contents.notes, *_conversion_notes(converted)]
    note_en = "; ".join(en for en, _ in notes) or None
    note_vi = "; ".join(vi for _, vi in notes) or None
    conn.execute(
        """update raw.files set rows_loaded = %s, rows_quarantined = %s, note_en = %s,
               note_vi = %s where file_id = %s""",
        [loaded, quarantined, note_en, note_vi, file_id],
    )
    return FileResult(name, "loaded", loaded, quarantined, file_id=file_id, note=note_en)


def _conversion_notes(converted: dict[str, LegacyReading]) -> list[tuple[str, str]]:
    """(English, Vietnamese) for each legacy font the file's text was read back from."""
    notes = []
    for encoding in sorted({reading.encodings[0] for reading in converted.values()}):
        examples = [
            (sent, reading.text)
            for sent, reading in converted.items()
            if reading.encodings[0] == encoding
        ]
        sent, text = examples[0]
        example = f"'{excerpt(sent, 60)}' → '{excerpt(text or '', 60)}'"
        notes.append(
            (
                f"{len(examples)} distinct values were typed with a {encoding} font (a legacy "
                f"encoding) and were read as Unicode, e.g. {example}; check them and type in "
                "Unicode next time",
                f"{len(examples)} giá trị gõ bằng phông {encoding} (bảng mã cũ) đã được tự động "
                f"chuyển sang Unicode, ví dụ {example}; hãy kiểm tra lại và lần sau gõ bằng "
                "bảng mã Unicode",
            )
        )
    return notes


def land_table(
    conn: psycopg.Connection,
    judgements: Judgements,
    table: Table,
    file_id: int,
    file_name: str,
    header: SubmissionIdentity | Invalid[Problem] | None,
) -> TableLanding:
    """COPY a table's good rows into its raw table: where the two paths meet.

    A large UTF-8 CSV whose rows carry their submissions is judged column by column,
    within a savepoint; if Arrow cannot read it exactly as the row path would, the
    savepoint is rolled back and the row path lands the table from its start. Every
    other table goes row by row. Either way the result is the same rows.
    """
    columns = ", ".join(raw_columns(table.section.name))
    copy_sql = f"copy {RAW_TABLES[table.section.name]} ({columns}) from stdin"
    if table.csv_source is not None and columnar.suits(table, header is not None):
        landing = TableLanding(judgements, table, file_id, file_name, header)
        try:
            with conn.transaction():
                chunks = columnar.csv_chunks(landing, table.csv_source)
                copy_chunks(conn, f"{copy_sql} (format csv)", chunks)
        except columnar.ArrowCannotRead:
            pass  # the row path reads it, and decides
        else:
            table.release_rows()
            return landing
    landing = TableLanding(judgements, table, file_id, file_name, header)
    copy_chunks(conn, copy_sql, rows.copy_text_chunks(landing))
    return landing
