"""The columnar path: a large CSV judged column by column; Arrow parses it, each distinct
input is judged once.

The row path (``rows``) spends a few microseconds of Python on every row; for a
bulk export of a million rows that is most of the landing time. Here Arrow parses
the file in C++, each output's distinct inputs are judged by the same
``Judgements``, and the results are spread back over the rows by index, so the
Python work grows with the distinct values, not with the rows. Good rows are
written as CSV for ``COPY … (format csv)``; rows with an invalid value or
submission are quarantined exactly as the row path does it (``TableLanding``).

``suits`` says which tables may take this path. Whatever Arrow cannot read the way
the row path reads it (a ragged line, invalid UTF-8, a record longer than a line
may be) raises ``ArrowCannotRead``, which only ``files.land_table`` catches: it
rolls the table back and lands it through the row path, which decides.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterator
from functools import reduce
from typing import cast

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from danvan.ingest.landing.cells import CellError, Invalid, Problem, SubmissionIdentity
from danvan.ingest.landing.outputs import IDENTITY, BoundOutput
from danvan.ingest.landing.table import TableLanding
from danvan.ingest.readers.contents import CsvSource, Table, is_blank
from danvan.ingest.readers.csv import MAX_CSV_LINE_BYTES

COLUMNAR_MIN_BYTES = 1 << 20  # smaller files land faster through the row path
ROWS_PER_GROUP = 100_000  # rows judged together; Arrow's fixed costs are per group


class ArrowCannotRead(Exception):
    """Arrow cannot read this file exactly as the row path would."""


def suits(table: Table, has_header: bool) -> bool:
    """Whether a table may take this path: a large UTF-8 CSV whose rows carry their
    submissions, with a header Arrow reads as the row path does."""
    source = table.csv_source
    return (
        source is not None
        and not has_header
        and source.path.stat().st_size >= COLUMNAR_MIN_BYTES
        and not any("\n" in title or "\r" in title for title in table.titles)
    )


def csv_chunks(landing: TableLanding, source: CsvSource) -> Iterator[bytes]:
    """The good rows of the table as CSV in raw column order, a group at a time.

    Problems, stray cells, submissions and the count of loaded rows accumulate in
    ``landing`` as on the row path.
    """
    outputs = landing.judgements.outputs(landing.table)
    first_number = 2  # record 1 is the header
    for group in _groups(source, len(landing.table.titles)):
        cells = [column.combine_chunks() for column in group.columns]
        yield _group_csv(landing, outputs, cells, first_number)
        first_number += group.num_rows


def _groups(source: CsvSource, width: int) -> Iterator[pa.Table]:
    names = [f"c{position}" for position in range(width)]
    try:
        reader = pacsv.open_csv(
            source.path,
            read_options=pacsv.ReadOptions(
                column_names=names, skip_rows=1, block_size=MAX_CSV_LINE_BYTES
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=source.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=True,
                ignore_empty_lines=False,  # the row path counts blank lines as records
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        batches, count = [], 0
        for batch in reader:
            batches.append(batch)
            count += batch.num_rows
            if count >= ROWS_PER_GROUP:
                yield pa.Table.from_batches(batches)
                batches, count = [], 0
        if count:
            yield pa.Table.from_batches(batches)
    except pa.ArrowException as error:
        raise ArrowCannotRead(str(error)) from error


def _group_csv(
    landing: TableLanding, outputs: list[BoundOutput], cells: list[pa.Array], first_number: int
) -> bytes:
    size = len(cells[0])
    rejected: dict[int, list[Problem | CellError]] = {}  # row index in the group -> why
    _stray_cells(landing, cells, first_number)
    submission_ids, identities, identity_columns = _submissions(
        landing, cells, first_number, rejected
    )
    columns = [
        pa.array([str(landing.file_id)] * size),
        pa.array([landing.table.sheet] * size),
        pa.array(range(first_number, first_number + size), pa.int64()),
        *identity_columns,
    ]
    errors: dict[int, list[Problem | CellError]] = {}  # row -> its inputs' errors, by output
    for output in outputs:
        columns += _output_columns(landing, output, cells, submission_ids, identities, errors)
    rejected.update((index, found) for index, found in errors.items() if index not in rejected)
    good = pa.table({str(index): column for index, column in enumerate(columns)})
    if rejected:
        for index in sorted(rejected):
            values = [column[index].as_py() for column in cells]
            landing.reject(first_number + index, values, rejected[index])
        good = good.filter(pc.invert(pc.is_in(pa.array(range(size)), pa.array(list(rejected)))))
    landing.loaded += good.num_rows
    sink = pa.BufferOutputStream()
    pacsv.write_csv(good, sink, pacsv.WriteOptions(include_header=False, quoting_style="needed"))
    csv_bytes: bytes = sink.getvalue().to_pybytes()
    return csv_bytes


def _stray_cells(landing: TableLanding, cells: list[pa.Array], first_number: int) -> None:
    """Cells in columns that are not loaded, as the row path records them."""
    unplaced = landing.table.unplaced
    if not unplaced:
        return
    filled = reduce(pc.or_, (pc.greater(pc.binary_length(cells[p]), 0) for p in unplaced))
    for index in pc.indices_nonzero(filled).to_pylist():
        for position, code in unplaced.items():
            value = cells[position][index].as_py()
            if not is_blank(value):
                landing.problems.add_stray(
                    landing.stray_cell(first_number + index, position, value, code)
                )


def _submissions(
    landing: TableLanding,
    cells: list[pa.Array],
    first_number: int,
    rejected: dict[int, list[Problem | CellError]],
) -> tuple[pa.Array, list[SubmissionIdentity | None], list[pa.Array]]:
    """Per row, which distinct submission it names; the submissions; the identity columns."""
    arrays = [cells[p] for p in landing.identity_positions]
    ids, firsts = _distinct(arrays, len(cells[0]))
    keys = zip(*(array.take(firsts).to_pylist() for array in arrays), strict=True)
    identities: list[SubmissionIdentity | None] = []
    texts: list[tuple[str | None, ...]] = []
    problems: dict[int, Invalid[Problem]] = {}
    for index, (first, key) in enumerate(zip(firsts.to_pylist(), keys, strict=True)):
        identity = landing.submission(first_number + first, key)
        if identity.__class__ is Invalid:
            identities.append(None)
            texts.append((None,) * len(IDENTITY))
            problems[index] = cast(Invalid[Problem], identity)
        else:
            identity = cast(SubmissionIdentity, identity)
            identities.append(identity)
            texts.append(
                (
                    identity.reporting_unit_code,
                    identity.period_code,
                    identity.submitted_on.isoformat(),
                )
            )
    for index in _rows_of(ids, problems):
        rejected[index] = list(problems[ids[index].as_py()].errors)
    columns = [pa.array(column, pa.string()).take(ids) for column in zip(*texts, strict=True)]
    return ids, identities, columns


def _output_columns(
    landing: TableLanding,
    output: BoundOutput,
    cells: list[pa.Array],
    submission_ids: pa.Array,
    identities: list[SubmissionIdentity | None],
    errors: dict[int, list[Problem | CellError]],
) -> list[pa.Array]:
    """An output's raw columns for every row; the errors of rows with invalid inputs."""
    size = len(cells[0])
    arrays = [cells[p] for p in output.positions if p is not None]
    if output.uses_identity:
        arrays.insert(0, submission_ids)
    ids, firsts = _distinct(arrays, size)
    # An output whose columns are all absent has one combination: nothing sent.
    present = (
        zip(*(array.take(firsts).to_pylist() for array in arrays), strict=True)
        if arrays
        else iter([()] * len(firsts))
    )
    judgements: list[tuple[str | None, ...]] = []
    invalid: dict[int, tuple[CellError, ...]] = {}
    keys: list[Hashable] = []
    for index, combination in enumerate(present):
        found = iter(combination)
        identity = identities[next(found)] if output.uses_identity else None
        key = output.key_of(tuple(None if p is None else next(found) for p in output.positions))
        if output.uses_identity:
            if identity is None:  # the row is rejected for its submission already
                judgements.append((None,) * output.width)
                continue
            key = (identity, key)
        texts = output.value_texts(key)
        keys.append(key)
        if isinstance(texts, Invalid):
            invalid[index] = texts.errors
            texts = (None,) * output.width
        judgements.append(texts)
    for index in _rows_of(ids, invalid):
        errors.setdefault(index, []).extend(invalid[ids[index].as_py()])
    landing.note_conversions(output, keys)
    return [pa.array(column, pa.string()).take(ids) for column in zip(*judgements, strict=True)]


def _rows_of(ids: pa.Array, combinations: Collection[int]) -> list[int]:
    """The rows holding any of these combinations (usually none)."""
    if not combinations:
        return []
    rows: list[int] = pc.indices_nonzero(
        pc.is_in(ids, pa.array(list(combinations), pa.int64()))
    ).to_pylist()
    return rows


def _distinct(arrays: list[pa.Array], size: int) -> tuple[pa.Array, pa.Array]:
    """Per row, the number of its combination of values (numbered in order of first
    appearance); and the first row of each combination."""
    if not arrays:
        return pa.nulls(size, pa.int64()).fill_null(0), pa.array([0] if size else [], pa.int64())
    ids, combinations = None, 1
    for array in arrays:
        encoded = pc.dictionary_encode(array)
        codes, count = encoded.indices.cast(pa.int64()), max(len(encoded.dictionary), 1)
        if ids is None:
            ids, combinations = codes, count
            continue
        if combinations * count >= 1 << 62:  # renumber the combinations met so far
            renumbered = pc.dictionary_encode(ids)
            ids, combinations = renumbered.indices.cast(pa.int64()), len(renumbered.dictionary)
        ids, combinations = pc.add(pc.multiply(ids, count), codes), combinations * count
    if len(arrays) > 1:
        ids = pc.dictionary_encode(ids).indices.cast(pa.int64())
    highest_so_far = pc.cumulative_max(ids)
    before = pa.concat_arrays([pa.array([-1], pa.int64()), highest_so_far.slice(0, size - 1)])
    return ids, pc.indices_nonzero(pc.greater(ids, before))
