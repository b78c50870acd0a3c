"""Read a submission file (xlsx, csv or json) into tables of cells by format column.

Readers only find the cells: which sheet and row, which column. They do not
judge values (``landing`` does). A file that cannot be read at all,
or whose reading would be unsafe, raises ``FileRejected`` with a reason in
English and Vietnamese. Memory stays bounded: CSV rows stream from disk with
a cap on line length, JSON documents have a size cap, and a workbook's zip
container is checked (sizes, XML entities, how many cells each sheet claims)
before the workbook is parsed.
"""

from __future__ import annotations

from pathlib import Path

from danvan.ingest.readers.contents import FileContents, FileRejected
from danvan.ingest.readers.csv import read_csv
from danvan.ingest.readers.json import read_json
from danvan.ingest.readers.xlsx import read_xlsx

MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_JSON_BYTES = 64 * 1024 * 1024  # one unit's report; parsed whole, so capped lower


def read_submission_file(path: Path) -> FileContents:
    """The cells of a submission file, by its type; ``FileRejected`` if it cannot be read."""
    size = path.stat().st_size
    suffix = path.suffix.lower()
    limit = MAX_JSON_BYTES if suffix == ".json" else MAX_FILE_BYTES
    if size > limit:
        raise FileRejected(
            "file_too_large",
            f"the file is {size:,} bytes; the limit for {suffix} files is {limit:,}",
            f"tệp có {size:,} byte, vượt giới hạn {limit:,} byte của tệp {suffix}",
        )
    if size == 0:
        raise FileRejected("empty_file", "the file is empty", "tệp rỗng")
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".json":
        return read_json(path)
    raise FileRejected(
        "unsupported_type",
        f"'{suffix or path.name}' files are not submissions: send .xlsx, .csv or .json",
        f"không nhận tệp '{suffix or path.name}': hãy gửi tệp .xlsx, .csv hoặc .json",
    )
