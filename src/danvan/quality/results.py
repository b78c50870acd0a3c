"""Every rule outcome of every night, kept in ``dq`` and read back by ``danvan quality``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from danvan.quality.engine import Outcome
from danvan.quality.suites import Severity


@dataclass
class ValidationReport:
    """The outcomes of one night's rules (gate and build checks)."""

    run_id: uuid.UUID
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def blocking(self) -> list[Outcome]:
        """Failures that stop publication: systemic rules, and a landed row that breaks a
        rule ingestion should have quarantined it for (the landing contract)."""
        return [
            outcome
            for outcome in self.outcomes
            if not outcome.success
            and outcome.severity in (Severity.BLOCK_PUBLICATION, Severity.REJECT_ROW)
        ]

    @property
    def warnings(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.success and o.severity is Severity.WARN]

    @property
    def passed(self) -> int:
        return sum(outcome.success for outcome in self.outcomes)

    @property
    def success(self) -> bool:
        return not self.blocking


def record(
    conn: psycopg.Connection,
    report: ValidationReport,
    *,
    published: bool,
    data_docs_path: Path | None = None,
) -> None:
    """Keep every outcome, and the failing rows with their submission and province, in ``dq``."""
    with conn.transaction():
        conn.execute(
            """insert into dq.validation_runs (run_id, success, published, data_docs_path)
               values (%s, %s, %s, %s)
               on conflict (run_id) do update
               set success = excluded.success, published = excluded.published""",
            [report.run_id, report.success, published, _path_text(data_docs_path)],
        )
        conn.execute("delete from dq.failing_rows where run_id = %s", [report.run_id])
        conn.execute("delete from dq.expectation_results where run_id = %s", [report.run_id])
        with conn.cursor() as cursor:
            cursor.executemany(
                """insert into dq.expectation_results (run_id, suite, expectation, table_name,
                       column_name, severity, success, element_count, unexpected_count,
                       sample_keys, description, error)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [_result_row(report.run_id, outcome) for outcome in report.outcomes],
            )
            cursor.executemany(
                """insert into dq.failing_rows (run_id, suite, expectation, row_index, file_id,
                       reporting_unit_code, period_code, row_keys)
                   values (%s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    _failing_row(report.run_id, outcome, index, row)
                    for outcome in report.outcomes
                    for index, row in enumerate(outcome.failing_rows)
                ],
            )
        _place_failing_rows(conn, report.run_id)


def _path_text(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _result_row(run_id: uuid.UUID, outcome: Outcome) -> tuple[Any, ...]:
    return (
        run_id,
        outcome.suite,
        outcome.rule,
        outcome.table_name,
        outcome.column_name,
        outcome.severity.value,
        outcome.success,
        outcome.element_count,
        outcome.unexpected_count,
        Jsonb(outcome.sample_keys),
        outcome.description,
        outcome.error,
    )


def _failing_row(
    run_id: uuid.UUID, outcome: Outcome, index: int, row: dict[str, Any]
) -> tuple[Any, ...]:
    file_id = row.get("file_id")
    return (
        run_id,
        outcome.suite,
        outcome.rule,
        index,
        int(file_id) if file_id is not None else None,
        _text(row.get("reporting_unit_code")),
        _text(row.get("period_code")),
        Jsonb(row),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _place_failing_rows(conn: psycopg.Connection, run_id: uuid.UUID) -> None:
    """A failing row's province (on today's map) is its submission's, where the row names one."""
    crosswalk = conn.execute("select to_regclass('reference.ref_provinces_crosswalk')").fetchone()
    if crosswalk is None or crosswalk[0] is None:  # dbt never seeded the reference data
        return
    conn.execute(
        """update dq.failing_rows as failing
           set province_code = coalesce(crosswalk.new_province_code, submission.province_code)
           from raw.submissions as submission
           left join reference.ref_provinces_crosswalk as crosswalk
               on submission.map_version = '2025-01'
               and crosswalk.old_province_code = submission.province_code
           where failing.run_id = %s
               and failing.file_id = submission.file_id
               and failing.reporting_unit_code = submission.reporting_unit_code""",
        [run_id],
    )


@dataclass(frozen=True)
class LastValidation:
    run_id: uuid.UUID
    validated_at: Any
    success: bool
    published: bool
    data_docs_path: str | None
    outcomes: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": str(self.run_id),
            "validated_at": self.validated_at.isoformat(),
            "success": self.success,
            "published": self.published,
            "data_docs_path": self.data_docs_path,
            "rules": self.outcomes,
        }

    def render(self) -> str:
        verdict = "passed" if self.success else "FAILED"
        failing = [o for o in self.outcomes if not o["success"]]
        lines = [
            f"validation {self.run_id} at {self.validated_at:%Y-%m-%d %H:%M:%S}: {verdict}; "
            f"published: {'yes' if self.published else 'no'}; "
            f"{len(self.outcomes) - len(failing)} of {len(self.outcomes)} rules passed"
        ]
        for outcome in failing:
            line = f"  {outcome['severity']:<17} {outcome['suite']}: {outcome['rule']}"
            if outcome["error"]:
                line += f" — could not be checked: {outcome['error']}"
            else:
                line += f" — {outcome['unexpected_count']} rows"
            lines.append(line)
        return "\n".join(lines)


def last_validation(conn: psycopg.Connection) -> LastValidation | None:
    run = conn.execute(
        "select run_id, validated_at, success, published, data_docs_path from dq.validation_runs "
        "order by validated_at desc limit 1"
    ).fetchone()
    if run is None:
        return None
    cursor = conn.execute(
        """select suite, expectation, table_name, column_name, severity, success,
                  element_count, unexpected_count, sample_keys, description, error
           from dq.expectation_results where run_id = %s
           order by success, severity, suite, expectation""",
        [run[0]],
    )
    names = [column.name for column in cursor.description or []]
    outcomes = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for outcome in outcomes:
        outcome["rule"] = outcome.pop("expectation")
    run_id, validated_at, success, published, data_docs_path = run
    return LastValidation(run_id, validated_at, success, published, data_docs_path, outcomes)
