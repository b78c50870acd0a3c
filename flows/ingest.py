"""Prefect flow: inbox → raw, then each file to the archive (or rejected) with its feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from danvan.feedback import record_delivery
from danvan.ingest.inbox import InboxEntry, archive, batches, inbox_entries
from danvan.ingest.landing import FileResult
from danvan.ingest.service import IngestReport, land_entries
from danvan.settings import Settings
from danvan.warehouse.connection import warehouse_target
from danvan.warehouse.db import bootstrap, connect, pipeline_lock
from flows.retries import is_io_error

# Small files are landed in batches so 10,000 files are not 10,000 task runs.
BATCH_SIZE = 250


@task(retries=2, retry_delay_seconds=5, retry_condition_fn=is_io_error, cache_policy=NO_CACHE)
def land_files(url: str, entries: list[InboxEntry], seeds_dir: Path) -> list[FileResult]:
    results = land_entries(url, entries, seeds_dir)
    logger = get_run_logger()
    for result in results:
        logger.info(result.render())
    return results


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


@flow(name="danvan-ingest", log_prints=True)
def ingest_inbox(settings: Settings, inbox: Path, run_id: uuid.UUID | None = None) -> IngestReport:
    """Land every file in the inbox, then move each out of it."""
    url = warehouse_target(settings).url
    bootstrap(url)
    stamp = datetime.now()
    report = IngestReport()
    for batch in batches(inbox_entries(inbox), BATCH_SIZE):
        results = land_files(url, batch, settings.reference_seeds_dir)
        archive_files(url, batch, results, settings, stamp, run_id)
        report.results.extend(results)
    return report


@flow(name="danvan-ingest-files", log_prints=True)
def ingest_files(settings: Settings, paths: list[Path]) -> IngestReport:
    """Land the given files where they are (``danvan ingest PATH…``), never while a
    nightly run works on the warehouse."""
    url = warehouse_target(settings).url
    files = [
        entry
        for path in paths
        for entry in (inbox_entries(path) if path.is_dir() else [InboxEntry(path)])
    ]
    report = IngestReport()
    with pipeline_lock(url):
        bootstrap(url)
        for batch in batches(files, BATCH_SIZE):
            report.results.extend(land_files(url, batch, settings.reference_seeds_dir))
    return report
