"""Landing the inbox on a Dask cluster ends in the same warehouse as landing it in process."""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import flows.ingest
import psycopg
import pytest
from flows.ingest import ingest_inbox

from danvan.ingest.landing.files import sha256_of
from danvan.settings import IngestCluster, Settings
from danvan.synthetic.generate import generate, write_form
from danvan.warehouse.db import bootstrap
from tests.ingest.support import fetch, land

pytestmark = pytest.mark.database

LANDED_TABLES = (
    "raw.submissions",
    "raw.models",
    "raw.indicator_values",
    "raw.contributions",
    "raw.unit_activities",
    "audit.quarantine",
)
# Generated keys and clock times differ from one warehouse to another.
NOT_COMPARED = ("file_id", "quarantine_id", "quarantined_at", "loaded_at")


def _landed(url: str) -> dict[str, list[str]]:
    """Every row landing wrote, its file named by content hash instead of its id."""
    contents = {}
    for table in (*LANDED_TABLES, "raw.files"):
        schema, name = table.split(".")
        columns = [
            column
            for (column,) in fetch(
                url,
                "select column_name from information_schema.columns "
                "where table_schema = %s and table_name = %s and column_name <> all(%s) "
                "order by ordinal_position",
                (schema, name, list(NOT_COMPARED)),
            )
        ]
        selected = ", ".join(f"t.{column}" for column in columns)
        rows = fetch(
            url,
            f"select f.content_sha256, {selected} from {table} t join raw.files f using (file_id)",
        )
        contents[table] = sorted(map(repr, rows))
    return contents


def _write_inbox(directory: Path) -> Path:
    """Messy generated submissions in three forms, a copy of one file and a file that is no
    submission."""
    generated = generate(6, 4, 2, seed=31, messy=True).submissions
    json_files = write_form(generated[:12], directory / "json", "json")
    write_form(generated[12:20], directory / "xlsx", "xlsx")
    write_form(generated[20:], directory / "csv", "csv")
    # Sorted right after its original, so both are in the same batch whichever way it lands.
    shutil.copy(json_files[0], json_files[0].with_name(json_files[0].stem + "_copy.json"))
    (directory / "notes.txt").write_text("không phải báo cáo\n", encoding="utf-8")
    return directory


def test_cluster_settings_name_a_scheduler_or_a_local_cluster():
    assert Settings(ingest_cluster="").ingest_cluster_spec is None
    assert Settings(ingest_cluster="local").ingest_cluster_spec == IngestCluster()
    assert Settings(ingest_cluster="local:3").ingest_cluster_spec == IngestCluster(workers=3)
    assert Settings(ingest_cluster="tcp://10.0.0.5:8786").ingest_cluster_spec == IngestCluster(
        address="tcp://10.0.0.5:8786"
    )
    with pytest.raises(ValueError, match="local:N"):
        Settings(ingest_cluster="local:0")


def test_landing_on_two_dask_workers_gives_the_warehouse_landing_in_process_gives(
    server, prefect_api, tmp_path, monkeypatch
):
    # GIVEN the same inbox twice, landed in small batches so the workers share them
    monkeypatch.setattr(flows.ingest, "BATCH_SIZE", 4)
    # (copied, not written again: a workbook records when it was written)
    sent = _write_inbox(tmp_path / "sent")
    landed, reports, urls = {}, {}, []
    try:
        for cluster in (None, "local:2"):
            # WHEN it is landed in process, and on a local Dask cluster of two workers,
            # each time into a fresh warehouse
            run = tmp_path / (cluster or "in-process").replace(":", "-")
            url = server.create_database()
            urls.append(url)
            bootstrap(url)
            settings = Settings(home=run / "home", database_url=url, ingest_cluster=cluster)
            inbox = shutil.copytree(sent, run / "inbox")
            report = ingest_inbox(settings, inbox)
            reports[cluster] = sorted(
                (r.file_name, r.status, r.rows_loaded, r.rows_quarantined, r.reason)
                for r in report.results
            )
            landed[cluster] = _landed(url)
    finally:
        for url in urls:
            server.drop_database(url)
    # THEN every file has the same outcome, the copy skipped and the stray file rejected
    assert reports["local:2"] == reports[None]
    statuses = {name: status for name, status, *_ in reports[None]}
    assert [name for name, status in statuses.items() if status == "skipped"] == [
        next(name for name in statuses if name.endswith("_copy.json"))
    ]
    assert statuses["notes.txt"] == "rejected"
    # AND the raw tables and the quarantine hold the same rows, file by file
    assert landed["local:2"] == landed[None]
    assert landed[None]["audit.quarantine"]
    assert len(landed[None]["raw.files"]) == len(statuses) - 1


def test_a_file_landed_meanwhile_by_another_worker_is_skipped_not_rejected(warehouse_url, tmp_path):
    # GIVEN another worker's transaction landing a file, not yet committed
    path = write_form(generate(1, 1, 1, seed=2).submissions, tmp_path, "json")[0]
    with psycopg.connect(warehouse_url) as other, ThreadPoolExecutor(1) as pool:
        other.execute(
            "insert into raw.files (file_name, content_sha256, byte_size, file_format, status) "
            "values ('by-the-other-worker.json', %s, 1, 'json', 'loaded')",
            [sha256_of(path)],
        )
        # WHEN the same file is landed here, waits on the other's row, and the other commits
        landing = pool.submit(land, warehouse_url, path)
        while not fetch(
            warehouse_url,
            "select 1 from pg_stat_activity where wait_event_type = 'Lock' "
            "and datname = current_database()",
        ):
            assert not landing.done(), landing.result()
            time.sleep(0.05)
        other.commit()
        (result,) = landing.result().values()
    # THEN the file is skipped as already received, and nothing of it was landed twice
    assert result.status == "skipped"
    assert fetch(warehouse_url, "select file_name from raw.files") == [
        ("by-the-other-worker.json",)
    ]
