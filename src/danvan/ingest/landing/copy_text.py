"""PostgreSQL's COPY: values as COPY text, and chunks of it streamed to the server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from itertools import islice

import psycopg
from psycopg.copy import QueuedLibpqWriter

CHUNK_ROWS = 2000  # rows per COPY write
QUEUED_COPY_BYTES = 64 * 1024

_NUMBERS = (Decimal, int)  # exactly these classes: True is an int, written "t"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def value_text(value: object) -> str | None:
    """One value as PostgreSQL reads it from text (None: NULL)."""
    if value is None or isinstance(value, str):
        return value
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, list):
        items = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value)
        return "{" + ",".join(items) + "}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def copy_field(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value.__class__ in _NUMBERS:
        return str(value)  # digits never need an escape
    text = value_text(value)
    if text is None:
        return "\\N"
    # Translating is slow on non-ASCII text; most values need no escape at all.
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_ESCAPES)
    return text


def copy_lines(
    conn: psycopg.Connection, table: str, columns: tuple[str, ...], lines: Iterator[str]
) -> None:
    """COPY rows given as lines of COPY text."""
    chunks = (
        "\n".join(chunk) + "\n" for chunk in iter(lambda: list(islice(lines, CHUNK_ROWS)), [])
    )
    copy_chunks(conn, f"copy {table} ({', '.join(columns)}) from stdin", chunks)


def copy_chunks(conn: psycopg.Connection, copy_sql: str, chunks: Iterator[str | bytes]) -> None:
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
