"""PostgreSQL's COPY: values as COPY text, and chunks of it streamed to the server."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from itertools import islice
from typing import TypeVar, cast

import psycopg

CHUNK_ROWS = 2000  # rows per COPY write
AHEAD_COPY_BYTES = 64 * 1024
T = TypeVar("T")
_DONE = object()

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
    # For a large table a worker thread makes the next chunk while this one is sent (libpq
    # waits for the server without the interpreter lock), so the server parses in
    # parallel, and at most one chunk waits: memory does not grow when the server lags.
    # A small file's rows are not worth a thread.
    if len(first) >= AHEAD_COPY_BYTES:
        chunks = made_ahead(chunks)
    with conn.cursor().copy(copy_sql) as copy:
        copy.write(first)
        for chunk in chunks:
            copy.write(chunk)


def made_ahead(items: Iterator[T]) -> Iterator[T]:
    """The items, each next one made by a worker thread while this one is used; an
    error in making one is raised where it would have been taken."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ahead") as worker:
        pending = worker.submit(next, items, _DONE)
        while (item := pending.result()) is not _DONE:
            pending = worker.submit(next, items, _DONE)
            yield cast(T, item)
