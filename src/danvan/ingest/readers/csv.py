"""Read the CSV form: one section per file, each row carrying its submission's identity.

Rows stream from disk; NUL bytes and overlong lines reject the file as they are met.
A UTF-8 file is also offered to the columnar path (``CsvSource``), which parses it with
Arrow when that reads it exactly as this reader does.

Text is UTF-8 (with or without a BOM) or UTF-16 with a BOM. A file whose first
megabyte is not UTF-8 but is Vietnamese in the Windows code page 1258 (Excel's
"CSV" on a Vietnamese Windows) is read in that code page, its combining tone marks
composed (NFC), and the file notes it; any other text is refused as not UTF-8.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
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
from danvan.text_legacy import reads_as_vietnamese

if TYPE_CHECKING:
    from _csv import _reader as CsvReader

    from _typeshed import WriteableBuffer

MAX_CSV_LINE_BYTES = 4 * 1024 * 1024
CSV_DELIMITERS = (",", ";", "\t")
ENCODING_SAMPLE_BYTES = 1 << 20  # how much of a file decides its encoding
WINDOWS_1258_NOTE = (
    "the file was saved in the Windows-1258 code page, not UTF-8, and was read in it; "
    "save it as 'CSV UTF-8' next time",
    "tệp được lưu bằng bảng mã Windows-1258, không phải UTF-8, và đã được đọc theo bảng mã "
    "đó; lần sau hãy lưu dạng 'CSV UTF-8'",
)


def read_csv(path: Path) -> FileContents:
    section = _csv_section(path)
    sheet = excerpt(path.name, 255)  # the file name is the rows' sheet in their lineage
    handle = path.open("rb", buffering=0)
    try:
        reader, delimiter, encoding = _csv_reader(handle)
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
    records = _CsvRecords(handle, reader, compose=encoding == "cp1258")
    table = Table(section, sheet, columns, tuple(header), records, unplaced)
    contents = FileContents("csv", (SUBMISSION.name, section.name), tables=[table])
    if encoding == "utf-8-sig":
        table.csv_source = CsvSource(path, delimiter)
    elif encoding == "cp1258":
        contents.notes.append(WINDOWS_1258_NOTE)
    return contents


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


def _csv_reader(handle: io.FileIO) -> tuple[CsvReader, str, str]:
    """A csv reader over the file as text: UTF-8 (BOM or not), UTF-16 with a BOM, or
    Vietnamese in Windows-1258; its delimiter; and the encoding."""
    head = handle.read(4)
    handle.seek(0)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    buffered = io.BufferedReader(_GuardedBytes(handle, refuse_nul=not utf16), 1 << 20)
    encoding = "utf-16" if utf16 else _encoding(buffered.peek(ENCODING_SAMPLE_BYTES))
    first_line = buffered.peek(1 << 16).split(b"\n", 1)[0].decode(encoding, "replace")
    delimiter = max(CSV_DELIMITERS, key=first_line.count)
    text = io.TextIOWrapper(buffered, encoding, newline="")
    return csv.reader(text, delimiter=delimiter), delimiter, encoding


def _encoding(sample: bytes) -> str:
    """UTF-8, unless ``sample`` (the file's start) is not UTF-8 but reads as Vietnamese in
    Windows-1258."""
    sample = sample[:ENCODING_SAMPLE_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError as error:
        try:
            text = unicodedata.normalize("NFC", sample.decode("cp1258"))
        except UnicodeDecodeError:
            raise not_utf8(f"at byte {error.start}") from error
        if not reads_as_vietnamese(text):
            raise FileRejected(
                "not_utf8",
                f"the text is not UTF-8 (first bad byte at byte {error.start}), nor Vietnamese "
                "in the Windows-1258 code page; save it as 'CSV UTF-8'",
                f"văn bản không ở mã UTF-8 (byte lỗi đầu tiên tại byte {error.start}), cũng "
                "không phải tiếng Việt theo bảng mã Windows-1258; hãy lưu dạng 'CSV UTF-8'",
            ) from error
        return "cp1258"


class _CsvRecords:
    """(record number, fields) from record 2 on; read errors reject the file."""

    def __init__(self, handle: io.FileIO, reader: CsvReader, *, compose: bool) -> None:
        self._handle = handle
        self._reader = reader
        self._compose = compose  # Windows-1258 text: tone marks follow their letters

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        with self._handle:
            try:
                if self._compose:
                    for number, fields in enumerate(self._reader, start=2):
                        yield number, [unicodedata.normalize("NFC", f) for f in fields]
                    return
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
