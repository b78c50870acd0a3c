"""The row path: a table's rows as the reader delivers them, judged a chunk at a time,
their good rows as COPY text.

A chunk is judged output by output: the inputs of its rows are looked up with
``map`` (the loop runs in C), only inputs not met before are judged, and only rows
holding an invalid input are looked at one by one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from itertools import compress, islice, repeat
from typing import Any, cast

from danvan.ingest.landing.cells import CellError, Invalid, Problem, SubmissionIdentity
from danvan.ingest.landing.copy_text import CHUNK_ROWS, copy_field
from danvan.ingest.landing.outputs import BoundOutput
from danvan.ingest.landing.table import TableLanding
from danvan.ingest.readers.contents import is_blank

Cells = Sequence[Any]  # a row's cells, by position


def copy_text_chunks(landing: TableLanding) -> Iterator[str]:
    """COPY text of the table's good rows, a few thousand at a time, as the reader delivers
    them; ``landing`` counts them and records the rest."""
    table = landing.table
    outputs = landing.judgements.outputs(table)
    prefix = f"{landing.file_id}\t{copy_field(table.sheet)}"
    rows = iter(table.rows)
    while batch := list(islice(rows, CHUNK_ROWS)):
        lines = _chunk_lines(landing, batch, outputs, prefix)
        if lines:
            landing.loaded += len(lines)
            yield "\n".join(lines) + "\n"


def _chunk_lines(
    landing: TableLanding,
    batch: list[tuple[int, Cells]],
    outputs: list[BoundOutput],
    prefix: str,
) -> list[str]:
    numbers: Sequence[int]
    cells: Sequence[Cells]
    numbers, cells = zip(*batch, strict=True)
    table = landing.table
    width = len(table.columns)
    if table.unplaced or not all(map(width.__eq__, map(len, cells))):
        cells = [_placed(landing, number, row) for number, row in batch]
    # row index in the chunk -> what is wrong with it
    rejected: dict[int, list[Problem | CellError]] = {}
    identities, identity_texts = _chunk_submissions(landing, numbers, cells, rejected)
    by_submission = set(rejected)  # these rows' inputs are not judged (errors unreported)
    texts = []
    for output in outputs:
        keys: list[Hashable] = list(map(output.getter, cells))
        if output.uses_identity:
            keys = list(zip(identities, keys, strict=True))
        texts.append(output.copy_texts(keys))
        landing.note_conversions(output, keys)
        if output.invalid and not output.invalid.isdisjoint(keys):
            for index in compress(range(len(keys)), map(output.invalid.__contains__, keys)):
                if index not in by_submission:
                    rejected.setdefault(index, []).extend(output.errors(keys[index]))
    good: Iterator[tuple[str, ...]] = zip(  # only COPY texts in the rows kept
        repeat(prefix), map(str, numbers), identity_texts, *texts, strict=False
    )
    if rejected:
        for index in sorted(rejected):
            landing.reject(numbers[index], cells[index], rejected[index])
        good = compress(good, [index not in rejected for index in range(len(numbers))])
    return list(map("\t".join, good))


def _chunk_submissions(
    landing: TableLanding,
    numbers: Sequence[int],
    cells: Sequence[Cells],
    rejected: dict[int, list[Problem | CellError]],
) -> tuple[list[SubmissionIdentity | None], list[str]]:
    """Each row's submission and the COPY text of its identity; rows without a valid
    submission join ``rejected``."""
    size, header = len(numbers), landing.header
    if isinstance(header, Invalid):
        for index, number in enumerate(numbers):
            rejected[index] = [_header_invalid(landing.table.sheet, number)]
        return [None] * size, [""] * size
    if header is not None:
        return [header] * size, [landing.judgements.identity_text(header)] * size
    keys = list(map(landing.identity_cells, cells))
    found: list[SubmissionIdentity | Invalid[Problem] | None]
    found = list(map(landing.submissions.get, keys))
    if None in found:
        for index, submission in enumerate(found):
            if submission is None:
                found[index] = landing.submission(numbers[index], keys[index])
    texts: list[str | None] = list(map(landing.identity_texts.get, keys))
    if None in texts:
        for index, submission in enumerate(found):
            if submission.__class__ is Invalid:
                rejected[index] = list(cast(Invalid[Problem], submission).errors)
                found[index], texts[index] = None, ""
            elif texts[index] is None:
                identity = cast(SubmissionIdentity, submission)
                texts[index] = landing.identity_texts.get(keys[index]) or landing.identity_text(
                    keys[index], identity
                )
    return cast(list[SubmissionIdentity | None], found), cast(list[str], texts)


def _placed(landing: TableLanding, number: int, row: Cells) -> list[Any]:
    """The row with exactly one cell per header position; what is sent past the header
    or in a column that is not loaded is recorded as stray."""
    table = landing.table
    width = len(table.columns)
    for position in range(width, len(row)):
        if not is_blank(row[position]):
            landing.problems.add_stray(
                landing.stray_cell(number, position, row[position], "unknown_column")
            )
    values = list(row[:width]) + [None] * (width - len(row))
    for position, code in table.unplaced.items():
        if not is_blank(values[position]):
            landing.problems.add_stray(landing.stray_cell(number, position, values[position], code))
    return values


def _header_invalid(sheet: str, number: int) -> Problem:
    return Problem(
        sheet,
        number,
        "",
        "",
        "submission_invalid",
        "not loaded because the submission header (unit, period, date) is invalid; see its errors",
        "chưa nạp vì phần thông tin chung (đơn vị, kỳ, ngày gửi) có lỗi; xem các lỗi của phần đó",
    )
