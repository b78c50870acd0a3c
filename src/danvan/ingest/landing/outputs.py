"""What a section's raw columns are made of, and the judgements both landing paths share.

A section's raw columns come from a few *outputs*, each computed from one or
two format columns: the model reference from code and name, a quantity from
value and unit, a catalogue code from any spelling. Each output is judged
once per distinct input and the judgement cached (``BoundOutput``), because the
same names, units and submission identities repeat on almost every row; a
million rows then cost a few dictionary lookups each. ``Judgements`` keeps these
caches across the files of a batch; the row path (``rows``) and the columnar
path (``columnar``) read them.

One module, at some 520 lines: the table of outputs and the caches that judge them
are read together (a figure's key, its judgement and its COPY text follow one
another).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import Any, cast

from danvan.ingest.format import ACTIVITIES, CONTRIBUTIONS, INDICATORS, MODELS, Column
from danvan.ingest.landing.bounded import remember
from danvan.ingest.landing.cells import (
    RECOGNITION_LEVELS,
    CellError,
    CellJudge,
    Invalid,
    SubmissionIdentity,
    legacy_conversions,
)
from danvan.ingest.landing.copy_text import copy_field, value_text
from danvan.ingest.landing.measures import Sent
from danvan.ingest.readers.contents import Cell, Table
from danvan.text import search_key
from danvan.text_legacy import LegacyReading

LINEAGE = ("file_id", "sheet", "row_number")
IDENTITY = ("reporting_unit_code", "period_code", "submitted_on")
SUBMISSION_COLUMNS = (
    *LINEAGE,
    *IDENTITY,
    "reporting_unit_level",
    "reporting_unit_name_sent",
    "unit_match_method",
    "map_version",
    "province_code",
    "period_kind",
    "period_start",
    "period_end",
    "submitter",
    "notes",
)
CACHE_ENTRIES = 200_000  # per output; a full cache starts over
_UNJUDGED = object()
_ENTRY_INVALID: Invalid[CellError] = Invalid(())


Values = tuple[Any, ...]  # typed values, one per raw column of an output
Judgement = Values | Invalid[CellError]
# (cell judge, the row's submission, typed inputs by name) -> one value per raw column
Build = Callable[[CellJudge, SubmissionIdentity | None, dict[str, Any]], Values]


@dataclass(frozen=True)
class Output:
    """Raw columns computed from some format columns of a row."""

    inputs: tuple[str, ...]
    columns: tuple[str, ...]
    build: Build | None = None  # None: the one input as it is typed, unless a figure
    uses_identity: bool = False
    figure: Figure | None = None


@dataclass(frozen=True)
class Figure:
    """An output measuring a figure of its catalogue entry (the row's indicator,
    contribution type or activity): converted to the entry's unit and bounded; with units,
    also the unit and what was sent. Its inputs are the entry's code (judged and reported
    by another output), the value and maybe the unit."""

    list_name: str
    with_units: bool


def _as_is(name: str, column: str | None = None) -> Output:
    return Output((name,), (column or name,))


def _figure(entry: str, value: str, *, with_units: bool) -> Output:
    """The figure ``value`` of the row's catalogue ``entry``: the figure in the entry's unit
    and its qualifier (``values.numbers``); with units, also that unit, and the figure and
    unit as sent."""
    if not with_units:
        return Output((entry, value), (value, f"{value}_qualifier"), figure=Figure(entry, False))
    return Output(
        (entry, value, "unit"),
        (value, "unit_code", f"{value}_qualifier", f"{value}_sent", "unit_code_sent"),
        figure=Figure(entry, True),
    )


def _model_reference(
    cells: CellJudge, identity: SubmissionIdentity | None, values: dict[str, Any]
) -> Values:
    code, name = values["model_code"], values["model_name"]
    if code is None and name is None:
        raise CellError(
            "model_missing",
            "give the model's code or name",
            "cần ghi mã hoặc tên mô hình",
            column="model_code",
        )
    return code, name, search_key(name) if name else None


def _model_name(
    cells: CellJudge, identity: SubmissionIdentity | None, values: dict[str, Any]
) -> Values:
    return values["model_name"], search_key(values["model_name"])


def _host_commune(
    cells: CellJudge, identity: SubmissionIdentity | None, values: dict[str, Any]
) -> Values:
    assert identity is not None  # the output uses its submission: every key names one
    if values["host_commune"] is not None:
        return (cells.host_commune(values["host_commune"], identity),)
    if identity.reporting_unit_level == "commune":
        return (identity.reporting_unit_code,)
    return (None,)


def _recognition_level(
    cells: CellJudge, identity: SubmissionIdentity | None, values: dict[str, Any]
) -> Values:
    level = values["recognition_level"]
    if level is not None and level not in RECOGNITION_LEVELS:
        raise CellError(
            "invalid_level",
            f"models are recognised at commune, district, province or central level, not '{level}'",
            f"cấp công nhận phải là xã, huyện, tỉnh hoặc trung ương, không phải '{level}'",
        )
    return (level,)


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
        _figure("indicator", "value", with_units=True),
    ),
    CONTRIBUTIONS.name: (
        MODEL_REFERENCE,
        _as_is("contribution_type", "contribution_type_code"),
        _as_is("source", "contribution_source_code"),
        _figure("contribution_type", "amount", with_units=True),
    ),
    ACTIVITIES.name: (
        _as_is("activity", "activity_code"),
        _figure("activity", "value", with_units=False),
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


def _getter(positions: Sequence[int | None]) -> Callable[[Sequence[object]], Hashable]:
    """The cells at ``positions`` (one cell, or a tuple); None stands for an absent column."""
    if None not in positions:
        return itemgetter(*positions)
    if len(positions) == 1:
        return lambda values: None
    return lambda values: tuple(None if p is None else values[p] for p in positions)


class Entries(dict[Cell, str | None]):
    """The catalogue entry each code cell of a figure names (None: none), judged once
    per cell. Text cells are kept; other cells (1, 1.0 and True are equal keys but judged
    apart) are judged each time, from the judgements' own cache."""

    def __init__(self, judge: Callable[[Cell], str | None]) -> None:
        super().__init__()
        self.judge = judge

    def __missing__(self, cell: Cell) -> str | None:
        entry = self.judge(cell)
        if cell.__class__ is str:
            remember(self, cell, entry, CACHE_ENTRIES)
        return entry


def _as_keyed(cells: tuple[Cell, ...]) -> Hashable:
    return cells[0] if len(cells) == 1 else cells


def _with_entry(entries: Entries, cells: tuple[Cell, ...]) -> Hashable:
    """A figure's cells as keyed: its code cell replaced by the entry it names."""
    return (entries[cells[0]], *cells[1:])


def _figure_getter(
    entries: Entries, positions: Sequence[int | None]
) -> Callable[[Sequence[Any]], Hashable]:
    """A row's figure as keyed: the entry its code cell names, its number and its unit."""
    if None in positions:
        cells = _getter(positions)
        return lambda row: _with_entry(entries, cast(tuple[Cell, ...], cells(row)))
    code_at, value_at, *unit_at = cast(Sequence[int], positions)
    if unit_at:
        return lambda row: (entries[row[code_at]], row[value_at], row[unit_at[0]])
    return lambda row: (entries[row[code_at]], row[value_at])


@dataclass(frozen=True)
class BoundOutput:
    """An output bound to a table's columns; each distinct input is judged once.

    The row path keeps the COPY text of a judgement, the columnar path the text of
    each value; both keep an invalid input's ``Invalid``. A figure's input is keyed by
    the entry its code cell names, not by the cell: the many spellings of one
    indicator then share their figures' judgements.
    """

    getter: Callable[[Sequence[object]], Hashable]  # a row's input, as the caches key it
    positions: tuple[int | None, ...]  # of its inputs in the table; None: an absent column
    key_of: Callable[[tuple[Cell, ...]], Hashable]  # the cells at positions, as keyed
    uses_identity: bool  # keyed by the row's submission too (a host commune is on its map)
    width: int  # raw columns
    judge: Callable[[Hashable], Judgement]
    copy_cache: dict[Hashable, str | Invalid[CellError]]  # input -> its COPY text
    invalid: set[Hashable]  # the inputs of copy_cache whose judgement is Invalid
    value_cache: dict[Hashable, tuple[str | None, ...] | Invalid[CellError]]  # value texts
    converted: set[Hashable]  # valid inputs holding text read back from a legacy font

    def copy_texts(self, keys: list[Hashable]) -> list[str | Invalid[CellError] | None]:
        """The COPY text (or Invalid) of each input, judging the inputs not met before."""
        texts = list(map(self.copy_cache.get, keys))
        if None in texts:
            for index in compress(range(len(texts)), map(is_, texts, repeat(None))):
                text = self.copy_cache.get(keys[index])  # met earlier in this chunk
                texts[index] = self._judge_copy(keys[index]) if text is None else text
        return texts

    def errors(self, key: Hashable) -> tuple[CellError, ...]:
        """The errors of an input in ``invalid``."""
        judgement = self.copy_cache[key]
        return judgement.errors if isinstance(judgement, Invalid) else ()

    def _judge_copy(self, key: Hashable) -> str | Invalid[CellError]:
        if self.uses_identity and cast(tuple[object, object], key)[0] is None:
            return ""  # the row is rejected for its submission: nothing to judge
        values = self.judge(key)
        judgement = values if isinstance(values, Invalid) else "\t".join(map(copy_field, values))
        _remember(self.copy_cache, key, judgement, self.invalid)
        if isinstance(judgement, Invalid):
            self.invalid.add(key)
        else:
            self._note_conversion(key)
        return judgement

    def conversions(self, key: Hashable) -> list[tuple[str, LegacyReading]]:
        """The cells of an input typed with a legacy font, and how they were read."""
        if self.uses_identity:
            key = cast(tuple[object, Hashable], key)[1]
        cells = key if isinstance(key, tuple) else (key,)
        return list(legacy_conversions(cells))

    def _note_conversion(self, key: Hashable) -> None:
        if self.conversions(key):
            if len(self.converted) >= CACHE_ENTRIES:
                self.converted.clear()
            self.converted.add(key)

    def value_texts(self, key: Hashable) -> tuple[str | None, ...] | Invalid[CellError]:
        """Each value's text for one input as the row path keys it, or its Invalid."""
        found = self.value_cache.get(key)
        if found is None:
            judged = self.judge(key)
            found = judged if isinstance(judged, Invalid) else tuple(map(value_text, judged))
            _remember(self.value_cache, key, found)
            if not isinstance(found, Invalid):
                self._note_conversion(key)
        return found


def _remember(
    cache: dict[Hashable, Any],
    key: Hashable,
    judgement: object,
    invalid: set[Hashable] | None = None,
) -> None:
    """Keep a judgement; a full cache starts over, with its invalid inputs."""
    if remember(cache, key, judgement, CACHE_ENTRIES) and invalid is not None:
        invalid.clear()


OutputCaches = tuple[
    dict[Hashable, str | Invalid[CellError]],
    set[Hashable],
    dict[Hashable, tuple[str | None, ...] | Invalid[CellError]],
    set[Hashable],
]


class Judgements:
    """Judges the outputs of any table and the submissions rows name; the judgements are
    cached across the files of a batch."""

    def __init__(self, cells: CellJudge) -> None:
        self.cells = cells
        # (section, output) -> its COPY texts, their invalid inputs, its value texts
        self._caches: dict[tuple[str, int], OutputCaches] = {}
        self._part_texts: dict[Hashable, str] = {}  # by unit as matched, by period code
        self._cells: dict[Hashable, Any] = {}  # (column, type, cell) -> typed value or CellError
        # (value column, types, value and unit cells) -> the figure as written, or why not
        self._sent: dict[Hashable, Invalid[CellError] | tuple[Sent | CellError, str | None]] = {}
        self._entries_by_column: dict[int, Entries] = {}  # by the figures' code columns

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
        return "\t".join(
            (
                copy_field(identity.reporting_unit_code),
                copy_field(identity.period_code),
                identity.submitted_on.isoformat(),
                unit_text,
                period_text,
                copy_field(identity.submitter),
                copy_field(identity.notes),
            )
        )

    def cell(self, column: Column, cell: Cell) -> Any:
        """The typed value of a cell, or its CellError: judged once per column and value
        (an indicator's code or a unit recurs on row after row, within outputs and across
        them). Values are told apart by type too: 1, 1.0 and True are judged apart."""
        key = (id(column), cell.__class__, cell)  # the format's columns live as long as we do
        value = self._cells.get(key, _UNJUDGED)
        if value is _UNJUDGED:
            try:
                value = self.cells.cell(column, cell)
            except CellError as error:
                value = error.with_traceback(None)  # kept: its frames need not be
            _remember(self._cells, key, value)
        return value

    def outputs(self, table: Table) -> list[BoundOutput]:
        """The outputs of the table's section, bound to its columns, with their judgements."""
        positions = {name: p for p, name in enumerate(table.columns) if name}
        outputs = []
        for index, output in enumerate(SECTION_OUTPUTS[table.section.name]):
            caches = self._caches.setdefault((table.section.name, index), ({}, set(), {}, set()))
            inputs = tuple(positions.get(name) for name in output.inputs)
            columns = tuple(table.section.column(name) for name in output.inputs)
            getter, key_of = _getter(inputs), _as_keyed
            if output.figure is not None:
                entries = self._entries(columns[0])
                getter, key_of = _figure_getter(entries, inputs), partial(_with_entry, entries)
            outputs.append(
                BoundOutput(
                    getter,
                    inputs,
                    key_of,
                    output.uses_identity,
                    len(output.columns),
                    partial(self.values, output, columns),
                    *caches,
                )
            )
        return outputs

    def values(self, output: Output, columns: tuple[Column, ...], key: Hashable) -> Judgement:
        """The typed values of an output for one input, or the errors found in the input."""
        if output.figure is not None:
            return self._figure(output.figure, columns, cast(tuple[Cell, ...], key))
        if output.build is None:  # one format column, as sent
            value = self.cell(columns[0], cast(Cell, key))
            if value.__class__ is CellError:
                return Invalid((cast(CellError, value).at(columns[0].name),))
            return (value,)
        identity = None
        if output.uses_identity:
            identity, key = cast(tuple[SubmissionIdentity, Hashable], key)
        cells = cast(tuple[Cell, ...], key) if len(columns) > 1 else (cast(Cell, key),)
        values: dict[str, Any] = {}
        errors: list[CellError] = []
        for column, cell in zip(columns, cells, strict=True):
            value = self.cell(column, cell)
            if value.__class__ is CellError:
                errors.append(cast(CellError, value).at(column.name))
            else:
                values[column.name] = value
        if errors:
            return Invalid(tuple(errors))
        try:
            return output.build(self.cells, identity, values)
        except CellError as error:
            return Invalid((error if error.column else error.at(output.inputs[0]),))

    def _figure(
        self, figure: Figure, columns: tuple[Column, ...], key: tuple[Cell, ...]
    ) -> Judgement:
        """A figure of an entry (``key[0]``; None when its code cell names none) judged
        from halves that recur on row after row: its number and unit as written (read
        once per pair, under any entry) and its entry's rule."""
        value_column = columns[1]
        value_cell = key[1]
        sent_key: Hashable
        if figure.with_units:
            unit_cell = key[2]
            sent_key = (id(value_column), value_cell.__class__, unit_cell.__class__)
            sent_key += (value_cell, unit_cell)
        else:
            sent_key = (id(value_column), value_cell.__class__, value_cell)
        sent = self._sent.get(sent_key)
        if sent is None:
            sent = self._sent_figure(value_column, columns[2:], key[1:])
            remember(self._sent, sent_key, sent, CACHE_ENTRIES)
        if sent.__class__ is Invalid:
            return cast(Invalid[CellError], sent)
        if key[0] is None:
            return _ENTRY_INVALID  # the entry's own output reports its error
        rule = self.cells.measures.rule(figure.list_name, cast(str, key[0]))
        read, unit = cast(tuple[Sent | CellError, str | None], sent)
        if read.__class__ is CellError:
            error = cast(CellError, read)
        else:
            try:
                measured = self.cells.figure(rule, cast(Sent, read))
            except CellError as raised:
                error = raised
            else:
                return measured if figure.with_units else (measured.value, measured.qualifier)
        # the cell the sender must correct
        wrong_unit = error.code in ("unit_not_allowed", "unknown_unit") and unit is not None
        return Invalid((error.at("unit" if wrong_unit else value_column.name),))

    def _entries(self, code_column: Column) -> Entries:
        """The entry each cell of a figure's code column names, kept across files."""
        entries = self._entries_by_column.get(id(code_column))
        if entries is None:
            entries = Entries(partial(self._entry, code_column))
            self._entries_by_column[id(code_column)] = entries
        return entries

    def _entry(self, code_column: Column, cell: Cell) -> str | None:
        """The catalogue entry a code cell names; None when it names none."""
        code = self.cell(code_column, cell)
        return None if code.__class__ is CellError else cast(str, code)

    def _sent_figure(
        self, value_column: Column, unit_column: tuple[Column, ...], cells: tuple[Cell, ...]
    ) -> Invalid[CellError] | tuple[Sent | CellError, str | None]:
        """A figure's number and unit as written (or why they cannot be read), and the unit
        cell; Invalid when a cell itself is."""
        judged = [
            self.cell(column, cell)
            for column, cell in zip((value_column, *unit_column), cells, strict=True)
        ]
        errors = tuple(
            cast(CellError, value).at(column.name)
            for column, value in zip((value_column, *unit_column), judged, strict=True)
            if value.__class__ is CellError
        )
        if errors:
            return Invalid(errors)
        value, unit = judged[0], judged[1] if unit_column else None
        try:
            return self.cells.sent_figure(value, unit), unit
        except CellError as error:
            return error.with_traceback(None), unit
