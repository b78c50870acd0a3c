"""Prefect flow: the nightly pipeline — ingest → dbt build → validate → publish.

Crash safety comes from PostgreSQL, not from Prefect: marts are built in a
shadow schema and published by one transaction after validation, so a run
killed at any point leaves the published marts as they were.
"""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from danvan.pipeline import NightlySummary, PipelineFailed, RunLog
from danvan.publish import BUILD_SCHEMA, publish, reset_build_schema
from danvan.quality import ValidationReport, record, validate
from danvan.settings import DatabaseTarget, Settings
from danvan.transform import DbtResult, run_dbt
from danvan.warehouse.connection import warehouse_target
from danvan.warehouse.db import bootstrap, pipeline_lock
from flows.ingest import ingest_inbox
from flows.retries import is_io_error

# Suites name the layer they check; marts are checked before they are published.
VALIDATED_SCHEMAS = {
    "raw": "raw",
    "reference": "reference",
    "staging": "staging",
    "intermediate": "intermediate",
    "marts": BUILD_SCHEMA,
}


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def open_warehouse(settings: Settings) -> DatabaseTarget:
    target = warehouse_target(settings)
    bootstrap(target.url)
    return target


@task(cache_policy=NO_CACHE)
def build_marts(settings: Settings, target: DatabaseTarget, run_dir: Path) -> DbtResult | None:
    reset_build_schema(target.url)
    logger = get_run_logger()
    return run_dbt(settings, target, ["build"], run_dir, on_line=logger.info)


@task(cache_policy=NO_CACHE)
def validate_build(settings: Settings, target: DatabaseTarget, run_dir: Path) -> ValidationReport:
    report = validate(
        target.url, settings.expectations_dir, VALIDATED_SCHEMAS, run_dir / "data-docs"
    )
    logger = get_run_logger()
    for outcome in report.outcomes:
        (logger.info if outcome.success else logger.warning)(outcome.render())
    return report


@task(cache_policy=NO_CACHE)
def publish_marts(target: DatabaseTarget, report: ValidationReport, run_dir: Path) -> None:
    if not report.success:
        record(target.url, report, published=False, data_docs_path=run_dir / "data-docs")
        failures = "\n".join(outcome.render() for outcome in report.critical_failures)
        raise PipelineFailed(f"critical expectations failed; marts NOT published:\n{failures}")
    publish(target.url)
    record(target.url, report, published=True, data_docs_path=run_dir / "data-docs")


@flow(name="danvan-nightly", log_prints=True)
def nightly_pipeline(settings: Settings, inbox: Path) -> NightlySummary:
    started = time.monotonic()
    run_id = uuid.uuid4()
    run_dir = settings.run_dir / str(run_id)
    summary = NightlySummary(run_id=run_id)
    target = open_warehouse(settings)
    with pipeline_lock(target.url), RunLog(target.url, run_id, summary) as run_log:
        summary.ingest = ingest_inbox(settings, inbox, target.url)
        summary.dbt = build_marts(settings, target, run_dir)
        summary.validation = validate_build(settings, target, run_dir)
        publish_marts(target, summary.validation, run_dir)
        summary.published = True
        summary.duration_seconds = time.monotonic() - started
        run_log.finish()
    return summary


NIGHTLY_CRON = "0 2 * * *"
NIGHTLY_TIMEZONE = "Asia/Ho_Chi_Minh"


def serve_nightly(settings: Settings) -> None:
    """Serve the nightly deployment on its schedule (02:00 Hanoi time) until stopped."""
    nightly_pipeline.serve(
        name="danvan-nightly",
        cron=NIGHTLY_CRON,
        timezone=NIGHTLY_TIMEZONE,
        parameters={"settings": settings.model_dump(mode="json"), "inbox": str(settings.inbox_dir)},
    )
