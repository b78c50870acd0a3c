"""The embedded warehouse: a real PostgreSQL that keeps its data across stop/start."""

from __future__ import annotations

import psycopg
import pytest

from danvan.settings import WAREHOUSE_READER
from danvan.warehouse.embedded import EmbeddedWarehouse
from tests.conftest import free_port


def test_data_survives_stop_and_start_and_start_is_idempotent(tmp_path):
    # GIVEN a fresh embedded warehouse with one row written over TCP with a password
    warehouse = EmbeddedWarehouse(tmp_path / "warehouse" / "pgdata", free_port())
    warehouse.start()
    try:
        assert "password=" not in warehouse.url() and ":" in warehouse.url().split("@")[0]
        with psycopg.connect(warehouse.url()) as conn:
            conn.execute("create table kept (id integer)")
            conn.execute("insert into kept values (42)")
        # WHEN it is started again while running, then stopped and started
        first_pid = warehouse.start().pid
        assert warehouse.status().pid == first_pid
        assert not warehouse.stop().running
        assert warehouse.start().running
        # THEN the row is still there
        with psycopg.connect(warehouse.url()) as conn:
            assert conn.execute("select id from kept").fetchone() == (42,)
    finally:
        warehouse.stop()


def test_tcp_login_needs_the_password(embedded_warehouse):
    # GIVEN the running embedded warehouse
    wrong = embedded_warehouse.url().replace(
        embedded_warehouse.credentials()["danvan"], "not-the-password"
    )
    # WHEN a client logs in over TCP with a wrong password
    # THEN it is refused
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()


def test_reader_role_cannot_write(embedded_warehouse):
    # GIVEN the read-only role BI tools use
    # WHEN it tries to create a table
    # THEN PostgreSQL refuses
    with (
        psycopg.connect(embedded_warehouse.url(WAREHOUSE_READER)) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("create table public.intruder (id integer)")
