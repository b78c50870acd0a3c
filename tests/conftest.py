"""Shared fixtures: real PostgreSQL servers and fresh databases on them.

Database tests run against the embedded PostgreSQL (always); those marked
``external`` also against DANVAN_TEST_DATABASE_URL when it is set (the whole
night, incremental nights, the analyst guide, province access: what an external
warehouse, or an older PostgreSQL, changes).
Each test gets its own database, dropped afterwards.

Under pytest-xdist the workers share one embedded server (the first to need it starts
it, the controller stops it), so the reference warehouse and the sample night are built
once per server, under a lock any other session on that server also takes.
"""

from __future__ import annotations

import os
import pickle
import random
import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from danvan.pipeline import NightlySummary
from danvan.settings import WAREHOUSE_OWNER, Settings
from danvan.synthetic.samples import copy_samples
from danvan.warehouse.embedded import EmbeddedWarehouse

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

EXTERNAL_URL = os.environ.get("DANVAN_TEST_DATABASE_URL")
SERVERS = ["embedded", *(["external"] if EXTERNAL_URL else [])]

# Set by the controller before xdist starts its workers, which inherit them: the name of
# this test run, and the folder and port of the embedded server the workers share.
TEST_RUN = os.environ.setdefault("DANVAN_TEST_RUN", uuid.uuid4().hex[:12])
SHARED_DIR = "DANVAN_TEST_SHARED_DIR"
SHARED_PORT = "DANVAN_TEST_SHARED_PORT"
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # gw0, gw1, … in a worker
SAMPLE_NIGHT_DATABASE = f"danvan_samples_{TEST_RUN}"

# Below the kernel's ephemeral range (32768–60999): a port there may be taken at any
# moment by an outgoing connection.
TEST_PORTS = range(20000, 32768)


def _ports_of_this_process() -> range:
    """Each xdist worker probes its own share of the test ports, so two never pick the same."""
    if XDIST_WORKER is None:
        return TEST_PORTS
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    share = len(TEST_PORTS) // (workers + 1)  # the last share is the controller's
    start = TEST_PORTS.start + share * int(XDIST_WORKER.removeprefix("gw"))
    return range(start, start + share)


def free_port() -> int:
    """A TCP port nobody listens on, below the ephemeral range."""
    ports = _ports_of_this_process()
    for port in random.sample(ports, min(100, len(ports))):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports}")


def _distributed(config: pytest.Config) -> bool:
    """This is the controller of xdist workers."""
    return not hasattr(config, "workerinput") and config.getoption("dist", "no") != "no"


def pytest_configure(config: pytest.Config) -> None:
    if _distributed(config):
        os.environ[SHARED_DIR] = tempfile.mkdtemp(prefix=f"danvan-tests-{TEST_RUN}-")
        os.environ[SHARED_PORT] = str(free_port())


def pytest_unconfigure(config: pytest.Config) -> None:
    if not _distributed(config) or SHARED_DIR not in os.environ:
        return
    shared = Path(os.environ.pop(SHARED_DIR))
    EmbeddedWarehouse(shared / "warehouse" / "pgdata", int(os.environ.pop(SHARED_PORT))).stop()
    if EXTERNAL_URL:
        Server("external", EXTERNAL_URL, None).drop_databases_like(SAMPLE_NIGHT_DATABASE)
    shutil.rmtree(shared, ignore_errors=True)


@pytest.hookimpl(trylast=True)  # after pytest's own grouping by fixture parameters
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the external server, only the tests marked ``external`` run. Under xdist (whole
    modules to a worker, in this order) the modules that run nights go first, then those
    on a database, so that the workers finish together; a night on a warehouse of its own
    goes first of all, while another worker builds the reference warehouse."""
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
    if XDIST_WORKER is not None:
        on_reference = {item.path for item in items if "reference_warehouse" in item.fixturenames}
        items.sort(
            key=lambda item: [
                *(item.get_closest_marker(m) is None for m in ("e2e", "database")),
                item.path in on_reference,
            ]
        )


@pytest.fixture(scope="session")
def embedded_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedWarehouse]:
    if SHARED_DIR in os.environ:  # an xdist worker: the first to get here starts it
        shared = Path(os.environ[SHARED_DIR]) / "warehouse" / "pgdata"
        warehouse = EmbeddedWarehouse(shared, int(os.environ[SHARED_PORT]))
        _start_for_tests(warehouse)
        yield warehouse
        return  # the controller stops it when every worker is done
    warehouse = EmbeddedWarehouse(tmp_path_factory.mktemp("warehouse") / "pgdata", free_port())
    _start_for_tests(warehouse)
    yield warehouse
    warehouse.stop()


def _start_for_tests(warehouse: EmbeddedWarehouse) -> None:
    """Start the tests' server without flushing to disk: it is thrown away after the run,
    and no test crashes it (a night killed mid-way is the client, not the server)."""
    warehouse.start()
    with psycopg.connect(warehouse.admin_url(), autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(sql.SQL("alter system set {} = off").format(sql.Identifier(setting)))
        conn.execute("select pg_reload_conf()")


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

    @contextmanager
    def locked(self, what: str) -> Iterator[None]:
        """One session at a time (an xdist worker, another checkout's tests) makes ``what``
        on this server: the others wait, then find it made."""
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute("select pg_advisory_lock(hashtext(%s))", [f"danvan-tests {what}"])
            yield


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
    with server.locked("reference warehouse"):
        if not server.has_database(name):
            server.drop_databases_like("danvan_reference_%")  # built by an earlier dbt project
            url = server.create_database()
            built = Settings(home=settings.home, database_url=url)
            summary = nightly_pipeline(settings=built, inbox=built.inbox_dir)
            assert summary.published, summary.render()
            server.rename_database(url, name)
    return name


@dataclass(frozen=True)
class SampleNight:
    """A warehouse after the nightly pipeline ran on the bundled samples."""

    settings: Settings
    summary: NightlySummary
    samples: list[Path]  # where the samples were sent (in the inbox)


@pytest.fixture(scope="session")
def sample_night_template(
    server: Server, reference_warehouse: str, prefect_api: None, tmp_path_factory
) -> Iterator[SampleNight]:
    """The reference warehouse after one night on the bundled samples, run once per test
    run and server (by whichever xdist worker gets here first), for the modules that start
    from that night: its database is a template, its home a folder to copy."""
    from flows.nightly import nightly_pipeline

    name = SAMPLE_NIGHT_DATABASE
    shared = Path(os.environ.get(SHARED_DIR) or tmp_path_factory.mktemp("shared"))
    kept = shared / f"sample-night-{server.name}.pickle"
    with server.locked(name):
        if not server.has_database(name):
            url = server.create_database(template=reference_warehouse)
            settings = Settings(home=shared / f"sample-night-{server.name}", database_url=url)
            samples = copy_samples(settings.inbox_dir)
            summary = nightly_pipeline(settings=settings, inbox=settings.inbox_dir)
            assert summary.published, summary.render()
            server.rename_database(url, name)
            settings = Settings(home=settings.home, database_url=with_database(url, name))
            kept.write_bytes(pickle.dumps(SampleNight(settings, summary, samples)))
    yield pickle.loads(kept.read_bytes())
    if SHARED_DIR not in os.environ:  # else another worker may still copy it: the controller
        server.drop_databases_like(name)  # drops it


@pytest.fixture(scope="module")
def published_samples(
    server: Server, sample_night_template: SampleNight, tmp_path_factory
) -> Iterator[SampleNight]:
    """A copy of the sample night for one module: its database, and its home (where the
    warehouse's deliveries now point)."""
    template = sample_night_template
    home = shutil.copytree(template.settings.home_dir, tmp_path_factory.mktemp("home") / "home")
    url = server.create_database(
        template=conninfo_to_dict(template.settings.database_url)["dbname"]
    )
    with psycopg.connect(url) as conn:
        conn.execute(
            "update audit.deliveries set archived_path = %s || substr(archived_path, %s)",
            [str(home), len(str(template.settings.home_dir)) + 1],
        )
    settings = Settings(home=home, database_url=url)
    samples = [
        settings.inbox_dir / path.relative_to(template.settings.inbox_dir)
        for path in template.samples
    ]
    yield SampleNight(settings, template.summary, samples)
    server.drop_database(url)


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


@pytest.fixture(scope="session")
def prefect_api_url(prefect_api: None) -> str:
    """The session's Prefect API, so a `danvan nightly` process need not start a server."""
    from prefect.settings import PREFECT_API_URL

    url = PREFECT_API_URL.value()
    assert url
    return str(url)
