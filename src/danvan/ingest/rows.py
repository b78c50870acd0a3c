"""Turn a table's rows into COPY text for ``raw``, and the rest into problems and stray cells.

A section's raw columns come from a few *outputs*, each computed from one or
two format columns: the model reference from code and name, a quantity from
value and unit, a catalogue code from any spelling. Each output is judged
once per distinct input and its COPY text cached, because the same names,
units and submission identities repeat on almost every row; a million rows
then cost a few dictionary lookups each. ``columnar`` applies the same
judgements to a large CSV that Arrow has parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from itertools import compress, islice, repeat
from operator import itemgetter

from danvan.ingest.format import ACTIVITIES, CONTRIBUTIONS, INDICATORS, MODELS, SUBMISSION, Column
from danvan.ingest.readers.contents import SheetRow, StrayCell, Table, excerpt, is_blank
from danvan.ingest.records import (
    RECOGNITION_LEVELS,
    CellError,
    Problem,
    RecordBuilder,
    SubmissionIdentity,
    cell_text,
    problem_at,
    row_json,
)
from danvan.text import search_key

LINEAGE = ("file_id", "sheet", "row_number")
IDENTITY = ("reporting_unit_code", "period_code", "submitted_on")
SUBMISSION_COLUMNS = (
    *LINEAGE, *IDENTITY, "reporting_unit_level", "reporting_unit_name_sent", "unit_match_method",
    "map_version", "province_code", "period_kind", "period_start", "period_end", "submitter", "notes",
)  # fmt: skip
CHUNK_ROWS = 2000  # rows per COPY write
CACHE_ENTRIES = 200_000  # per output; a full cache starts over


@dataclass(frozen=True)
class Output:
    """Raw columns computed from some format columns of a row."""

    inputs: tuple[str, ...]
    columns: tuple[str, ...]
    # (builder, identity, typed inputs by name) -> one value per column; None: the input as is
    build: Callable[[RecordBuilder, SubmissionIdentity, dict], tuple] | None = None
    uses_identity: bool = False


def _as_is(name: str, column: str | None = None) -> Output:
    return Output((name,), (column or name,))


def _model_reference(builder: RecordBuilder, identity: SubmissionIdentity, values: dict) -> tuple:
    code, name = values["model_code"], values["model_name"]
    if code is None and name is None:
        raise CellError(
            "model_missing", "give the model's code or name", "cần ghi mã hoặc tên mô hình",
            column="model_code",
        )  # fmt: skip
    return code, name, search_key(name) if name else None


def _model_name(builder: RecordBuilder, identity: SubmissionIdentity, values: dict) -> tuple:
    return values["model_name"], search_key(values["model_name"])


def _host_commune(builder: RecordBuilder, identity: SubmissionIdentity, values: dict) -> tuple:
    if values["host_commune"] is not None:
        return (builder.host_commune(values["host_commune"], identity),)
    if identity.reporting_unit_level == "commune":
        return (identity.reporting_unit_code,)
    return (None,)


def _recognition_level(builder: RecordBuilder, identity: SubmissionIdentity, values: dict):
    level = values["recognition_level"]
    if level is not None and level not in RECOGNITION_LEVELS:
        raise CellError(
            "invalid_level",
            f"models are recognised at commune, district, province or central level, not '{level}'",
            f"cấp công nhận phải là xã, huyện, tỉnh hoặc trung ương, không phải '{level}'",
        )
    return (level,)


def _quantity(value_column: str, with_unit: bool):
    def build(builder: RecordBuilder, identity: SubmissionIdentity, values: dict) -> tuple:
        value, unit, qualifier = builder.quantity(values[value_column], values.get("unit"))
        return (value, unit, qualifier) if with_unit else (value, qualifier)

    return build


MODEL_REFERENCE = Output(
    ("model_code", "model_name"), ("model_code", "model_name", "model_name_key"), _model_reference
)
SECTION_OUTPUTS: dict[str, tuple[Output, ...]] = {
    MODELS.name: (
        _as_is("model_code"),
        Output(("model_name",), ("model_name", "model_name_key"), _model_name),
        _as_is("field", "field_code"),
        _as_is("topic"),
        _as_is("lead_organizations", "lead_organization_codes"),
        Output(("host_commune",), ("host_commune_code",), _host_commune, uses_identity=True),
        _as_is("village"),
        _as_is("start_date"),
        _as_is("status"),
        _as_is("households"),
        _as_is("members"),
        _as_is("parent_model_code"),
        Output(("recognition_level",), ("recognition_level",), _recognition_level),
        _as_is("recognition_year"),
        _as_is("is_typical"),
    ),
    INDICATORS.name: (
        MODEL_REFERENCE,
        _as_is("indicator", "indicator_code"),
        Output(
            ("value", "unit"), ("value", "unit_code", "value_qualifier"), _quantity("value", True)
        ),
    ),
    CONTRIBUTIONS.name: (
        MODEL_REFERENCE,
        _as_is("contribution_type", "contribution_type_code"),
        _as_is("source", "contribution_source_code"),
        Output(
            ("amount", "unit"),
            ("amount", "unit_code", "amount_qualifier"),
            _quantity("amount", True),
        ),
    ),
    ACTIVITIES.name: (
        _as_is("activity", "activity_code"),
        Output(("value",), ("value", "value_qualifier"), _quantity("value", False)),
    ),
}
RAW_TABLES = {
    MODELS.name: "raw.models",
    INDICATORS.name: "raw.indicator_values",
    CONTRIBUTIONS.name: "raw.contributions",
    ACTIVITIES.name: "raw.unit_activities",
}


def raw_columns(section_name: str) -> tuple[str, ...]:
    outputs = SECTION_OUTPUTS[section_name]
    return (*LINEAGE, *IDENTITY, *(column for output in outputs for column in output.columns))


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


def _getter(positions: list[int | None]) -> Callable[[list], object]:
    """The cells at ``positions`` (one cell, or a tuple); None stands for an absent column."""
    if None not in positions:
        return itemgetter(*positions)
    if len(positions) == 1:
        return lambda values: None
    return lambda values: tuple(None if p is None else values[p] for p in positions)


@dataclass(frozen=True)
class BoundOutput:
    """An output bound to a table's columns; each distinct input is judged once.

    The row path keeps the COPY text of a judgement, the columnar path the text of
    each value; both keep the errors of an invalid input.
    """

    getter: Callable[[list], object]  # a row's input, as the caches key it
    positions: tuple[int | None, ...]  # of its inputs in the table; None: an absent column
    uses_identity: bool  # keyed by the row's submission too (a host commune is on its map)
    width: int  # raw columns
    judge: Callable[[object], tuple | list[CellError]]  # typed values, or the errors
    copy_cache: dict  # input -> COPY text, or the errors in it
    invalid: set  # the inputs of copy_cache whose judgement is errors
    value_cache: dict  # input -> each value's text (None: NULL), or the errors in it

    def copy_texts(self, keys: list) -> list:
        """The COPY text (or errors) of each input, judging the inputs not met before."""
        texts = list(map(self.copy_cache.get, keys))
        if None in texts:
            for index, text in enumerate(texts):
                if text is None:
                    text = self.copy_cache.get(keys[index])  # met earlier in this chunk
                    texts[index] = self._judge_copy(keys[index]) if text is None else text
        return texts

    def _judge_copy(self, key) -> str | list[CellError]:
        if self.uses_identity and key[0] is None:
            return ""  # the row is rejected for its submission: nothing to judge
        values = self.judge(key)
        valid = values.__class__ is not list
        judgement = "\t".join(map(copy_field, values)) if valid else values
        _remember(self.copy_cache, key, judgement, self.invalid)
        if not valid:
            self.invalid.add(key)
        return judgement

    def value_texts(self, key) -> tuple[str | None, ...] | list[CellError]:
        """Each value's text for one input as the row path keys it, or its errors."""
        found = self.value_cache.get(key)
        if found is None:
            found = self.judge(key)
            if found.__class__ is not list:
                found = tuple(map(value_text, found))
            _remember(self.value_cache, key, found)
        return found


def _remember(cache: dict, key, judgement, invalid: set | None = None) -> None:
    """Keep a judgement; a full cache starts over."""
    if len(cache) >= CACHE_ENTRIES:
        cache.clear()
        if invalid is not None:
            invalid.clear()
    cache[key] = judgement


class RowCodec:
    """Judges the rows of any table; judgements are cached across the files of a batch."""

    def __init__(self, builder: RecordBuilder) -> None:
        self.builder = builder
        # (section, output) -> its COPY texts, their invalid inputs, its value texts
        self._caches: dict[tuple[str, int], tuple[dict, set, dict]] = {}
        self._part_texts: dict[tuple | str, str] = {}  # by unit as matched, by period code

    def rows(
        self, table: Table, file_id: int, header: SubmissionIdentity | list[Problem] | None
    ) -> TableRows:
        """``header``: the file's submission, its problems, or None when rows carry their own."""
        return TableRows(self, table, file_id, header)

    def identity_text(self, identity: SubmissionIdentity) -> str:
        """The COPY text of the identity columns every raw row carries."""
        return "\t".join(map(copy_field, identity.key))

    def submission_text(self, identity: SubmissionIdentity) -> str:
        """The COPY text of a submission's columns in ``raw.submissions`` after its lineage.

        The unit's columns (as matched) and the period's repeat across submissions:
        their text is cached.
        """
        unit = identity[3:8]
        unit_text = self._part_texts.get(unit)
        if unit_text is None:
            unit_text = self._part_texts[unit] = "\t".join(map(copy_field, unit))
        period_text = self._part_texts.get(identity.period_code)
        if period_text is None:
            period_text = "\t".join(map(copy_field, identity[8:11]))
            self._part_texts[identity.period_code] = period_text
        return "\t".join((
            copy_field(identity.reporting_unit_code), copy_field(identity.period_code),
            identity.submitted_on.isoformat(), unit_text, period_text,
            copy_field(identity.submitter), copy_field(identity.notes),
        ))  # fmt: skip

    def outputs(self, table: Table) -> list[BoundOutput]:
        """The outputs of the table's section, bound to its columns, with their judgements."""
        positions = {name: p for p, name in enumerate(table.columns) if name}
        outputs = []
        for index, output in enumerate(SECTION_OUTPUTS[table.section.name]):
            caches = self._caches.setdefault((table.section.name, index), ({}, set(), {}))
            inputs = tuple(positions.get(name) for name in output.inputs)
            columns = tuple(table.section.column(name) for name in output.inputs)
            outputs.append(
                BoundOutput(
                    _getter(list(inputs)),
                    inputs,
                    output.uses_identity,
                    len(output.columns),
                    partial(self.values, output, columns),
                    *caches,
                )
            )
        return outputs

    def values(self, output: Output, columns: tuple[Column, ...], key) -> tuple | list[CellError]:
        """The typed values of an output for one input, or the errors found in the input."""
        if output.build is None:  # one format column, as sent
            try:
                return (self.builder.cell(columns[0], key),)
            except CellError as error:
                return [error.at(columns[0].name)]
        identity = None
        if output.uses_identity:
            identity, key = key
        cells = key if len(columns) > 1 else (key,)
        values = {}
        errors = []
        for column, cell in zip(columns, cells, strict=True):
            try:
                values[column.name] = self.builder.cell(column, cell)
            except CellError as error:
                errors.append(error.at(column.name))
        if errors:
            return errors
        try:
            return output.build(self.builder, identity, values)
        except CellError as error:
            return [error if error.column else error.at(output.inputs[0])]


class TableRows:
    """The COPY text of one table's good rows; its problems and stray cells as they are met."""

    def __init__(
        self,
        codec: RowCodec,
        table: Table,
        file_id: int,
        header: SubmissionIdentity | list[Problem] | None,
    ) -> None:
        self.codec = codec
        self.table = table
        self.file_id = file_id
        self.header = header
        self.loaded = 0
        self.problems: list[Problem] = []
        self.stray: list[StrayCell] = []
        # Each submission named by the rows, with where it is first met.
        self.identities: dict[tuple, tuple[SubmissionIdentity, str, int]] = {}
        # Identity cells of CSV rows -> (submission, its COPY text) or the problems.
        self._submissions: dict[tuple, tuple[SubmissionIdentity, str] | list[Problem]] = {}
        positions = [p for p, name in enumerate(table.columns) if name in SUBMISSION.column_names]
        self.identity_positions = positions
        self._identity_names = [table.columns[p] for p in positions]
        self._identity_cells = (
            itemgetter(*positions)
            if len(positions) > 1
            else lambda values: tuple(values[p] for p in positions)
        )

    def chunks(self) -> Iterator[str]:
        """COPY text of the good rows, a few thousand at a time, as the reader delivers them.

        A chunk is judged output by output: the inputs of its rows are looked up with
        ``map`` (the loop runs in C), only inputs not met before are judged, and only
        rows holding an invalid input are looked at one by one.
        """
        outputs = self.codec.outputs(self.table)
        prefix = f"{self.file_id}\t{copy_field(self.table.sheet)}"
        rows = iter(self.table.rows)
        while batch := list(islice(rows, CHUNK_ROWS)):
            lines = self._chunk_lines(batch, outputs, prefix)
            if lines:
                self.loaded += len(lines)
                yield "\n".join(lines) + "\n"

    def _chunk_lines(self, batch: list, outputs: list[BoundOutput], prefix: str) -> list[str]:
        numbers, cells = zip(*batch, strict=True)
        width = len(self.table.columns)
        if self.table.unplaced or not all(map(width.__eq__, map(len, cells))):
            cells = [self._placed(number, row) for number, row in batch]
        rejected: dict[int, list] = {}  # row index in the chunk -> what is wrong with it
        identities, identity_texts = self._chunk_submissions(numbers, cells, rejected)
        by_submission = set(rejected)  # these rows' inputs are not judged (errors unreported)
        texts = []
        for output in outputs:
            keys = list(map(output.getter, cells))
            if output.uses_identity:
                keys = list(zip(identities, keys, strict=True))
            texts.append(output.copy_texts(keys))
            if output.invalid and not output.invalid.isdisjoint(keys):
                for index, key in enumerate(keys):
                    if key in output.invalid and index not in by_submission:
                        rejected.setdefault(index, []).extend(output.copy_cache[key])
        good = zip(repeat(prefix), map(str, numbers), identity_texts, *texts, strict=False)
        if rejected:
            for index in sorted(rejected):
                self.reject(numbers[index], cells[index], rejected[index])
            good = compress(good, [index not in rejected for index in range(len(numbers))])
        return list(map("\t".join, good))

    def _chunk_submissions(
        self, numbers: tuple, cells: list, rejected: dict[int, list]
    ) -> tuple[list, list[str]]:
        """Each row's submission and the COPY text of its identity; rows without a valid
        submission join ``rejected``."""
        size, header = len(numbers), self.header
        if isinstance(header, list):
            for index, number in enumerate(numbers):
                rejected[index] = [_header_invalid(self.table.sheet, number)]
            return [None] * size, [""] * size
        if header is not None:
            return [header] * size, [self.codec.identity_text(header)] * size
        keys = list(map(self._identity_cells, cells))
        found = list(map(self._submissions.get, keys))
        if None in found:
            for index, submission in enumerate(found):
                if submission is None:
                    found[index] = self.submission(numbers[index], keys[index])
        for index, submission in enumerate(found):
            if submission.__class__ is list:
                rejected[index] = submission
                found[index] = (None, "")
        return [submission[0] for submission in found], [submission[1] for submission in found]

    def submission(self, number: int, key: tuple) -> tuple[SubmissionIdentity, str] | list:
        """The submission named by a row's identity cells (CSV rows carry their submission)
        with its COPY text, or the problems; ``number``: the row where they are met."""
        found = self._submissions.get(key)
        if found is not None:
            return found
        cells = dict(zip(self._identity_names, key, strict=True))
        identity = self.codec.builder.identity(
            SheetRow(SUBMISSION.name, self.table.sheet, number, cells)
        )
        if isinstance(identity, list):
            found = identity
        else:
            first = self.identities.setdefault(identity.key, (identity, self.table.sheet, number))
            conflict = _conflict(first, identity, cells)
            found = conflict or (first[0], self.codec.identity_text(identity))
        self._submissions[key] = found
        return found

    def _placed(self, number: int, row: list) -> list:
        """The row with exactly one cell per header position; what is sent past the header
        or in a column that is not loaded is recorded as stray."""
        width = len(self.table.columns)
        for position in range(width, len(row)):
            if not is_blank(row[position]):
                self.stray.append(
                    self.stray_cell(number, position, row[position], "unknown_column")
                )
        values = list(row[:width]) + [None] * (width - len(row))
        for position, code in self.table.unplaced.items():
            if not is_blank(values[position]):
                self.stray.append(self.stray_cell(number, position, values[position], code))
        return values

    def stray_cell(self, number: int, position: int, value: object, code: str) -> StrayCell:
        title = self.table.title(position)
        return StrayCell(self.table.sheet, number, title, excerpt(cell_text(value)), code)

    def reject(self, number: int, values: list, errors: list) -> None:
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
                self.problems.append(replace(error, row_number=number, row_values=row_values))
                continue
            value = values[columns.index(error.column)] if error.column in columns else None
            self.problems.append(
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
    first: tuple[SubmissionIdentity, str, int], identity: SubmissionIdentity, cells: dict
) -> list[Problem] | None:
    """Why rows naming one report (unit, period, date sent) cannot describe it differently."""
    earlier, sheet, number = first
    if earlier == identity:
        return None
    for field_name, column in SUBMISSION_DETAILS.items():
        was, now = getattr(earlier, field_name), getattr(identity, field_name)
        if was != now:
            return [
                Problem(
                    sheet, None, column, excerpt(cell_text(cells.get(column))),
                    "conflicting_submission",
                    f"row {number} gives this report ({identity.reporting_unit_code}, "
                    f"{identity.period_code}, sent {identity.submitted_on:%d/%m/%Y}) as "
                    f"'{excerpt(str(was), 60)}', this row as '{excerpt(str(now), 60)}'; "
                    "the rows of one report must agree",
                    f"dòng {number} ghi báo cáo này ({identity.reporting_unit_code}, "
                    f"{identity.period_code}, gửi ngày {identity.submitted_on:%d/%m/%Y}) là "
                    f"'{excerpt(str(was), 60)}', dòng này là '{excerpt(str(now), 60)}'; "
                    "các dòng của cùng một báo cáo phải thống nhất",
                )
            ]  # fmt: skip
    return None


def _header_invalid(sheet: str, number: int) -> Problem:
    return Problem(
        sheet, number, "", "", "submission_invalid",
        "not loaded because the submission header (unit, period, date) is invalid; see its errors",
        "chưa nạp vì phần thông tin chung (đơn vị, kỳ, ngày gửi) có lỗi; xem các lỗi của phần đó",
    )  # fmt: skip
