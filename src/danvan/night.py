"""The steps of a nightly run, without Prefect: the flow (flows/nightly.py) runs each as a task.

ingest → gate (hold or approve each landed submission) → plan (which units to
rebuild) → build (dbt, into the shadow schema) → check (landing contract,
systemic rules, warnings) → publish (the changed rows, in one transaction).
A changed dbt project, a first build or an operator's request rebuilds
everything from scratch, seeds first.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg

from danvan.gate.admit import GateReport, admit
from danvan.gate.scope import BuildScope, plan_build
from danvan.publication.apply import PublicationResult, publish
from danvan.publication.tables import BUILD_SCHEMA, public_tables
from danvan.quality.engine import RunScope, run_suites
from danvan.quality.results import ValidationReport
from danvan.quality.suites import Severity, load_suites
from danvan.settings import DatabaseTarget, Settings
from danvan.transform import (
    DATA_SELECTION,
    PREPARE_SELECTION,
    DbtCommand,
    deployed_fingerprint,
    project_fingerprint,
    run_dbt,
)
from danvan.warehouse.db import (
    BATCH_SETTINGS,
    LARGE_BATCH,
    analyze_changed,
    connect,
    plan_as_batch,
)

# The schema each layer a rule names is checked in: marts before they are published.
CHECKED_SCHEMAS = {
    "raw": "raw",
    "reference": "reference",
    "staging": "staging",
    "intermediate": "intermediate",
    "marts": BUILD_SCHEMA,
    "published": "marts",
    "pipeline": "audit",
}
BUILD_CHECKS = (Severity.REJECT_ROW, Severity.BLOCK_PUBLICATION, Severity.WARN)
FULL_BUILD = ["build", "--exclude", "resource_type:seed", "staging", "--full-refresh"]
Log = Callable[[str], None]


def rule_scope(settings: Settings, conn: psycopg.Connection, run_id: uuid.UUID) -> RunScope:
    """Where a night's rules read, and the settings they may name."""
    published = conn.execute("select exists (select 1 from audit.publications)").fetchone()
    parameters = {"volume_drop_block_share": repr(float(settings.volume_drop_block_share))}
    return RunScope(
        run_id,
        {**CHECKED_SCHEMAS, **parameters},
        published_before=bool(published and published[0]),
    )


def needs_full_build(settings: Settings, url: str, full_refresh: bool) -> bool:
    """A first build, a changed dbt project or an operator's request rebuilds everything."""
    with connect(url) as conn:
        deployed = deployed_fingerprint(conn)
    return full_refresh or deployed != project_fingerprint(settings.dbt_project_dir)


def prepare_reference(
    settings: Settings, target: DatabaseTarget, run_dir: Path, log: Log = print
) -> None:
    """Seeds and the staging views the gate's rules read, before the gate runs."""
    run_dbt(
        settings,
        target,
        ["build", *PREPARE_SELECTION, "--full-refresh"],
        run_dir / "prepare",
        on_line=log,
    )


def admit_submissions(settings: Settings, url: str, run_id: uuid.UUID) -> GateReport:
    """Hold or approve every landed submission."""
    suites = load_suites(settings.expectations_dir)
    with connect(url) as conn:
        analyze_changed(conn)  # what landed, for the rules' plans
        conn.commit()
        return admit(conn, rule_scope(settings, conn, run_id), suites, settings.approval_levels)


def plan(url: str, run_id: uuid.UUID, full_build: bool) -> BuildScope:
    with connect(url) as conn:
        scope = plan_build(conn, run_id, full_refresh=full_build)
        analyze_changed(conn)  # what the gate decided, for dbt's plans
        return scope


def start_build(
    settings: Settings, target: DatabaseTarget, run_dir: Path, full_build: bool
) -> DbtCommand:
    """The night's dbt build, started before the night lands and admits its files (see
    ``DbtCommand``). An incremental build also parses ahead; a full one parses when it
    runs, after the reference data dbt prepares first."""
    arguments = FULL_BUILD if full_build else ["build", *DATA_SELECTION]
    return DbtCommand(
        settings,
        target,
        arguments,
        run_dir / "build",
        parse_ahead=not full_build,
        session_settings=BATCH_SETTINGS if full_build else (),  # whole tables: a batch
    )


def check(settings: Settings, url: str, run_id: uuid.UUID, gate: GateReport) -> ValidationReport:
    """The landing contract, systemic checks and warnings, on what this night rebuilt."""
    suites = load_suites(settings.expectations_dir)
    with connect(url, autocommit=True) as conn:
        if _units_rebuilt(conn) >= LARGE_BATCH:
            plan_as_batch(conn)
        outcomes = run_suites(
            conn, suites, rule_scope(settings, conn, run_id), severities=BUILD_CHECKS
        )
    return ValidationReport(run_id, [*gate.outcomes, *outcomes])


def _units_rebuilt(conn: psycopg.Connection) -> int:
    row = conn.execute("select count(*) from audit.build_units").fetchone()
    return int(row[0]) if row else 0


def publish_build(
    url: str, run_dir: Path, scope: BuildScope, full_build: bool
) -> PublicationResult:
    tables = public_tables(run_dir / "build" / "manifest.json")
    with connect(url) as conn:
        return publish(
            conn, tables, run_id=scope.run_id, full_refresh=full_build, units_rebuilt=scope.units
        )
