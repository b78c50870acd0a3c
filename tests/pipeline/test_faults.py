"""The nightly service survives faults: two runs at once, a BI reader holding the marts,
a run killed while a large file lands.

One warehouse for the module (a copy of the reference warehouse); each night runs as
`danvan nightly` in its own process, as the scheduler and an operator start it.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from danvan.ingest.format.writers import write_csv
from danvan.ingest.landing.columnar import ROWS_PER_GROUP
from danvan.ingest.landing.outputs import RAW_TABLES
from danvan.publication import apply
from danvan.publication.tables import public_tables
from danvan.settings import WAREHOUSE_READER
from danvan.synthetic.generate import generate, write_form
from danvan.synthetic.samples import copy_samples
from danvan.warehouse.db import PIPELINE_LOCK_ID, PipelineBusy
from tests.conftest import with_database
from tests.processes import start_danvan
from tests.quality.checksums import schema_checksums

pytestmark = [pytest.mark.database, pytest.mark.e2e]

# Generous bounds: a night on this machine takes well under them; a stall does not.
NIGHT_TIMEOUT_SECONDS = 900
WAIT_SECONDS = 300
BUSY_MESSAGE = "another danvan run (nightly or ingest) is working on the warehouse"
# An indicators export of about 26 MB, 150,000 rows: two of the columnar landing's groups,
# so its COPY streams the first while the second is judged.
LARGE_EXPORT_COMMUNES = 1000


def finish(process: subprocess.Popen, log: Path) -> tuple[int, str]:
    try:
        code = process.wait(timeout=NIGHT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise AssertionError(f"the run did not finish in time:\n{log.read_text()}") from None
    return code, log.read_text()


def query(url: str, statement: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(statement, params).fetchall()


def publications(url: str) -> int:
    return query(url, "select count(*) from audit.publications")[0][0]


def raw_rows(url: str) -> int:
    return sum(query(url, f"select count(*) from {table}")[0][0] for table in RAW_TABLES.values())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.rglob("*") if path.is_file()}


def test_a_night_finding_the_warehouse_busy_does_nothing_and_says_so(module_warehouse, tmp_path):
    from flows.nightly import nightly_pipeline

    url = module_warehouse.database_url
    # GIVEN the samples in the inbox, and another run holding the pipeline lock
    samples = copy_samples(module_warehouse.inbox_dir)
    before = publications(url), raw_rows(url)
    with psycopg.connect(url, autocommit=True) as other_run:
        other_run.execute("select pg_advisory_lock(%s)", [PIPELINE_LOCK_ID])
        # WHEN a night starts
        with pytest.raises(PipelineBusy) as busy:
            nightly_pipeline(settings=module_warehouse, inbox=module_warehouse.inbox_dir)
    # THEN it says why, in Vietnamese first, and touched nothing
    assert str(busy.value).startswith("một lượt chạy khác đang xử lý kho dữ liệu")
    assert BUSY_MESSAGE in str(busy.value)
    assert (publications(url), raw_rows(url)) == before
    assert all(path.exists() for path in samples)
    for path in samples:
        path.unlink()


def test_two_nights_at_once_land_and_publish_once(module_warehouse, prefect_api_url, tmp_path):
    url = module_warehouse.database_url
    inbox = module_warehouse.inbox_dir
    # GIVEN the bundled samples in the inbox
    samples = copy_samples(inbox)
    digests = sorted(sha256(path) for path in samples)
    publications_before = publications(url)
    # WHEN two `danvan nightly` start at the same moment on the same home
    logs = [tmp_path / f"night-{n}.log" for n in (1, 2)]
    processes = [
        start_danvan(module_warehouse, log, "nightly", prefect_api_url=prefect_api_url)
        for log in logs
    ]
    outcomes = [finish(process, log) for process, log in zip(processes, logs, strict=True)]
    # THEN one publishes; the other waits its turn or stops at once, saying why
    published = [output for code, output in outcomes if code == 0 and ": PUBLISHED" in output]
    assert len(published) == 1, outcomes
    other_code, other_output = next(o for o in outcomes if o[1] != published[0])
    if other_code != 0:
        assert any(BUSY_MESSAGE in line for line in other_output.splitlines())
        assert "Traceback" not in other_output
    # AND every file landed once, its rows once, in one publication
    landed = query(
        url,
        "select content_sha256, status, rows_loaded from raw.files where content_sha256 = any(%s)"
        " order by content_sha256",
        [digests],
    )
    assert [digest for digest, _, _ in landed] == digests
    assert all(status == "loaded" for _, status, _ in landed)
    assert raw_rows(url) == sum(rows for _, _, rows in landed) > 40
    assert publications(url) == publications_before + 1
    assert not any(path.exists() for path in samples)
    assert {path.name for path in samples} <= files_in(module_warehouse.archive_dir)


def test_a_reader_holding_a_snapshot_does_not_stop_the_publication(
    module_warehouse, prefect_api_url, server, request, tmp_path
):
    url = module_warehouse.database_url
    # GIVEN a BI reader (the read-only role) that opened a transaction on the published
    # marts and keeps it open, longer than any timeout of the publication
    reader_url = url
    if server.name == "embedded":
        embedded = request.getfixturevalue("embedded_warehouse")
        reader_url = with_database(embedded.url(WAREHOUSE_READER), conninfo_to_dict(url)["dbname"])
    reader = psycopg.connect(reader_url)
    reader.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ  # one snapshot throughout
    try:
        reader.execute("set idle_in_transaction_session_timeout = 0")
        seen = reader.execute("select count(*) from marts.fct_indicator_values").fetchone()
        assert seen[0] > 0
        # AND new submissions in the inbox
        generated = generate(4, 2, 2, seed=31).submissions
        write_form(generated, module_warehouse.inbox_dir, "json")
        publications_before = publications(url)
        # WHEN the night runs
        log = tmp_path / "night.log"
        code, output = finish(
            start_danvan(module_warehouse, log, "nightly", prefect_api_url=prefect_api_url), log
        )
        # THEN it publishes the new figures while the reader keeps its snapshot
        assert code == 0, output
        assert publications(url) == publications_before + 1
        assert reader.execute("select count(*) from marts.fct_indicator_values").fetchone() == seen
        reader.rollback()
        # AND the reader's next transaction sees the publication
        after = reader.execute("select count(*) from marts.fct_indicator_values").fetchone()
        assert after[0] > seen[0]
    finally:
        reader.close()


def test_a_release_that_must_alter_a_table_a_reader_holds_waits_only_so_long(
    module_warehouse, monkeypatch
):
    url = module_warehouse.database_url
    manifest = max(
        module_warehouse.run_dir.glob("*/build/manifest.json"), key=lambda p: p.stat().st_mtime
    )
    tables = public_tables(manifest)
    table = next(table for table in tables if table.slice is None)
    # GIVEN a new release whose build gives a public table one more column, and a reader
    # holding that table in an open transaction
    monkeypatch.setattr(apply, "LOCK_TIMEOUT", "200ms")
    before = schema_checksums(url, "marts"), publications(url)
    built = sql.Identifier("marts_build", table.name)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("alter table {} add column extra integer").format(built))
    try:
        with psycopg.connect(url) as reader, psycopg.connect(url) as conn:
            reader.execute(sql.SQL("select 1 from {}").format(sql.Identifier("marts", table.name)))
            # WHEN it is published
            with pytest.raises(apply.PublicationLocked) as locked:
                apply.publish(
                    conn, tables, run_id=uuid.uuid4(), full_refresh=False, units_rebuilt=0
                )
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("alter table {} drop column extra").format(built))
    # THEN it waited a bounded time, said why, and published nothing
    assert str(locked.value).startswith("chưa công bố")
    assert f"after {apply.LOCK_ATTEMPTS} waits of 200ms" in str(locked.value)
    assert (schema_checksums(url, "marts"), publications(url)) == before


@pytest.fixture(scope="module")
def large_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A national indicators export as one CSV, about 26 MB."""
    folder = tmp_path_factory.mktemp("large-export")
    generated = generate(LARGE_EXPORT_COMMUNES, 12, 6, seed=1).submissions
    for path in write_csv([item.submission for item in generated], folder, "export"):
        if not path.name.endswith(".indicators.csv"):
            path.unlink()
    (path,) = folder.glob("*.indicators.csv")
    with path.open(encoding="utf-8") as export:
        assert sum(1 for _ in export) > ROWS_PER_GROUP + 1, "the export spans two groups"
    return path


def test_a_night_killed_while_a_large_file_lands_lands_it_once_the_next_night(
    module_warehouse, prefect_api_url, large_export, server, request, tmp_path
):
    from flows.nightly import nightly_pipeline

    url = module_warehouse.database_url
    database = conninfo_to_dict(url)["dbname"]
    inbox = module_warehouse.inbox_dir
    # GIVEN a 26 MB export in the inbox
    sent = inbox / large_export.name
    sent.write_bytes(large_export.read_bytes())
    digest = sha256(sent)
    rows_before = raw_rows(url)
    # WHEN `danvan nightly` is killed (SIGKILL) while the file's rows stream into raw
    log = tmp_path / "killed-night.log"
    process = start_danvan(module_warehouse, log, "nightly", prefect_api_url=prefect_api_url)
    try:
        wait_for(
            lambda: query(
                url,
                """select 1 from pg_stat_activity where datname = %s
                   and state = 'active' and query ilike 'copy raw.%%'""",
                [database],
            ),
            process,
            log,
        )
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # THEN the warehouse lets go of the dead run (its landing and its lock) and keeps running
    wait_for(
        lambda: (
            not query(
                url,
                "select 1 from pg_stat_activity where datname = %s and application_name = 'danvan'",
                [database],
            )
        )
    )
    if server.name == "embedded":
        assert request.getfixturevalue("embedded_warehouse").status().running
    # AND the file landed whole or not at all, and is still in the inbox
    landed = query(
        url, "select file_id, rows_loaded from raw.files where content_sha256 = %s", [digest]
    )
    if landed:
        assert raw_rows(url) == rows_before + landed[0][1]
    else:
        assert raw_rows(url) == rows_before
    assert sent.exists()

    # WHEN the next night runs
    summary = nightly_pipeline(settings=module_warehouse, inbox=inbox)
    # THEN the file is landed exactly once, whole, archived, and the night published
    ((file_id, status, rows_loaded),) = query(
        url,
        "select file_id, status, rows_loaded from raw.files where content_sha256 = %s",
        [digest],
    )
    assert status == "loaded" and rows_loaded > ROWS_PER_GROUP
    assert query(
        url, "select count(*) from raw.indicator_values where file_id = %s", [file_id]
    ) == [(rows_loaded,)]
    assert raw_rows(url) == rows_before + rows_loaded
    assert not sent.exists() and large_export.name in files_in(module_warehouse.archive_dir)
    assert summary.published, summary.render()
    assert summary.publication.rows_inserted > 0


def wait_for(condition, process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if process is not None and log is not None:
            assert process.poll() is None, f"the run ended before it was killed:\n{log.read_text()}"
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not in time:\n{log.read_text() if log else ''}")
