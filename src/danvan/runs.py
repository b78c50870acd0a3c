"""The nights the warehouse recorded (``danvan runs``) and where things stand (``danvan status``).

Every nightly run is written to ``audit.pipeline_runs`` as it starts and again as it
ends, failed or not; a row still 'running' belongs to a run in progress or killed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from danvan.console import EXIT_FAILED, night_exit_code
from danvan.pipeline import run_log_file
from danvan.settings import Settings


@dataclass(frozen=True)
class RunRecord:
    run_id: uuid.UUID
    started_at: datetime
    finished_at: datetime | None
    status: str
    publication_id: int | None
    summary: dict[str, Any]

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds(), 1)

    @property
    def submissions_held(self) -> int | None:
        submissions = self.summary.get("submissions") or {}
        return submissions.get("held")

    @property
    def exit_code(self) -> int:
        """The exit code ``danvan nightly`` gave (or would give) for this night."""
        return night_exit_code(
            self.status,
            held=self.submissions_held or 0,
            warnings=self.summary.get("warnings") or 0,
            rejected_files=self.summary.get("files_rejected") or 0,
        )

    def as_dict(self, settings: Settings) -> dict[str, Any]:
        log = run_log_file(settings, self.run_id)
        return {
            "run_id": str(self.run_id),
            "status": self.status,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_seconds": self.duration_seconds,
            "publication_id": self.publication_id,
            "files": self.summary.get("files"),
            "files_rejected": self.summary.get("files_rejected"),
            "rows_loaded": self.summary.get("rows_loaded"),
            "rows_quarantined": self.summary.get("rows_quarantined"),
            "submissions_held": self.submissions_held,
            "warnings": self.summary.get("warnings"),
            "error": self.summary.get("error"),
            "log": str(log) if log.exists() else None,
        }

    def render(self) -> str:
        def count(value: object) -> str:
            return "-" if value is None else str(value)

        duration = "-" if self.duration_seconds is None else f"{self.duration_seconds:.0f} s"
        publication = f"#{self.publication_id}" if self.publication_id else "-"
        line = (
            f"{self.started_at:%Y-%m-%d %H:%M}  {self.status:<9}  {publication:>5}  "
            f"files {count(self.summary.get('files')):>4} "
            f"(rejected {count(self.summary.get('files_rejected'))})  "
            f"rows {count(self.summary.get('rows_loaded')):>6}  "
            f"held {count(self.submissions_held):>3}  {duration:>6}  {self.run_id}"
        )
        error = self.summary.get("error")
        if error and self.status == "failed":
            line += f"\n    {str(error).splitlines()[0][:200]}"
        return line


def recorded_runs(conn: psycopg.Connection, limit: int) -> list[RunRecord]:
    """The newest ``limit`` nights, newest first (none before the warehouse's first run)."""
    if not _exists(conn, "audit.pipeline_runs"):
        return []
    rows = conn.execute(
        """select run_id, started_at, finished_at, status, publication_id,
                  coalesce(summary, '{}'::jsonb)
           from audit.pipeline_runs order by started_at desc limit %s""",
        [limit],
    ).fetchall()
    return [RunRecord(*row) for row in rows]


@dataclass(frozen=True)
class WarehouseStatus:
    warehouse: str
    reachable: bool
    error: str | None = None
    last_run: RunRecord | None = None
    last_publication: dict[str, Any] | None = None
    submissions_held: int | None = None

    @property
    def exit_code(self) -> int:
        """1 when the warehouse cannot be reached, else the last night's exit code."""
        if not self.reachable:
            return EXIT_FAILED
        return self.last_run.exit_code if self.last_run else 0

    def as_dict(self, settings: Settings) -> dict[str, Any]:
        return {
            "warehouse": self.warehouse,
            "reachable": self.reachable,
            "error": self.error,
            "last_run": self.last_run.as_dict(settings) if self.last_run else None,
            "last_publication": self.last_publication,
            "submissions_held": self.submissions_held,
        }

    def render(self) -> str:
        if not self.reachable:
            return f"warehouse       {self.warehouse}: NOT REACHABLE — {self.error}"
        lines = [f"warehouse       {self.warehouse}: reachable"]
        run = self.last_run
        lines.append(
            f"last run        {run.started_at:%Y-%m-%d %H:%M} {run.status} ({run.run_id})"
            if run
            else "last run        none yet (danvan nightly)"
        )
        publication = self.last_publication
        lines.append(
            f"last published  {publication['published_at']:%Y-%m-%d %H:%M} "
            f"(publication {publication['publication_id']}, "
            f"{publication['submissions_published']} submissions)"
            if publication
            else "last published  never"
        )
        lines.append(f"held            {self.submissions_held or 0} submissions")
        return "\n".join(lines)


def read_status(conn: psycopg.Connection, warehouse: str) -> WarehouseStatus:
    runs = recorded_runs(conn, 1)
    publication = None
    if _exists(conn, "audit.publications"):
        cursor = conn.execute(
            """select publication_id, published_at, submissions_published, submissions_held
               from audit.publications order by publication_id desc limit 1"""
        )
        row = cursor.fetchone()
        if row is not None:
            names = [column.name for column in cursor.description or []]
            publication = dict(zip(names, row, strict=True))
    held = None
    if _exists(conn, "audit.submission_states"):
        found = conn.execute(
            "select count(*) from audit.submission_states where state = 'held'"
        ).fetchone()
        held = found[0] if found else 0
    return WarehouseStatus(
        warehouse,
        reachable=True,
        last_run=runs[0] if runs else None,
        last_publication=publication,
        submissions_held=held,
    )


def _exists(conn: psycopg.Connection, table: str) -> bool:
    found = conn.execute("select to_regclass(%s) is not null", [table]).fetchone()
    return bool(found and found[0])
