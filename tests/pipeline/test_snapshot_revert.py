"""A run that does not publish leaves model history as it was."""

from __future__ import annotations

import psycopg
import pytest

from danvan.pipeline import revert_snapshots

pytestmark = pytest.mark.database


def test_versions_written_by_an_unpublished_run_are_undone(database_url):
    with psycopg.connect(database_url) as conn:
        # GIVEN a snapshot where model A had one version, and a later run closed it
        # and opened a second one, and also added model B
        conn.execute(
            """create schema snapshots;
               create table snapshots.snap_models (
                   model_key text, model_status text,
                   dbt_valid_from timestamp, dbt_valid_to timestamp);
               insert into snapshots.snap_models values
                   ('A', 'active', '2026-01-01 02:00', now()::timestamp),
                   ('A', 'discontinued', now()::timestamp, null),
                   ('B', 'active', now()::timestamp, null)"""
        )
        run_started = conn.execute("select now() - interval '1 second'").fetchone()[0]
        # WHEN that run's writes are reverted
        revert_snapshots(conn, run_started)
        # THEN only A's first version remains, current again
        rows = conn.execute(
            "select model_key, model_status, dbt_valid_to from snapshots.snap_models"
        ).fetchall()
    assert rows == [("A", "active", None)]
