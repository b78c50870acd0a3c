"""What one nightly run did, kept in ``audit.pipeline_runs`` and printed at the end."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from danvan.console import night_exit_code, progress
from danvan.gate.admit import GateReport
from danvan.gate.scope import BuildScope
from danvan.ingest.service import IngestReport
from danvan.publication.apply import PublicationResult
from danvan.quality.results import ValidationReport
from danvan.settings import Settings
from danvan.transform import DbtResult
from danvan.warehouse.db import connect

SNAPSHOT_SCHEMA = "snapshots"


@dataclass
class NightlySummary:
    run_id: uuid.UUID
    status: str = "running"  # published | blocked | unchanged | failed
    ingest: IngestReport | None = None
    gate: GateReport | None = None
    scope: BuildScope | None = None
    full_refresh: bool = False
    dbt: DbtResult | None = None
    validation: ValidationReport | None = None
    publication: PublicationResult | None = None
    duration_seconds: float | None = None
    error: str | None = None
    report: Path | None = None

    @property
    def published(self) -> bool:
        return self.status == "published"

    @property
    def held(self) -> int:
        return len(self.gate.held) if self.gate else 0

    def as_dict(self) -> dict[str, Any]:
        ingest, gate, dbt, validation = self.ingest, self.gate, self.dbt, self.validation
        return {
            "run_id": str(self.run_id),
            "status": self.status,
            "published": self.published,
            "publication_id": self.publication.publication_id if self.publication else None,
            "files": ingest.files if ingest else None,
            "files_rejected": ingest.count("rejected") if ingest else None,
            "rows_loaded": ingest.rows_loaded if ingest else None,
            "rows_quarantined": ingest.rows_quarantined if ingest else None,
            "submissions": gate.as_dict() if gate else None,
            "units_rebuilt": self.scope.units if self.scope else None,
            "full_refresh": self.full_refresh,
            "dbt_models_built": dbt.models_built if dbt else None,
            "dbt_tests_passed": dbt.tests_passed if dbt else None,
            "rules_checked": len(validation.outcomes) if validation else None,
            "rules_passed": validation.passed if validation else None,
            "warnings": len(validation.warnings) if validation else None,
            "blocked_by": [o.render() for o in validation.blocking] if validation else [],
            "rows_inserted": self.publication.rows_inserted if self.publication else None,
            "rows_deleted": self.publication.rows_deleted if self.publication else None,
            "report": str(self.report) if self.report else None,
            "duration_seconds": round(self.duration_seconds, 1) if self.duration_seconds else None,
            "error": self.error,
        }

    @property
    def exit_code(self) -> int:
        return night_exit_code(
            self.status,
            held=self.held,
            warnings=len(self.validation.warnings) if self.validation else 0,
            rejected_files=self.ingest.count("rejected") if self.ingest else 0,
        )

    def stage_line(self, stage: str) -> str | None:
        """One line for a stage that ran (ingest, submissions, build, checks, publish)."""
        if stage == "ingest" and self.ingest:
            ingest = self.ingest
            return (
                f"ingest: {ingest.count('loaded')} files landed, {ingest.count('skipped')} "
                f"already received, {ingest.count('rejected')} rejected; rows "
                f"{ingest.rows_loaded} loaded, {ingest.rows_quarantined} quarantined"
            )
        if stage == "submissions" and self.gate:
            gate = self.gate
            line = f"submissions: {gate.evaluated} checked: {gate.approved} approved"
            if gate.awaiting_approval:
                line += f", {gate.awaiting_approval} awaiting approval"
            line += f", {len(gate.held)} held"
            if gate.held_by_province:
                line += (
                    " (province "
                    + ", ".join(
                        f"{province}: {count}" for province, count in gate.held_by_province.items()
                    )
                    + ")"
                )
            if gate.superseded:
                line += f", {gate.superseded} earlier holds superseded"
            return line
        if stage == "build" and self.dbt:
            kind = "full rebuild" if self.full_refresh else "incremental"
            units = f"{self.scope.units} units, " if self.scope else ""
            return (
                f"build: {kind}: {units}{self.dbt.models_built} dbt models, "
                f"{self.dbt.tests_passed} dbt tests passed"
            )
        if stage == "checks" and self.validation:
            validation = self.validation
            return (
                f"checks: {validation.passed} of {len(validation.outcomes)} rules passed, "
                f"{len(validation.warnings)} warnings"
            )
        if stage == "publish" and self.publication:
            publication = self.publication
            return (
                f"publish: publication {publication.publication_id}: "
                f"{publication.submissions_published} submissions; rows "
                f"+{publication.rows_inserted} −{publication.rows_deleted}"
            )
        return None

    def report_stage(self, stage: str) -> None:
        """Tell the terminal how a stage went, as soon as it ends."""
        line = self.stage_line(stage)
        if line:
            progress(line)

    def render(self) -> str:
        """A few lines: the verdict, then one line per stage that ran."""
        stages = [self.stage_line(stage) for stage in STAGES]
        lines = self.render_outcome().splitlines()
        return "\n".join([lines[0], *(f"  {line}" for line in stages if line), *lines[1:]])

    def render_outcome(self) -> str:
        """The verdict and what to do next, for a terminal that already showed the stages."""
        verdict = {
            "published": "PUBLISHED",
            "blocked": "BLOCKED — nothing published, the marts are as they were",
            "unchanged": "NOTHING NEW — the marts are as they were",
            "failed": "FAILED — nothing published, the marts are as they were",
        }.get(self.status, self.status.upper())
        if self.publication:
            verdict += f" (publication {self.publication.publication_id})"
        if self.duration_seconds is not None:
            verdict += f" in {self.duration_seconds:.0f} s"
        lines = [f"nightly run {self.run_id}: {verdict}"]
        if self.validation:
            lines += [
                f"  blocked by: {outcome.render()}" for outcome in self.validation.blocking[:5]
            ]
        if self.error:
            lines += [f"  error: {line[:300]}" for line in self.error.splitlines()[:ERROR_LINES]]
        lines += [f"  next: {step}" for step in self.next_steps()]
        if self.report is not None:
            lines.append(f"  report: {self.report}")
        return "\n".join(lines)

    def next_steps(self) -> list[str]:
        steps = []
        if self.status == "failed":
            steps.append("read the log below, fix the cause, then run `danvan nightly` again")
        if self.status == "blocked":
            steps.append(
                "`danvan quality` lists the failing rules and rows; fix them, then run "
                "`danvan nightly` again"
            )
        if self.held:
            steps.append(f"{self.held} submissions held: `danvan review list --state held`")
        if self.ingest and self.ingest.count("rejected"):
            steps.append(
                f"{self.ingest.count('rejected')} files rejected: `danvan errors` says why"
            )
        if self.validation and self.validation.warnings and self.status != "blocked":
            steps.append(f"{len(self.validation.warnings)} warnings: `danvan quality`")
        return steps


STAGES = ("ingest", "submissions", "build", "checks", "publish")
# An error's first lines (dbt's: the command, then each failing model) on the terminal.
ERROR_LINES = 6


def run_log_file(settings: Settings, run_id: uuid.UUID) -> Path:
    """Everything Prefect and dbt said during a night, beside its dbt artefacts."""
    return settings.run_dir / str(run_id) / "nightly.log"


class PipelineFailed(RuntimeError):
    """The run did not publish; its summary says how far it got."""

    def __init__(self, message: str, summary: NightlySummary | None = None) -> None:
        super().__init__(message)
        self.summary = summary


class PublicationBlocked(PipelineFailed):
    """A systemic check failed: nothing was published."""


class RunLog:
    """Records the run as running, then as it ended.

    Runs hold the pipeline lock, so a row still 'running' when a new run starts
    belongs to a run that was killed; it is marked failed. A run that does not
    publish has its snapshot writes undone, so history only records what passed.
    """

    def __init__(self, url: str, summary: NightlySummary) -> None:
        self.url = url
        self.summary = summary
        self.started_at: datetime | None = None

    def __enter__(self) -> RunLog:
        with connect(self.url) as conn:
            interrupted_since = conn.execute(
                "update audit.pipeline_runs set status = 'failed', finished_at = now(), "
                "summary = coalesce(summary, '{}'::jsonb) || %s where status = 'running' "
                "returning started_at",
                [Jsonb({"error": "interrupted: the process stopped before the run finished"})],
            ).fetchall()
            if interrupted_since:
                revert_snapshots(conn, min(started for (started,) in interrupted_since))
            # The database's clock, the one dbt stamps snapshot versions with.
            row = conn.execute(
                "insert into audit.pipeline_runs (run_id, started_at, status) "
                "values (%s, clock_timestamp(), 'running') returning started_at",
                [self.summary.run_id],
            ).fetchone()
            assert row is not None
            self.started_at = row[0]
        return self

    def finish(self, status: str) -> None:
        self.summary.status = status
        if status != "published" and self.started_at is not None:
            with connect(self.url) as conn:
                revert_snapshots(conn, self.started_at)
        self._write()

    def __exit__(self, exc_type: object, exc: BaseException | None, traceback: object) -> None:
        if exc is None:
            return
        if not isinstance(exc, PublicationBlocked):
            self.summary.error = str(exc)
        self.finish("blocked" if isinstance(exc, PublicationBlocked) else "failed")
        if not isinstance(exc, PipelineFailed) or exc.summary is None:
            raise PipelineFailed(str(exc), self.summary) from exc

    def _write(self) -> None:
        publication = self.summary.publication
        with connect(self.url) as conn:
            conn.execute(
                "update audit.pipeline_runs set status = %s, finished_at = now(), summary = %s, "
                "publication_id = %s where run_id = %s",
                [
                    self.summary.status,
                    Jsonb(self.summary.as_dict()),
                    publication.publication_id if publication else None,
                    self.summary.run_id,
                ],
            )


def revert_snapshots(conn: psycopg.Connection, since: datetime) -> None:
    """Undo what dbt snapshot wrote since a run began that did not publish.

    Versions it opened are deleted and versions it closed are reopened, so model
    history only ever records states that passed validation.
    """
    from psycopg import sql

    tables = conn.execute(
        """select table_name from information_schema.columns
           where table_schema = %s and column_name = 'dbt_valid_from'""",
        [SNAPSHOT_SCHEMA],
    ).fetchall()
    for (table,) in tables:
        relation = sql.Identifier(SNAPSHOT_SCHEMA, table)
        conn.execute(sql.SQL("delete from {} where dbt_valid_from >= %s").format(relation), [since])
        conn.execute(
            sql.SQL("update {} set dbt_valid_to = null where dbt_valid_to >= %s").format(relation),
            [since],
        )
