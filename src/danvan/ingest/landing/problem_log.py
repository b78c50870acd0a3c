"""The problems met while a table lands, kept as quarantine COPY text in a spooled file.

A 170 MB export whose every row is wrong has millions of problems; held as objects
they would take gigabytes. They are written, as they are met, as the lines
``audit.quarantine`` is copied from — in memory up to a few megabytes, then on
disk — and copied once the table's own rows are in (one connection cannot run two
COPYs at once). A table landed again (the row path after Arrow gave up) starts a
new log, so the attempt's problems are dropped with it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import IO

from danvan.ingest.landing.cells import Problem
from danvan.ingest.landing.copy_text import copy_field
from danvan.ingest.readers.contents import StrayCell

SPOOLED_BYTES = 4 * 1024 * 1024
QUARANTINE_COLUMNS = (
    "file_id",
    "file_name",
    "sheet",
    "row_number",
    "column_name",
    "value_text",
    "reason_code",
    "reason_en",
    "reason_vi",
    "row_values",
)


class ProblemLog:
    """Quarantine lines of one table (or a file's header); counts the rows quarantined."""

    def __init__(self, file_id: int, file_name: str) -> None:
        self._prefix = f"{file_id}\t{copy_field(file_name)}\t"
        self._spool: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by close)
            max_size=SPOOLED_BYTES, mode="w+", encoding="utf-8"
        )
        self.entries = 0
        self.rows = 0  # a row's problems are logged together
        self._last_row: tuple[str, int | None] | None = None

    def add(self, problem: Problem) -> None:
        row = (problem.sheet, problem.row_number)
        if row != self._last_row:
            self.rows += 1
            self._last_row = row
        self.write(
            problem.sheet,
            problem.row_number,
            problem.column,
            problem.value_text,
            problem.code,
            problem.reason_en,
            problem.reason_vi,
            problem.row_values,
        )

    def add_stray(self, cell: StrayCell) -> None:
        """A cell that was not loaded because nothing in the format reads it."""
        reason_en, reason_vi = STRAY_REASONS[cell.code]
        self.write(
            cell.sheet,
            cell.row_number,
            cell.column,
            cell.value,
            cell.code,
            reason_en,
            reason_vi,
            None,
        )

    def write(self, *fields: object) -> None:
        """One quarantine line after its file (a problem, or a stray cell)."""
        self._spool.write(self._prefix + "\t".join(map(copy_field, fields)) + "\n")
        self.entries += 1

    def lines(self) -> Iterator[str]:
        """The quarantine lines, without their line ends (as ``copy_lines`` takes them)."""
        self._spool.seek(0)
        for line in self._spool:
            yield line[:-1]

    def close(self) -> None:
        self._spool.close()


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
