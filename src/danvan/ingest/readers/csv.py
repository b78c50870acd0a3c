"""Read the CSV form: one section per file, each row carrying its submission's identity.

Rows stream from disk; NUL bytes and overlong lines reject the file as they are met.
A UTF-8 file is also offered to the columnar path (``CsvSource``), which parses it with
Arrow when that reads it exactly as this reader does.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from danvan.ingest.format import CSV_IDENTITY_COLUMNS, ROW_SECTIONS, SUBMISSION, Section
from danvan.ingest.readers.contents import (
    COLUMN_ALIASES,
    MAX_CELL_CHARS,
    CsvSource,
    FileContents,
    FileRejected,
    Table,
    excerpt,
    missing_columns,
    not_utf8,
    place_columns,
)

if TYPE_CHECKING:
    from _csv import _reader as CsvReader

    from _typeshed import WriteableBuffer

MAX_CSV_LINE_BYTES = 4 * 1024 * 1024
CSV_DELIMITERS = (",", ";", "\t")


def read_csv(path: Path) -> FileContents:
    section = _csv_section(path)
    sheet = excerpt(path.name, 255)  # the file name is the rows' sheet in their lineage
    handle = path.open("rb", buffering=0)
    try:
        reader, delimiter, utf16 = _csv_reader(handle)
        header = next(reader, None)
        if header is None:
            raise FileRejected(
                "empty_file", "the CSV has no header row", "tệp CSV không có dòng tiêu đề"
            )
        aliases = {**COLUMN_ALIASES[SUBMISSION.name], **COLUMN_ALIASES[section.name]}
        columns, unplaced = place_columns(
            header, aliases, (*CSV_IDENTITY_COLUMNS, *section.column_names)
        )
        if missing := missing_columns(sheet, section, columns, identity=True):
            raise missing
    except csv.Error as error:
        handle.close()
        raise _csv_error(error, 1) from error
    except UnicodeDecodeError as error:
        handle.close()
        raise not_utf8("in the header") from error
    except BaseException:
        handle.close()
        raise
    table = Table(section, sheet, columns, tuple(header), _CsvRecords(handle, reader), unplaced)
    if not utf16:
        table.csv_source = CsvSource(path, delimiter)
    return FileContents("csv", (SUBMISSION.name, section.name), tables=[table])


def _csv_section(path: Path) -> Section:
    """``<anything>.<section>.csv``: one section per CSV file."""
    stem_parts = path.name.lower().split(".")
    name = stem_parts[-2] if len(stem_parts) >= 3 else ""
    for section in ROW_SECTIONS:
        if name == section.name:
            return section
    names = ", ".join(f"*.{section.name}.csv" for section in ROW_SECTIONS)
    raise FileRejected(
        "unknown_csv_section",
        f"cannot tell which section '{path.name}' holds: name CSV files {names}",
        f"không xác định được nội dung của '{path.name}': đặt tên tệp CSV theo mẫu {names}",
    )


def _csv_reader(handle: io.FileIO) -> tuple[CsvReader, str, bool]:
    """A csv reader over the file as text: UTF-8 (BOM or not) or UTF-16 with a BOM; its
    delimiter; and whether it is UTF-16."""
    head = handle.read(4)
    handle.seek(0)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    encoding = "utf-16" if utf16 else "utf-8-sig"
    buffered = io.BufferedReader(_GuardedBytes(handle, refuse_nul=not utf16), 1 << 20)
    first_line = buffered.peek(1 << 16).split(b"\n", 1)[0].decode(encoding, "replace")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    text = io.TextIOWrapper(buffered, encoding, newline="")
    return csv.reader(text, delimiter=delimiter), delimiter, utf16


class _CsvRecords:
    """(record number, fields) from record 2 on; read errors reject the file."""

    def __init__(self, handle: io.FileIO, reader: CsvReader) -> None:
        self._handle = handle
        self._reader = reader

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with self._handle:
            try:
                yield from enumerate(self._reader, start=2)
            except csv.Error as error:
                raise _csv_error(error, self._reader.line_num) from error
            except UnicodeDecodeError as error:
                raise not_utf8(f"near line {self._reader.line_num}") from error

    def close(self) -> None:
        """Release the file when another reader reads it instead."""
        self._handle.close()


class _GuardedBytes(io.RawIOBase):
    """The file's bytes, refusing NUL bytes (binary data) and overlong lines as they stream."""

    def __init__(self, handle: io.FileIO, *, refuse_nul: bool) -> None:
        self._handle = handle
        self._refuse_nul = refuse_nul
        self._line_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)
        data = self._handle.read(min(len(view), 1 << 20))
        if self._refuse_nul and b"\x00" in data:
            raise FileRejected(
                "binary_content",
                "the file contains NUL bytes: it is binary, or UTF-16 text without a byte-order "
                "mark; save it as 'CSV UTF-8'",
                "tệp chứa byte NUL: là dữ liệu nhị phân hoặc văn bản UTF-16 không có BOM; "
                "hãy lưu dạng 'CSV UTF-8'",
            )
        last_newline = data.rfind(b"\n")
        if last_newline < 0:
            self._line_bytes += len(data)
        else:
            # Lines wholly inside one chunk are shorter than the chunk, itself under the cap.
            self._line_bytes += data.find(b"\n")
            self._check_line()
            self._line_bytes = len(data) - last_newline - 1
        self._check_line()
        view[: len(data)] = data
        return len(data)

    def _check_line(self) -> None:
        if self._line_bytes > MAX_CSV_LINE_BYTES:
            raise FileRejected(
                "line_too_long",
                f"a line is longer than {MAX_CSV_LINE_BYTES:,} bytes; no submission row is that long",
                f"có dòng dài hơn {MAX_CSV_LINE_BYTES:,} byte; không có dòng báo cáo nào dài như vậy",
            )


def _csv_error(error: csv.Error, line: int) -> FileRejected:
    if "field limit" in str(error):
        limit = csv.field_size_limit()
        return FileRejected(
            "cell_too_large",
            f"line {line}: a cell is longer than {limit:,} characters (at most "
            f"{MAX_CELL_CHARS:,} are accepted)",
            f"dòng {line}: có ô dài hơn {limit:,} ký tự (tối đa {MAX_CELL_CHARS:,})",
        )
    return FileRejected(
        "invalid_csv",
        f"unreadable CSV at line {line}: {error}",
        f"tệp CSV lỗi tại dòng {line}: {error}",
    )
