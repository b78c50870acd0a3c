"""Turn a table's rows into COPY text for ``raw``, and the rest into problems and stray cells.

A section's raw columns come from a few *outputs*, each computed from one or
two format columns: the model reference from code and name, a quantity from
value and unit, a catalogue code from any spelling. Each output is judged
once per distinct input and its COPY text cached, because the same names,
units and submission identities repeat on almost every row; a million rows
then cost a few dictionary lookups each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from operator import itemgetter

from danvan.ingest.format import ACTIVITIES, CONTRIBUTIONS, INDICATORS, MODELS, SUBMISSION, Column
from danvan.ingest.readers import SheetRow, StrayCell, Table, excerpt, is_blank
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


def copy_field(value: object) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    if isinstance(value, list):
        items = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in value)
        return copy_field("{" + ",".join(items) + "}")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _getter(positions: list[int | None]) -> Callable[[list], object]:
    """The cells at ``positions`` (one cell, or a tuple); None stands for an absent column."""
    if None not in positions:
        return itemgetter(*positions)
    if len(positions) == 1:
        return lambda values: None
    return lambda values: tuple(None if p is None else values[p] for p in positions)


def _with_identity(current_identity: list, getter: Callable, values: list) -> tuple:
    return (current_identity[0], getter(values))


class RowCodec:
    """Judges the rows of any table; judgements are cached across the files of a batch."""

    def __init__(self, builder: RecordBuilder) -> None:
        self.builder = builder
        self._caches: dict[tuple[str, int], dict] = {}
        self._identity_texts: dict[SubmissionIdentity, str] = {}

    def rows(
        self, table: Table, file_id: int, header: SubmissionIdentity | list[Problem] | None
    ) -> TableRows:
        """``header``: the file's submission, its problems, or None when rows carry their own."""
        return TableRows(self, table, file_id, header)

    def identity_text(self, identity: SubmissionIdentity) -> str:
        text = self._identity_texts.get(identity)
        if text is None:
            text = self._identity_texts[identity] = "\t".join(map(copy_field, identity.key))
        return text

    def outputs(self, table: Table, current_identity: list) -> list[tuple]:
        """(getter, cache, judge) of each output of the table's section.

        Outputs that depend on the submission (a host commune is matched on its
        map) key their cache by ``current_identity[0]`` as well.
        """
        positions = {name: p for p, name in enumerate(table.columns) if name}
        outputs = []
        for index, output in enumerate(SECTION_OUTPUTS[table.section.name]):
            cache = self._caches.setdefault((table.section.name, index), {})
            getter = _getter([positions.get(name) for name in output.inputs])
            if output.uses_identity:
                getter = partial(_with_identity, current_identity, getter)
            columns = tuple(table.section.column(name) for name in output.inputs)
            outputs.append((getter, cache, partial(self.judge, output, columns)))
        return outputs

    def judge(
        self, output: Output, columns: tuple[Column, ...], key
    ) -> str | tuple[CellError, ...]:
        """The COPY text of an output for one distinct input, or what is wrong with the input."""
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
            return tuple(errors)
        try:
            typed = (
                output.build(self.builder, identity, values)
                if output.build
                else (*values.values(),)
            )
        except CellError as error:
            return (error if error.column else error.at(output.inputs[0]),)
        return "\t".join(map(copy_field, typed))


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
        self.identities: dict[SubmissionIdentity, tuple[str, int]] = {}
        # Identity cells of CSV rows -> (submission, its COPY text) or the problems.
        self._submissions: dict[tuple, tuple[SubmissionIdentity, str] | list[Problem]] = {}
        positions = [p for p, name in enumerate(table.columns) if name in SUBMISSION.column_names]
        self._identity_names = [table.columns[p] for p in positions]
        self._identity_cells = (
            itemgetter(*positions)
            if len(positions) > 1
            else lambda values: tuple(values[p] for p in positions)
        )

    def chunks(self) -> Iterator[str]:
        """COPY text of the good rows, a few thousand at a time, as the reader delivers them.

        This loop runs once per row sent: everything in it is a dictionary hit
        or a list operation; judging happens only for inputs not met before.
        """
        table, header = self.table, self.header
        width = len(table.columns)
        unplaced = tuple(table.unplaced.items())
        per_row_identity = header is None
        header_invalid = isinstance(header, list)
        current_identity = [None if header_invalid else header]
        outputs = self.codec.outputs(table, current_identity)
        identity_text = "" if header is None or header_invalid else self.codec.identity_text(header)
        identity_cells, submissions = self._identity_cells, self._submissions
        prefix = f"{self.file_id}\t{copy_field(table.sheet)}"
        lines: list[str] = []
        for number, row in table.rows:
            values = row if len(row) == width else self._fit(number, row, width)
            if unplaced:
                self._stray_cells(number, values, unplaced)
            if per_row_identity:
                key = identity_cells(values)
                found = submissions.get(key)
                if found is None:
                    found = self._new_submission(number, key)
                if found.__class__ is list:
                    self._reject(number, values, found)
                    continue
                current_identity[0], identity_text = found
            elif header_invalid:
                self._reject(number, values, [_header_invalid(table.sheet, number)])
                continue
            parts = [prefix, str(number), identity_text]
            errors = None
            for getter, cache, judge in outputs:
                key = getter(values)
                part = cache.get(key)
                if part is None:
                    part = judge(key)
                    if len(cache) >= CACHE_ENTRIES:
                        cache.clear()
                    cache[key] = part
                if part.__class__ is str:
                    parts.append(part)
                elif errors is None:
                    errors = list(part)
                else:
                    errors.extend(part)
            if errors is None:
                lines.append("\t".join(parts))
                if len(lines) == CHUNK_ROWS:
                    self.loaded += CHUNK_ROWS
                    yield "\n".join(lines) + "\n"
                    lines = []
            else:
                self._reject(number, values, errors)
        if lines:
            self.loaded += len(lines)
            yield "\n".join(lines) + "\n"

    def _new_submission(self, number: int, key: tuple) -> tuple[SubmissionIdentity, str] | list:
        """Judge identity cells not met before in this table: CSV rows carry their submission."""
        cells = dict(zip(self._identity_names, key, strict=True))
        identity = self.codec.builder.identity(
            SheetRow(SUBMISSION.name, self.table.sheet, number, cells)
        )
        if isinstance(identity, list):
            found = identity
        else:
            found = (identity, self.codec.identity_text(identity))
            self.identities.setdefault(identity, (self.table.sheet, number))
        self._submissions[key] = found
        return found

    def _fit(self, number: int, row: list, width: int) -> list:
        """A row with exactly one cell per header position; cells past the header are stray."""
        for position in range(width, len(row)):
            if not is_blank(row[position]):
                self.stray.append(self._stray(number, position, row[position], "unknown_column"))
        return list(row[:width]) + [None] * (width - len(row))

    def _stray_cells(self, number: int, values: list, unplaced: tuple) -> None:
        for position, code in unplaced:
            if not is_blank(values[position]):
                self.stray.append(self._stray(number, position, values[position], code))

    def _stray(self, number: int, position: int, value: object, code: str) -> StrayCell:
        title = self.table.title(position)
        return StrayCell(self.table.sheet, number, title, excerpt(cell_text(value)), code)

    def _reject(self, number: int, values: list, errors: list) -> None:
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


def _header_invalid(sheet: str, number: int) -> Problem:
    return Problem(
        sheet, number, "", "", "submission_invalid",
        "not loaded because the submission header (unit, period, date) is invalid; see its errors",
        "chưa nạp vì phần thông tin chung (đơn vị, kỳ, ngày gửi) có lỗi; xem các lỗi của phần đó",
    )  # fmt: skip
