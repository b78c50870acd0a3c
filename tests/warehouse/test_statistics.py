"""Fresh statistics for what landed, so the gate's queries are planned on real sizes."""

from __future__ import annotations

import psycopg
import pytest

from danvan.warehouse.db import analyze_changed

pytestmark = pytest.mark.database


def last_analyzed(url: str, table: str) -> object:
    with psycopg.connect(url) as conn:
        return conn.execute(
            """select last_analyze from pg_stat_user_tables
               where format('%%I.%%I', schemaname, relname) = %s""",
            [table],
        ).fetchone()[0]


def test_tables_that_changed_are_analysed_once(warehouse_url):
    # GIVEN a table with its statistics fresh, then five thousand rows landed in it
    analyze_changed(warehouse_url, ["raw", "audit"])
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        conn.execute(
            """insert into raw.files (file_name, content_sha256, byte_size, file_format, status)
               select 'f' || n, md5(n::text), 1, 'json', 'loaded'
               from generate_series(1, 5000) as n"""
        )
        conn.execute("select pg_stat_force_next_flush()")
    before = last_analyzed(warehouse_url, "raw.files")
    # WHEN the stale tables are analysed
    analysed = analyze_changed(warehouse_url, ["raw", "audit"])
    # THEN that table was, and analysing again finds nothing stale
    assert analysed == ["raw.files"]
    assert last_analyzed(warehouse_url, "raw.files") != before
    assert analyze_changed(warehouse_url, ["raw", "audit"]) == []
