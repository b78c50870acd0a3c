"""Shared fixtures: real PostgreSQL servers and fresh databases on them.

Database tests run against the embedded PostgreSQL (always); those marked
``external`` also against DANVAN_TEST_DATABASE_URL when it is set (the whole
night, the analyst guide, province access: what an external warehouse changes).
Each test gets its own database, dropped afterwards.
"""

from __future__ import annotations

import os
import random
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from danvan.settings import WAREHOUSE_OWNER, Settings
from danvan.warehouse.embedded import EmbeddedWarehouse

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

EXTERNAL_URL = os.environ.get("DANVAN_TEST_DATABASE_URL")
SERVERS = ["embedded", *(["external"] if EXTERNAL_URL else [])]


# Below the kernel's ephemeral range (32768–60999): a port there may be taken at any
# moment by an outgoing connection.
TEST_PORTS = range(20000, 32768)


def free_port() -> int:
    """A TCP port nobody listens on, below the ephemeral range."""
    for port in random.sample(TEST_PORTS, 100):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {TEST_PORTS}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the external server, only the tests marked ``external`` run."""
    unmarked = {
        item
        for item in items
        if getattr(item, "callspec", None) is not None
        and item.callspec.params.get("server") == "external"
        and item.get_closest_marker("external") is None
    }
    if unmarked:
        config.hook.pytest_deselected(items=list(unmarked))
        items[:] = [item for item in items if item not in unmarked]


@pytest.fixture(scope="session")
def embedded_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedWarehouse]:
    warehouse = EmbeddedWarehouse(tmp_path_factory.mktemp("warehouse") / "pgdata", free_port())
    warehouse.start()
    yield warehouse
    warehouse.stop()


class Server:
    """A PostgreSQL server tests may create databases on."""

    def __init__(self, name: str, admin_url: str, owner_url: str | None) -> None:
        self.name = name
        self.admin_url = admin_url
        self._owner_url = owner_url

    def create_database(self, template: str | None = None) -> str:
        """A new database: empty, or a copy of a template (a built reference warehouse)."""
        name = f"danvan_test_{uuid.uuid4().hex[:10]}"
        owner = WAREHOUSE_OWNER if self._owner_url else None
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            statement = sql.SQL("create database {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" template {}").format(sql.Identifier(template))
            if owner:
                statement += sql.SQL(" owner {}").format(sql.Identifier(owner))
            conn.execute(statement)
        return with_database(self._owner_url or self.admin_url, name)

    def has_database(self, name: str) -> bool:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            found = conn.execute("select 1 from pg_database where datname = %s", [name])
            return found.fetchone() is not None

    def drop_databases_like(self, pattern: str) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            names = conn.execute(
                "select datname from pg_database where datname like %s", [pattern]
            ).fetchall()
            for (name,) in names:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
                )

    def rename_database(self, url: str, name: str) -> None:
        current = conninfo_to_dict(url)["dbname"]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("alter database {} rename to {}").format(
                    sql.Identifier(current), sql.Identifier(name)
                )
            )

    def drop_database(self, url: str) -> None:
        name = conninfo_to_dict(url)["dbname"]
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(
                sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
            )


def with_database(url: str, dbname: str) -> str:
    """The same server and role, another database."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))


@pytest.fixture(scope="session", params=SERVERS)
def server(request: pytest.FixtureRequest) -> Server:
    if request.param == "external":
        return Server("external", EXTERNAL_URL, None)
    warehouse: EmbeddedWarehouse = request.getfixturevalue("embedded_warehouse")
    return Server("embedded", warehouse.admin_url(), warehouse.url())


@pytest.fixture
def database_url(server: Server) -> Iterator[str]:
    """A fresh database for one test."""
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(home=tmp_path / "home", database_url=database_url)


@pytest.fixture(scope="module")
def module_database_url(server: Server) -> Iterator[str]:
    """A fresh database shared by one module's tests (for expensive builds)."""
    url = server.create_database()
    yield url
    server.drop_database(url)


@pytest.fixture(scope="module")
def module_settings(tmp_path_factory: pytest.TempPathFactory, module_database_url: str) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("home"), database_url=module_database_url)


@pytest.fixture(scope="session")
def reference_warehouse(server: Server, prefect_api: None, tmp_path_factory) -> str:
    """A warehouse with the reference data seeded and every model built, nothing landed:
    built once per dbt project (kept on a persistent server between sessions) and copied
    for each test that runs nightly pipelines, so none pays for a first full build."""
    from flows.nightly import nightly_pipeline

    from danvan.transform import project_fingerprint

    settings = Settings(home=tmp_path_factory.mktemp("reference-home"))
    name = f"danvan_reference_{project_fingerprint(settings.dbt_project_dir)[:16]}"
    if not server.has_database(name):
        server.drop_databases_like("danvan_reference_%")  # built by an earlier dbt project
        url = server.create_database()
        built = Settings(home=settings.home, database_url=url)
        summary = nightly_pipeline(settings=built, inbox=built.inbox_dir)
        assert summary.published, summary.render()
        server.rename_database(url, name)
    return name


@pytest.fixture
def warehouse_url(server: Server, reference_warehouse: str) -> Iterator[str]:
    """A copy of the reference warehouse for one test."""
    url = server.create_database(template=reference_warehouse)
    yield url
    server.drop_database(url)


@pytest.fixture(scope="module")
def module_warehouse_url(server: Server, reference_warehouse: str) -> Iterator[str]:
    """A copy of the reference warehouse shared by one module's tests."""
    url = server.create_database(template=reference_warehouse)
    yield url
    server.drop_database(url)


@pytest.fixture(scope="module")
def module_warehouse(
    tmp_path_factory: pytest.TempPathFactory, module_warehouse_url: str
) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("home"), database_url=module_warehouse_url)


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[None]:
    """One temporary Prefect API for the session's flow runs (a server start costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
