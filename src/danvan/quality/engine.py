"""Run suites as compiled SQL: one pass per table, failing rows fetched only for failures.

Great Expectations evaluates every expectation with its own queries (a count,
then the rows), reflects tables before it starts and costs seconds to import;
a night that checks a few new submissions pays that for every rule. Here each
suite's column rules become filtered counts of one query over the rows in
scope (the submissions this run evaluates, or the units it rebuilds), SQL rules
are counted the same way, and failing rows are fetched, limited, only when a
rule fails. GX's semantics are kept (nulls pass column rules; an
``unexpected_rows_expectation`` fails when its query returns rows) and
``danvan quality --audit`` runs the same files through GX itself (gx_audit.py).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import psycopg

from danvan.quality.suites import (
    COLUMN_TYPES,
    UNEXPECTED_ROWS,
    Rule,
    Scope,
    Severity,
    Suite,
    resolve_layers,
)

SAMPLE_KEYS = 20
ALIASED_BATCH = re.compile(r"\{batch\}\s+as\s+\w+", re.IGNORECASE)
FAILING_ROWS_KEPT = 200


@dataclass(frozen=True)
class Outcome:
    suite: str
    rule: str
    table_name: str
    column_name: str | None
    severity: Severity
    success: bool
    element_count: int | None
    unexpected_count: int | None
    description: str | None = None
    error: str | None = None
    failing_rows: list[dict[str, Any]] = field(default_factory=list, compare=False)

    @property
    def sample_keys(self) -> list[dict[str, Any]]:
        return self.failing_rows[:SAMPLE_KEYS]

    def render(self) -> str:
        if self.success:
            mark = "ok  "
        elif self.severity is Severity.WARN:
            mark = "warn"
        elif self.severity is Severity.HOLD_SUBMISSION:
            mark = "hold"
        else:
            mark = "FAIL"
        line = f"{mark} [{self.severity}] {self.suite}: {self.rule}"
        if self.error:
            line += f" — could not be checked: {self.error}"
        elif not self.success:
            keys = ", ".join(_key_text(row) for row in self.sample_keys[:3])
            line += f" — {self.unexpected_count} rows, e.g. {keys}"
        return line


@dataclass(frozen=True)
class RunScope:
    """What a run checks: its id (for the scoped rows), the schema of each layer and the
    value of each parameter rules may name; whether anything was published before."""

    run_id: uuid.UUID
    schemas: dict[str, str]
    published_before: bool = True


SCOPE_FILTERS = {
    Scope.RUN_SUBMISSIONS: """exists (
        select 1 from audit.run_submissions as run_submission
        where run_submission.run_id = {run_id}
            and run_submission.file_id = scoped.file_id
            and run_submission.reporting_unit_code = scoped.reporting_unit_code
            and run_submission.period_code = scoped.period_code
            and run_submission.submitted_on = scoped.submitted_on)""",
    Scope.BUILD_UNITS: """scoped.reporting_unit_code in (
        select scope_key from audit.build_scopes
        where run_id = {run_id} and scope = 'unit')""",
    Scope.BUILD_PROVINCES: """scoped.province_code_2025_07 in (
        select scope_key from audit.build_scopes
        where run_id = {run_id} and scope = 'province')""",
    Scope.ALL: "true",
}


def scoped_rows(suite: Suite, scope: RunScope) -> str:
    """The rows of the suite's table a run checks, as a query."""
    schema = scope.schemas[suite.layer]
    condition = SCOPE_FILTERS[suite.scope].format(run_id=_literal(str(scope.run_id)))
    return f"select scoped.* from {schema}.{suite.table} as scoped where {condition}"


def batch_query(suite: Suite, scope: RunScope) -> str:
    """The rows of the suite's table a run checks, as a subquery."""
    return f"({scoped_rows(suite, scope)})"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def rule_query(rule: Rule, batch: str, schemas: dict[str, str]) -> str:
    """An unexpected-rows query with its layers and batch filled in (GX's brace escapes too)."""
    query = resolve_layers(rule.query, schemas)
    aliased = ALIASED_BATCH.search(query) is not None
    query = query.replace("{batch}", batch if aliased else f"{batch} as batch")
    return query.replace("{{", "{").replace("}}", "}")


def failure_condition(rule: Rule) -> str:
    """The SQL condition under which a row fails a column rule (nulls pass, as in GX)."""
    kwargs = rule.kwargs
    if rule.type == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = _identifier(kwargs["column_A"]), _identifier(kwargs["column_B"])
        operator = ">=" if kwargs.get("or_equal") else ">"
        return f"({a} is not null and {b} is not null and not ({a} {operator} {b}))"
    column = _identifier(kwargs["column"])
    if rule.type == "expect_column_values_to_not_be_null":
        return f"({column} is null)"
    if rule.type == "expect_column_values_to_be_between":
        bounds = []
        if kwargs.get("min_value") is not None:
            bounds.append(f"{column} >= {_number(kwargs['min_value'])}")
        if kwargs.get("max_value") is not None:
            bounds.append(f"{column} <= {_number(kwargs['max_value'])}")
        return f"({column} is not null and not ({' and '.join(bounds) or 'true'}))"
    if rule.type == "expect_column_values_to_be_in_set":
        values = ", ".join(_literal(str(value)) for value in kwargs["value_set"])
        return f"({column} is not null and {column}::text not in ({values}))"
    if rule.type == "expect_column_values_to_match_regex":
        return f"({column} is not null and {column}::text !~ {_literal(kwargs['regex'])})"
    raise ValueError(f"{rule.type} is not a column rule")


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _number(value: object) -> str:
    return str(Decimal(str(value)))


def run_suites(
    conn: psycopg.Connection,
    suites: Iterable[Suite],
    scope: RunScope,
    *,
    severities: Iterable[Severity] | None = None,
    rows_kept: int = FAILING_ROWS_KEPT,
) -> list[Outcome]:
    """Every rule of the given severities, one suite at a time; a suite that cannot run
    (a missing table, a bad query) fails each of its rules with the error."""
    wanted = set(severities) if severities is not None else set(Severity)
    outcomes: list[Outcome] = []
    for suite in suites:
        rules = [rule for rule in suite.rules if rule.severity in wanted]
        if rules:
            outcomes += list(_run_suite(conn, suite, rules, scope, rows_kept))
    return outcomes


def _run_suite(
    conn: psycopg.Connection, suite: Suite, rules: list[Rule], scope: RunScope, rows_kept: int
) -> Iterator[Outcome]:
    batch = batch_query(suite, scope)
    counted = [rule for rule in rules if rule.type != UNEXPECTED_ROWS]
    try:
        with conn.transaction():
            counts = _count_pass(conn, batch, counted)
    except psycopg.Error as error:
        yield from (_error(suite, rule, error) for rule in rules)
        return
    element_count = counts.pop("__rows__")
    for rule in rules:
        try:
            with conn.transaction():
                yield _outcome(conn, suite, rule, batch, scope, element_count, counts, rows_kept)
        except psycopg.Error as error:
            yield _error(suite, rule, error)


def _count_pass(conn: psycopg.Connection, batch: str, rules: list[Rule]) -> dict[str, int]:
    """Rows in scope and, per column rule, how many fail: one scan of the batch."""
    columns = ['count(*) as "__rows__"']
    for index, rule in enumerate(rules):
        if rule.type in COLUMN_TYPES:
            columns.append(f"count(*) filter (where {failure_condition(rule)}) as r{index}")
    row = conn.execute(f"select {', '.join(columns)} from {batch} as batch").fetchone()
    assert row is not None
    counts = {"__rows__": int(row[0])}
    failing = iter(row[1:])
    for rule in rules:
        if rule.type in COLUMN_TYPES:
            counts[rule.name] = int(next(failing))
        else:  # a table rule: judged on the row count itself
            counts[rule.name] = 0 if _table_rule_holds(rule, counts["__rows__"]) else 1
    return counts


def _table_rule_holds(rule: Rule, rows: int) -> bool:
    if rule.type == "expect_table_row_count_to_equal":
        return rows == int(rule.kwargs["value"])
    low, high = rule.kwargs.get("min_value"), rule.kwargs.get("max_value")
    return (low is None or rows >= int(low)) and (high is None or rows <= int(high))


def _outcome(
    conn: psycopg.Connection,
    suite: Suite,
    rule: Rule,
    batch: str,
    scope: RunScope,
    element_count: int,
    counts: dict[str, int],
    rows_kept: int,
) -> Outcome:
    failing: list[dict[str, Any]] = []
    if rule.type == UNEXPECTED_ROWS and "{published}" in rule.query and not scope.published_before:
        unexpected = 0  # a comparison with the last publication, and there is none yet
    elif rule.type == UNEXPECTED_ROWS:
        query = rule_query(rule, batch, scope.schemas)
        unexpected = _scalar(conn, f"select count(*) from ({query}) as failing")
        if unexpected:
            failing = _rows(conn, f"{query} limit {rows_kept}")
    elif rule.type in COLUMN_TYPES:
        unexpected = counts[rule.name]
        if unexpected:
            keys = ", ".join(_identifier(c) for c in _failing_columns(suite, rule))
            failing = _rows(
                conn,
                f"select {keys} from {batch} as batch where {failure_condition(rule)} "
                f"limit {rows_kept}",
            )
    else:
        unexpected = counts[rule.name]
        if unexpected:
            failing = [{"observed_value": element_count}]
    return _described(
        suite,
        rule,
        success=unexpected == 0,
        element_count=element_count,
        unexpected_count=unexpected,
        failing_rows=failing,
    )


def _failing_columns(suite: Suite, rule: Rule) -> list[str]:
    named = [rule.kwargs.get(key) for key in ("column", "column_A", "column_B")]
    return list(dict.fromkeys([*suite.key_columns, *(str(n) for n in named if n)]))


def _scalar(conn: psycopg.Connection, query: str) -> int:
    row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def _rows(conn: psycopg.Connection, query: str) -> list[dict[str, Any]]:
    cursor = conn.execute(query)
    names = [column.name for column in cursor.description or []]
    return [dict(zip(names, map(json_safe, row), strict=True)) for row in cursor.fetchall()]


def json_safe(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date | dt.datetime | uuid.UUID):
        return str(value)
    return value


def _error(suite: Suite, rule: Rule, error: Exception) -> Outcome:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return _described(
        suite, rule, success=False, element_count=None, unexpected_count=None, error=message
    )


def _described(suite: Suite, rule: Rule, **observed: Any) -> Outcome:
    return Outcome(
        suite=suite.name,
        rule=rule.name,
        table_name=suite.table_name,
        column_name=rule.column,
        severity=rule.severity,
        description=rule.why,
        **observed,
    )


def _key_text(row: dict[str, Any]) -> str:
    return "(" + ", ".join(f"{key}={value}" for key, value in list(row.items())[:4]) + ")"
