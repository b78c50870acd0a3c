"""Fresh statistics for what landed, so the gate's rules and dbt are planned on real sizes."""

from __future__ import annotations

import psycopg
import pytest

from danvan.warehouse.db import analyze_changed

pytestmark = pytest.mark.database


def last_analyzed(conn: psycopg.Connection) -> object:
    return conn.execute(
        "select last_analyze from pg_stat_user_tables where relid = 'raw.files'::regclass"
    ).fetchone()[0]


def test_a_table_a_tenth_of_which_changed_is_analysed_once(warehouse_url):
    with psycopg.connect(warehouse_url, autocommit=True) as conn:
        # GIVEN a table with fresh statistics, then five thousand rows landed in it
        analyze_changed(conn)
        conn.execute(
            """insert into raw.files (file_name, content_sha256, byte_size, file_format, status)
               select 'f' || n, md5(n::text), 1, 'json', 'loaded'
               from generate_series(1, 5000) as n"""
        )
        conn.execute("select pg_stat_force_next_flush()")
        before = last_analyzed(conn)
        # WHEN the changed tables are analysed
        analyze_changed(conn)
        after = last_analyzed(conn)
        # THEN that table was; and with nothing changed since, it is not analysed again
        analyze_changed(conn)
        assert after is not None and after != before
        assert last_analyzed(conn) == after
