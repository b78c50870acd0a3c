"""What one nightly run did, kept in ``audit.pipeline_runs`` and printed at the end."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from psycopg.types.json import Jsonb

from danvan.ingest.service import IngestReport
from danvan.publish import revert_snapshots
from danvan.quality import ValidationReport
from danvan.transform import DbtResult
from danvan.warehouse.db import connect


@dataclass
class NightlySummary:
    run_id: uuid.UUID
    ingest: IngestReport | None = None
    dbt: DbtResult | None = None
    validation: ValidationReport | None = None
    published: bool = False
    duration_seconds: float | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        ingest, dbt, validation = self.ingest, self.dbt, self.validation
        return {
            "run_id": str(self.run_id),
            "files": ingest.files if ingest else None,
            "files_rejected": ingest.count("rejected") if ingest else None,
            "rows_loaded": ingest.rows_loaded if ingest else None,
            "rows_quarantined": ingest.rows_quarantined if ingest else None,
            "models_built": dbt.models_built if dbt else None,
            "dbt_tests_passed": dbt.tests_passed if dbt else None,
            "expectations_passed": validation.passed if validation else None,
            "expectations_total": len(validation.outcomes) if validation else None,
            "expectation_warnings": len(validation.warnings) if validation else None,
            "published": self.published,
            "duration_seconds": round(self.duration_seconds, 1) if self.duration_seconds else None,
            "error": self.error,
        }

    def render(self) -> str:
        facts = self.as_dict()
        lines = [f"nightly run {facts['run_id']}: {'PUBLISHED' if self.published else 'FAILED'}"]
        labels = {
            "files": "files",
            "files_rejected": "files rejected",
            "rows_loaded": "rows loaded",
            "rows_quarantined": "rows quarantined",
            "models_built": "models built",
            "dbt_tests_passed": "dbt tests passed",
            "expectations_passed": "expectations passed",
            "expectation_warnings": "expectation warnings",
            "duration_seconds": "duration (s)",
        }
        for key, label in labels.items():
            value = facts[key]
            if key == "expectations_passed" and value is not None:
                value = f"{value} of {facts['expectations_total']}"
            lines.append(f"  {label:<22} {value if value is not None else '-'}")
        if self.error:
            lines.append(f"  error: {self.error}")
        return "\n".join(lines)


class PipelineFailed(RuntimeError):
    """The run failed; its summary says how far it got."""

    def __init__(self, message: str, summary: NightlySummary | None = None) -> None:
        super().__init__(message)
        self.summary = summary


class RunLog:
    """Records the run as running, then published or failed.

    Runs hold the pipeline lock, so a row still 'running' when a new run starts
    belongs to a run that was killed; it is marked failed. A run that does not
    publish has its snapshot writes undone, so history only records what passed.
    """

    def __init__(self, url: str, run_id: uuid.UUID, summary: NightlySummary) -> None:
        self.url = url
        self.run_id = run_id
        self.summary = summary

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
            self.started_at = conn.execute(
                "insert into audit.pipeline_runs (run_id, started_at, status) "
                "values (%s, clock_timestamp(), 'running') returning started_at",
                [self.run_id],
            ).fetchone()[0]
        return self

    def finish(self) -> None:
        self._write("published")

    def __exit__(self, exc_type, exc, traceback) -> None:
        if exc is not None:
            self.summary.error = str(exc)
            with connect(self.url) as conn:
                revert_snapshots(conn, self.started_at)
            self._write("failed")
            if not isinstance(exc, PipelineFailed) or exc.summary is None:
                raise PipelineFailed(str(exc), self.summary) from exc

    def _write(self, status: str) -> None:
        with connect(self.url) as conn:
            conn.execute(
                "update audit.pipeline_runs set status = %s, finished_at = now(), summary = %s "
                "where run_id = %s",
                [status, Jsonb(self.summary.as_dict()), self.run_id],
            )
