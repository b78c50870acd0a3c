"""One table being landed: what the row path and the columnar path share and find.

Both paths look up the submission a row names here, and record rejected rows and
stray cells here, so a table lands the same whichever path reads it; ``files``
sums what each table found into the file's result.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable, Sequence
from dataclasses import replace
from operator import itemgetter
from typing import Any, cast

from danvan.ingest.format import SUBMISSION
from danvan.ingest.landing.bounded import remember
from danvan.ingest.landing.cells import (
    IDENTITIES_CACHED,
    CellError,
    Invalid,
    Problem,
    SubmissionIdentity,
    cell_text,
    legacy_conversions,
    problem_at,
    row_json,
)
from danvan.ingest.landing.outputs import BoundOutput, Judgements
from danvan.ingest.landing.problem_log import ProblemLog
from danvan.ingest.readers.contents import Cell, SheetRow, StrayCell, Table, excerpt, is_blank
from danvan.text_legacy import LegacyReading

# Identity cells kept before they are searched for legacy-font text (memory stays flat).
IDENTITY_CELLS_PENDING = 100_000


class TableLanding:
    """A table's rows on their way into ``raw``: the submissions they name (CSV rows carry
    their own), how many loaded, the problems and stray cells met, and the text read back
    from a legacy font."""

    def __init__(
        self,
        judgements: Judgements,
        table: Table,
        file_id: int,
        file_name: str,
        header: SubmissionIdentity | Invalid[Problem] | None,
    ) -> None:
        """``header``: the file's submission, its problems, or None when rows carry their own."""
        self.judgements = judgements
        self.table = table
        self.file_id = file_id
        self.header = header
        self.loaded = 0
        self.problems = ProblemLog(file_id, file_name)  # and the stray cells
        # Text typed with a legacy font (TCVN3, VNI) that was read back as Unicode; and the
        # identity cells met since it was last looked for among them (each cell once).
        self._converted: dict[str, LegacyReading] = {}
        self._identity_cells: set[Cell] = set()
        # Each submission named by the rows, with where it is first met.
        self.identities: dict[tuple[object, ...], tuple[SubmissionIdentity, str, int]] = {}
        # Identity cells of CSV rows -> the submission they name, or its problems; and
        # the COPY text of its identity (the row path's). Caches: a full one starts over.
        self.submissions: dict[Hashable, SubmissionIdentity | Invalid[Problem]] = {}
        self.identity_texts: dict[Hashable, str] = {}
        positions = [p for p, name in enumerate(table.columns) if name in SUBMISSION.column_names]
        self.identity_positions = positions
        self._identity_names = [
            name for name in table.columns if name is not None and name in SUBMISSION.column_names
        ]
        self.identity_cells: Callable[[Sequence[object]], Hashable] = (
            itemgetter(*positions)
            if len(positions) > 1
            else lambda values: tuple(values[p] for p in positions)
        )

    def submission(self, number: int, key: Hashable) -> SubmissionIdentity | Invalid[Problem]:
        """The submission named by a row's identity cells ``key``, or its problems;
        ``number``: the row where they are met."""
        found = self.submissions.get(key)
        if found is not None:
            return found
        cells = dict(zip(self._identity_names, cast(tuple[Cell, ...], key), strict=True))
        self._identity_cells.update(cells.values())
        if len(self._identity_cells) >= IDENTITY_CELLS_PENDING:
            self._find_conversions()
        found = self.judgements.cells.identity(
            SheetRow(SUBMISSION.name, self.table.sheet, number, cells)
        )
        if found.__class__ is not Invalid:
            identity = cast(SubmissionIdentity, found)
            first = self.identities.setdefault(identity.key, (identity, self.table.sheet, number))
            found = first[0] if first[0] is identity else _conflict(first, identity, cells)
        remember(self.submissions, key, found, IDENTITIES_CACHED)
        return found

    def identity_text(self, key: Hashable, identity: SubmissionIdentity) -> str:
        """The COPY text of the identity columns of the submission named by ``key``."""
        text = self.judgements.identity_text(identity)
        remember(self.identity_texts, key, text, IDENTITIES_CACHED)
        return text

    @property
    def converted(self) -> dict[str, LegacyReading]:
        """The text typed with a legacy font that was read back as Unicode."""
        self._find_conversions()
        return self._converted

    def _find_conversions(self) -> None:
        self._converted.update(legacy_conversions(self._identity_cells))
        self._identity_cells.clear()

    def note_conversions(self, output: BoundOutput, keys: Collection[Hashable]) -> None:
        """Remember the text read back from a legacy font among an output's inputs ``keys``."""
        if output.converted and not output.converted.isdisjoint(keys):
            for key in output.converted.intersection(keys):
                self._converted.update(output.conversions(key))

    def stray_cell(self, number: int, position: int, value: object, code: str) -> StrayCell:
        title = self.table.title(position)
        return StrayCell(self.table.sheet, number, title, excerpt(cell_text(value)), code)

    def reject(
        self, number: int, values: Sequence[Any], errors: Sequence[Problem | CellError]
    ) -> None:
        """Quarantine a row with what was wrong; a row with nothing in it is no row at all."""
        if all(is_blank(value) for value in values):
            return
        columns = self.table.columns
        sent = {
            name: values[p]
            for p, name in enumerate(columns)
            if name and values[p] not in ("", None)
        }
        row_values = row_json(sent)
        for error in errors:
            if isinstance(error, Problem):
                self.problems.add(replace(error, row_number=number, row_values=row_values))
                continue
            value = values[columns.index(error.column)] if error.column in columns else None
            self.problems.add(
                problem_at(self.table.sheet, number, error.column, value, error, row_values)
            )


# Details of a submission its rows must agree on (the unit may be spelled in any way).
SUBMISSION_DETAILS = {
    "reporting_unit_level": "reporting_unit_level",
    "map_version": "map_version",
    "province_code": "province",
    "submitter": "submitter",
    "notes": "notes",
}


def _conflict(
    first: tuple[SubmissionIdentity, str, int], identity: SubmissionIdentity, cells: dict[str, Any]
) -> SubmissionIdentity | Invalid[Problem]:
    """The report first met, or why rows naming one report (unit, period, date sent) cannot
    describe it differently."""
    earlier, sheet, number = first
    if earlier == identity:
        return earlier
    for field_name, column in SUBMISSION_DETAILS.items():
        was, now = getattr(earlier, field_name), getattr(identity, field_name)
        if was != now:
            return Invalid(
                (
                    Problem(
                        sheet,
                        None,
                        column,
                        excerpt(cell_text(cells.get(column))),
                        "conflicting_submission",
                        f"row {number} gives this report ({identity.reporting_unit_code}, "
                        f"{identity.period_code}, sent {identity.submitted_on:%d/%m/%Y}) as "
                        f"'{excerpt(str(was), 60)}', this row as '{excerpt(str(now), 60)}'; "
                        "the rows of one report must agree",
                        f"dòng {number} ghi báo cáo này ({identity.reporting_unit_code}, "
                        f"{identity.period_code}, gửi ngày {identity.submitted_on:%d/%m/%Y}) là "
                        f"'{excerpt(str(was), 60)}', dòng này là '{excerpt(str(now), 60)}'; "
                        "các dòng của cùng một báo cáo phải thống nhất",
                    ),
                )
            )
    return earlier
