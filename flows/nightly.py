"""Prefect flow: the nightly pipeline — ingest → gate → build → check → publish.

Every landed submission passes the gate: held (a rule that needs context
failed; the sender is told) or approved. dbt rebuilds, in the shadow schema,
the units whose submissions changed since the last publication; systemic
checks run on what was rebuilt; publishing copies the changed rows into the
public marts in one transaction. A held submission never stops the others; a
systemic failure stops the publication and leaves the marts as they were.
Crash safety comes from PostgreSQL, not from Prefect: a run killed at any point
leaves the published marts as they were, and the next run rebuilds what it
touched. The steps themselves are in danvan.night.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, serve, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.schedules import Cron
from prefect.types.entrypoint import EntrypointType

from danvan import night
from danvan.console import progress
from danvan.gate.admit import GateReport
from danvan.gate.scope import BuildScope
from danvan.pipeline import NightlySummary, PublicationBlocked, RunLog
from danvan.publication.apply import PublicationResult
from danvan.quality.results import ValidationReport, record
from danvan.report import Publication, build_report
from danvan.settings import DatabaseTarget, Settings
from danvan.transform import DbtCommand, DbtResult, project_fingerprint, record_deployment
from danvan.warehouse.connection import warehouse_target
from danvan.warehouse.db import bootstrap, connect, pipeline_lock
from flows.ingest import land_inbox, tell_senders
from flows.retries import is_io_error


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def open_warehouse(settings: Settings) -> DatabaseTarget:
    return warehouse_target(settings)


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def prepare_warehouse(target: DatabaseTarget) -> None:
    """The landing and audit tables, under the pipeline lock: their DDL would otherwise
    queue behind another run's landing."""
    bootstrap(target.url)


@task(cache_policy=NO_CACHE)
def needs_full_build(settings: Settings, target: DatabaseTarget, full_refresh: bool) -> bool:
    return night.needs_full_build(settings, target.url, full_refresh)


@task(cache_policy=NO_CACHE)
def prepare_reference(settings: Settings, target: DatabaseTarget, run_dir: Path) -> None:
    night.prepare_reference(settings, target, run_dir, log=get_run_logger().info)


@task(cache_policy=NO_CACHE)
def admit_submissions(settings: Settings, target: DatabaseTarget, run_id: uuid.UUID) -> GateReport:
    report = night.admit_submissions(settings, target.url, run_id)
    logger = get_run_logger()
    for finding in report.findings[:20]:
        logger.info(f"held {finding.key}: {finding.rule}: {finding.reason.en}")
    return report


@task(cache_policy=NO_CACHE)
def plan(target: DatabaseTarget, run_id: uuid.UUID, full_build: bool) -> BuildScope:
    return night.plan(target.url, run_id, full_build)


@task(cache_policy=NO_CACHE)
def start_build(
    settings: Settings, target: DatabaseTarget, run_dir: Path, full_build: bool
) -> DbtCommand:
    return night.start_build(settings, target, run_dir, full_build)


@task(cache_policy=NO_CACHE)
def build_marts(command: DbtCommand) -> DbtResult | None:
    return command.run(on_line=get_run_logger().info)


@task(cache_policy=NO_CACHE)
def check_build(
    settings: Settings, target: DatabaseTarget, run_id: uuid.UUID, gate: GateReport
) -> ValidationReport:
    report = night.check(settings, target.url, run_id, gate)
    logger = get_run_logger()
    for outcome in report.outcomes:
        if not outcome.success:
            logger.warning(outcome.render())
    return report


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def keep_validation(target: DatabaseTarget, report: ValidationReport, published: bool) -> None:
    with connect(target.url) as conn:
        record(conn, report, published=published)


@task(cache_policy=NO_CACHE)
def publish_marts(
    target: DatabaseTarget, run_dir: Path, scope: BuildScope, full_build: bool
) -> PublicationResult:
    return night.publish_build(target.url, run_dir, scope, full_build)


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def record_release(settings: Settings, target: DatabaseTarget, run_id: uuid.UUID) -> None:
    """A full build's dbt project is the one later nights build incrementally on."""
    with connect(target.url) as conn:
        record_deployment(conn, run_id, project_fingerprint(settings.dbt_project_dir))


@task(cache_policy=NO_CACHE)
def write_report(
    settings: Settings, target: DatabaseTarget, publication: PublicationResult
) -> Path:
    """The offline report of this publication, for the boards that read it on paper."""
    index = build_report(
        target.url,
        settings.home_dir / "reports",
        publication=Publication(publication.publication_id, publication.published_at),
        work_mem=settings.build_work_mem,
    )
    get_run_logger().info(f"report: {index}")
    return index


@contextmanager
def beside(future: PrefectFuture[Any]) -> Iterator[None]:
    """Work done while ``future`` runs. Should the work fail, the future is waited for
    before the work's failure is raised; else the caller collects the future's result
    where it must have it."""
    try:
        yield
    except BaseException:
        future.wait()
        raise


@flow(name="danvan-nightly", log_prints=True)
def nightly_pipeline(
    settings: Settings,
    inbox: Path,
    full_refresh: bool = False,
    run_id: uuid.UUID | None = None,
) -> NightlySummary:
    """``run_id`` names the run's directory (and its log), chosen by the caller or here."""
    started = time.monotonic()
    run_id = run_id or uuid.uuid4()
    run_dir = settings.run_dir / str(run_id)
    summary = NightlySummary(run_id=run_id)
    target = open_warehouse(settings)
    with pipeline_lock(target.url):
        prepare_warehouse(target)
        with RunLog(target.url, summary) as run_log:
            full_build = needs_full_build(settings, target, full_refresh)
            summary.full_refresh = full_build
            # dbt starts now: it readies itself while the night lands and admits files.
            with start_build(settings, target, run_dir, full_build) as build:
                summary.ingest = land_inbox(settings, inbox, run_id)
                summary.report_stage("ingest")
                if full_build:
                    prepare_reference(settings, target, run_dir)
                    progress("reference: seeds and staging views rebuilt (a full build)")
                summary.gate = admit_submissions(settings, target, run_id)
                summary.report_stage("submissions")
                summary.scope = plan(target, run_id, full_build)
                # The senders are told while the marts build, are checked and published:
                # their feedback reads only what landing and the gate recorded.
                told = tell_senders.submit(settings, target.url, run_id)
                with beside(told):
                    if summary.scope.is_empty and not full_build:
                        told.result()
                        summary.duration_seconds = time.monotonic() - started
                        run_log.finish("unchanged")
                        return summary
                    summary.dbt = build_marts(build)
                    summary.report_stage("build")
                    summary.validation = check_build(settings, target, run_id, summary.gate)
                    summary.report_stage("checks")
                    if not summary.validation.success:
                        keep_validation(target, summary.validation, published=False)
                        raise PublicationBlocked(
                            "a systemic check failed; nothing was published", summary
                        )
                    summary.publication = publish_marts(target, run_dir, summary.scope, full_build)
                    summary.report_stage("publish")
                    keep_validation(target, summary.validation, published=True)
                    if full_build:
                        record_release(settings, target, run_id)
            summary.duration_seconds = time.monotonic() - started
            run_log.finish("published")
        # The senders' feedback, like the report, does not decide the publication: a
        # failure to tell them is the flow's, not the run's.
        told.result()
    # The publication stands whatever happens to its report: a failure here is the
    # flow's, not the run's.
    summary.report = write_report(settings, target, summary.publication)
    return summary


NIGHTLY_CRON = "0 2 * * *"
NIGHTLY_TIMEZONE = "Asia/Ho_Chi_Minh"
NIGHTLY_DEPLOYMENT = "danvan-nightly"


def serve_nightly(settings: Settings) -> None:
    """Serve the nightly deployment on its schedule (02:00 Hanoi time) until stopped.

    Its parameters carry no secret (Settings serialise without them): each run reads
    them from the serving process's environment or the warehouse's credentials file.
    Each run imports the flow from its installed module, so its annotations resolve;
    one run at a time.
    """
    deployment = nightly_pipeline.to_deployment(
        name=NIGHTLY_DEPLOYMENT,
        schedule=Cron(NIGHTLY_CRON, timezone=NIGHTLY_TIMEZONE),
        parameters={"settings": settings.model_dump(mode="json"), "inbox": str(settings.inbox_dir)},
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    serve(deployment, limit=1)
