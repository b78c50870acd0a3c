"""Prefect flow: inbox → raw, then each file to the archive (or rejected) with its feedback.

Batches are landed one after another in this process, or, when the settings name a
Dask cluster (DANVAN_INGEST_CLUSTER), side by side on its workers; either way each file
is landed in its own transaction and a file already landed is skipped by its hash, so
the warehouse ends the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask.task_runners import DaskTaskRunner

from danvan.feedback import record_delivery, write_feedback_files
from danvan.ingest.inbox import InboxEntry, archive, batches, inbox_entries
from danvan.ingest.landing import FileResult
from danvan.ingest.service import IngestReport, land_entries
from danvan.settings import IngestCluster, Settings
from danvan.warehouse.connection import warehouse_target
from danvan.warehouse.db import bootstrap, connect, pipeline_lock
from flows.retries import is_io_error

# Small files are landed in batches so 10,000 files are not 10,000 task runs.
BATCH_SIZE = 250


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def land_files(settings: Settings, entries: list[InboxEntry]) -> list[FileResult]:
    # Resolved where the task runs, which may be a Dask worker in another process.
    url = warehouse_target(settings, start=False).url
    results = land_entries(url, entries, settings.reference_seeds_dir)
    logger = get_run_logger()
    for result in results:
        logger.info(result.render())
    return results


def dask_task_runner(cluster: IngestCluster) -> DaskTaskRunner:
    if cluster.address is not None:
        return DaskTaskRunner(address=cluster.address)
    # One thread per worker: landing is CPU-bound and pauses its process's garbage collector.
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": cluster.workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        },
    )


@contextmanager
def workers_report_here() -> Iterator[None]:
    """Tasks sent to workers carry this flow's Prefect API, even a temporary one: without
    it each worker would start a temporary API of its own."""
    context = FlowRunContext.get()
    assert context is not None, "landing runs in a flow"
    with temporary_settings(updates={PREFECT_API_URL: str(context.client.api_url)}):
        yield


def landed_batches(
    settings: Settings, entries: list[InboxEntry]
) -> Iterator[tuple[list[InboxEntry], list[FileResult]]]:
    """Each batch with its results, in inbox order: landed here one after another, or all
    submitted at once to the settings' Dask cluster."""
    entry_batches = batches(entries, BATCH_SIZE)
    cluster = settings.ingest_cluster_spec
    if cluster is None:
        for batch in entry_batches:
            yield batch, land_files(settings, batch)
        return
    with dask_task_runner(cluster) as runner, workers_report_here():
        futures = [
            runner.submit(land_files, {"settings": settings, "entries": batch})
            for batch in entry_batches
        ]
        for batch, future in zip(entry_batches, futures, strict=True):
            yield batch, future.result()


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def archive_files(
    url: str,
    entries: list[InboxEntry],
    results: list[FileResult],
    settings: Settings,
    stamp: datetime,
    run_id: uuid.UUID | None,
) -> None:
    """Move each entry out of the inbox and record where it went, for its feedback."""
    with connect(url) as conn:
        for entry, result in zip(entries, results, strict=True):
            if entry.path.exists() or entry.path.is_symlink():
                archived = archive(
                    entry.path,
                    result.status == "rejected",
                    settings.archive_dir,
                    settings.rejected_dir,
                    stamp,
                )
                record_delivery(conn, result, entry.path.name, archived, run_id)


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def record_in_place(
    url: str, entries: list[InboxEntry], results: list[FileResult], run_id: uuid.UUID
) -> None:
    """Files landed where they are: their feedback goes beside them."""
    with connect(url) as conn:
        for entry, result in zip(entries, results, strict=True):
            record_delivery(conn, result, entry.path.name, entry.path, run_id)


@task(retries=2, retry_delay_seconds=2, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def tell_senders(settings: Settings, url: str, run_id: uuid.UUID) -> int:
    """Feedback for every file this run touched, from what the warehouse recorded."""
    return write_feedback_files(
        url, run_id, settings.reference_seeds_dir, settings.feedback_workers
    )


def land_inbox(settings: Settings, inbox: Path, run_id: uuid.UUID | None) -> IngestReport:
    """Land every file in the inbox, then move each out of it: tasks of the calling flow
    (the nightly run's own, not a subflow's, whose start and end cost a second)."""
    url = warehouse_target(settings).url
    stamp = datetime.now()
    report = IngestReport()
    for batch, results in landed_batches(settings, inbox_entries(inbox)):
        archive_files(url, batch, results, settings, stamp, run_id)
        report.results.extend(results)
    return report


@flow(name="danvan-ingest", log_prints=True)
def ingest_inbox(settings: Settings, inbox: Path, run_id: uuid.UUID | None = None) -> IngestReport:
    """Land every file in the inbox, then move each out of it."""
    bootstrap(warehouse_target(settings).url)
    return land_inbox(settings, inbox, run_id)


@flow(name="danvan-ingest-files", log_prints=True)
def ingest_files(settings: Settings, paths: list[Path]) -> IngestReport:
    """Land the given files where they are (``danvan ingest PATH…``), never while a
    nightly run works on the warehouse; each file's feedback is written beside it."""
    url = warehouse_target(settings).url
    files = [
        entry
        for path in paths
        for entry in (inbox_entries(path) if path.is_dir() else [InboxEntry(path)])
    ]
    report = IngestReport()
    run_id = uuid.uuid4()
    with pipeline_lock(url):
        bootstrap(url)
        for batch, results in landed_batches(settings, files):
            record_in_place(url, batch, results, run_id)
            report.results.extend(results)
        tell_senders(settings, url, run_id)
    return report
