"""docker-compose.yml cannot run here (no Docker engine): its wiring is checked instead,
and its database init scripts are run against a real PostgreSQL as the image runs them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import yaml
from click.testing import CliRunner
from flows.nightly import NIGHTLY_CRON, NIGHTLY_TIMEZONE
from psycopg import sql

from danvan.cli import main
from danvan.settings import WAREHOUSE_READER
from danvan.warehouse.embedded import SYSTEM_USER, ensure_system_user, postgres_bin_dir
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict] = COMPOSE["services"]
POSTGRES_IMAGE = re.compile(r"^postgres:(\d+)")
DATABASE_URL = re.compile(
    r"postgres(?:ql)?(?:\+\w+)?://(?P<user>[^:@/]+):(?P<password>[^@]*)@"
    r"(?P<host>[^:/]+)(?::\d+)?/(?P<database>[\w-]+)"
)
INIT_DIR = "/docker-entrypoint-initdb.d/"
WAREHOUSE_INIT = "docker/warehouse-init.sh"
CREATE_DATABASES = "docker/create-databases.sh"
PRIVILEGES = "src/danvan/warehouse/sql/privileges.sql"


def environment(service: dict) -> dict[str, str]:
    variables = service.get("environment") or {}
    if isinstance(variables, list):
        variables = dict(item.split("=", 1) for item in variables)
    return {key: str(value) for key, value in variables.items()}


def mounts(service: dict) -> dict[str, str]:
    """Target → source of every volume of the service."""
    return {volume.split(":")[1]: volume.split(":")[0] for volume in service.get("volumes", [])}


def init_scripts(service: dict) -> set[str]:
    return {
        source.removeprefix("./")
        for target, source in mounts(service).items()
        if target.startswith(INIT_DIR)
    }


def postgres_services() -> dict[str, int]:
    """Name → PostgreSQL major version of every service running the postgres image."""
    return {
        name: int(match.group(1))
        for name, service in SERVICES.items()
        if (match := POSTGRES_IMAGE.match(service.get("image", "")))
    }


def databases_created(service: dict) -> set[str]:
    variables = environment(service)
    created = {variables.get("POSTGRES_DB", variables.get("POSTGRES_USER", "postgres"))}
    if CREATE_DATABASES in init_scripts(service):
        created.update(variables.get("EXTRA_DATABASES", "").split())
    return created


def roles_created(service: dict) -> dict[str, str]:
    """Role → the password expression it is created with."""
    variables = environment(service)
    roles = {variables.get("POSTGRES_USER", "postgres"): variables["POSTGRES_PASSWORD"]}
    if WAREHOUSE_INIT in init_scripts(service):
        roles["danvan"] = variables["DANVAN_PASSWORD"]
        roles["danvan_reader"] = variables["DANVAN_READER_PASSWORD"]
    return roles


@dataclass(frozen=True)
class DatabaseUse:
    service: str
    host: str
    database: str
    user: str
    password: str


def database_uses() -> list[DatabaseUse]:
    """Every database a service names: in a URL, or in Metabase's MB_DB_* variables."""
    uses = []
    for name, service in SERVICES.items():
        variables = environment(service)
        for value in variables.values():
            for match in DATABASE_URL.finditer(value):
                uses.append(
                    DatabaseUse(
                        name, match["host"], match["database"], match["user"], match["password"]
                    )
                )
        if variables.get("MB_DB_TYPE") == "postgres":
            uses.append(
                DatabaseUse(
                    name,
                    variables["MB_DB_HOST"],
                    variables["MB_DB_DBNAME"],
                    variables["MB_DB_USER"],
                    variables["MB_DB_PASS"],
                )
            )
    return uses


# -- services and commands -----------------------------------------------------


def test_every_danvan_command_in_compose_exists():
    # GIVEN the danvan commands the compose services run
    commands = [
        service["command"][1:]
        for service in SERVICES.values()
        if service.get("command", [None])[0] == "danvan"
    ]
    assert ["schedule"] in commands, "the nightly deployment must be served"
    for command in commands:
        # WHEN each is asked for its help
        result = CliRunner().invoke(main, [*command, "--help"])
        # THEN the command and its options exist in the package
        assert result.exit_code == 0, f"danvan {command}: {result.output}"


def test_every_other_command_in_compose_exists():
    for name, service in SERVICES.items():
        command = service.get("command")
        if not command or command[0] == "danvan":
            continue
        if command[0] == "prefect":
            # GIVEN Prefect's CLI, installed with the package, WHEN asked for the subcommand
            prefect = Path(sys.executable).with_name("prefect")
            result = subprocess.run(
                [str(prefect), *command[1:3], "--help"], capture_output=True, text=True
            )
            # THEN it exists, with every option the service passes
            assert result.returncode == 0, result.stderr
            for option in (word for word in command[3:] if word.startswith("--")):
                assert option in result.stdout, f"{name}: prefect has no {option}"
        elif command[0] in ("sh", "bash"):
            # A script of the service's own build context
            assert (ROOT / service["build"] / command[1]).is_file(), f"{name}: {command}"
        else:
            pytest.fail(f"{name}: teach this test how to check the command {command}")


def test_every_service_is_built_or_pulled_from_what_exists():
    for name, service in SERVICES.items():
        assert ("image" in service) != ("build" in service), name
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name


def test_dependencies_wait_for_what_they_need():
    for name, service in SERVICES.items():
        depends_on = service.get("depends_on", {})
        for target, condition in depends_on.items() if isinstance(depends_on, dict) else []:
            # GIVEN a service waiting for another to be healthy, or to have finished
            assert target in SERVICES, f"{name} depends on unknown {target}"
            # THEN that one has a healthcheck, or is a one-off command
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{name} waits on {target}'s health"
            if condition["condition"] == "service_completed_successfully":
                assert "command" in SERVICES[target], target


def test_published_ports_are_reachable_from_this_machine_only():
    for name, service in SERVICES.items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} to the network"


def test_nightly_schedule_is_two_am_hanoi_time():
    assert (NIGHTLY_CRON, NIGHTLY_TIMEZONE) == ("0 2 * * *", "Asia/Ho_Chi_Minh")


# -- databases and volumes -----------------------------------------------------


def test_the_warehouse_runs_the_embedded_warehouse_s_postgresql():
    # GIVEN the embedded PostgreSQL's version
    version = subprocess.run(
        [str(postgres_bin_dir() / "postgres"), "--version"], capture_output=True, text=True
    ).stdout
    embedded_major = int(re.search(r"(\d+)\.\d+", version).group(1))
    # THEN the compose warehouse runs the same major version
    assert postgres_services()["warehouse"] == embedded_major == 18


def test_every_database_keeps_its_data_in_a_declared_volume():
    declared = set(COMPOSE.get("volumes") or {})
    used = set()
    for name, major in postgres_services().items():
        service = SERVICES[name]
        # GIVEN a PostgreSQL service: its data directory is where its image version keeps it
        data_dir = "/var/lib/postgresql" if major >= 18 else "/var/lib/postgresql/data"
        # THEN a named volume is mounted exactly there, and it has a healthcheck over TCP
        assert mounts(service).get(data_dir) in declared, f"{name}: no volume at {data_dir}"
        assert "-h 127.0.0.1" in " ".join(service["healthcheck"]["test"]), name
    for name, service in SERVICES.items():
        for target, source in mounts(service).items():
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source}"
            else:
                assert source in declared, f"{name} mounts undeclared volume {source}"
                used.add(source)
            assert not target.startswith(INIT_DIR) or name in postgres_services()
    # AND every declared volume is used
    assert declared == used


def test_every_database_a_service_names_is_created_with_that_login():
    uses = database_uses()
    assert {use.host for use in uses} >= {"warehouse", "prefect-db"}
    for use in uses:
        # GIVEN a service naming a database on a PostgreSQL service
        assert use.host in postgres_services(), use
        server = SERVICES[use.host]
        # THEN that database is created there, and the role with the same password
        assert use.database in databases_created(server), use
        assert roles_created(server).get(use.user) == use.password, use
    # AND services that need a role's password are given the one it was created with
    warehouse_roles = roles_created(SERVICES["warehouse"])
    for name, service in SERVICES.items():
        reader_password = environment(service).get("DANVAN_READER_PASSWORD")
        if reader_password is not None:
            assert reader_password == warehouse_roles["danvan_reader"], name
    # AND Prefect keeps its runs in its own database, not in the warehouse
    prefect = environment(SERVICES["prefect-server"])["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert "@prefect-db:" in prefect


# -- the init scripts, run for real --------------------------------------------


@dataclass(frozen=True)
class BareCluster:
    """A new PostgreSQL as the image's entrypoint leaves it before running init scripts:
    local connections trusted, TCP with scram-sha-256, POSTGRES_DB created."""

    socket_dir: Path
    port: int
    superuser: str

    def run_init(self, script: str, variables: dict[str, str]) -> None:
        """Run one init file the way docker-entrypoint.sh does."""
        env = {
            "PATH": f"{postgres_bin_dir()}:/usr/bin:/bin",
            "PGHOST": str(self.socket_dir),
            "PGPORT": str(self.port),
            **variables,
        }
        if script.endswith(".sh"):
            command = ["sh", str(ROOT / script)]
        else:
            command = ["psql", "-v", "ON_ERROR_STOP=1", "--username", variables["POSTGRES_USER"]]
            command += ["--no-password", "--no-psqlrc", "--dbname", variables["POSTGRES_DB"]]
            command += ["-f", str(ROOT / script)]
        result = subprocess.run(command, env=env, capture_output=True, text=True, cwd="/")
        assert result.returncode == 0, f"{script}: {result.stdout}{result.stderr}"


def _as_server_user() -> dict:
    if os.geteuid() != 0:
        return {}
    entry = ensure_system_user(SYSTEM_USER, notify=lambda _: None)  # as the warehouse's start
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


@contextmanager
def bare_cluster(service: str) -> Iterator[BareCluster]:
    """A cluster of the service's POSTGRES_USER, with its POSTGRES_DB, in a private folder."""
    variables = environment(SERVICES[service])
    root = Path(tempfile.mkdtemp(prefix="danvan-compose-"))
    identity = _as_server_user()
    if identity:
        os.chown(root, identity["user"], identity["group"])
    pgdata, port = root / "pgdata", free_port()

    def run(program: str, *args: str) -> None:
        subprocess.run(
            [str(postgres_bin_dir() / program), *args],
            check=True,
            capture_output=True,
            cwd=root,
            **identity,
        )

    superuser = variables["POSTGRES_USER"]
    run(
        "initdb",
        "-D",
        str(pgdata),
        "-U",
        superuser,
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
    run("pg_ctl", "-D", str(pgdata), "-w", "-l", str(root / "log"), "-o", options, "start")
    try:
        with psycopg.connect(
            host=str(root), port=port, user=superuser, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(
                sql.SQL("create database {}").format(sql.Identifier(variables["POSTGRES_DB"]))
            )
        yield BareCluster(root, port, superuser)
    finally:
        run("pg_ctl", "-D", str(pgdata), "-w", "-m", "fast", "stop")
        shutil.rmtree(root)


def test_the_warehouse_init_creates_the_roles_and_seals_the_database():
    # GIVEN the warehouse service's variables, with passwords as an operator sets them
    variables = {
        **environment(SERVICES["warehouse"]),
        "DANVAN_PASSWORD": "owner pass'word",
        "DANVAN_READER_PASSWORD": "reader-password",
    }
    with bare_cluster("warehouse") as cluster:
        # WHEN its init files run in the order they are mounted
        for script in sorted(init_scripts(SERVICES["warehouse"]), key=_mounted_name("warehouse")):
            cluster.run_init(script, variables)
        # THEN the pipeline's role owns the database and logs in over TCP with its password
        tcp = {"host": "127.0.0.1", "port": cluster.port, "dbname": "danvan"}
        with psycopg.connect(**tcp, user="danvan", password=variables["DANVAN_PASSWORD"]) as conn:
            owner, superuser = conn.execute(
                """select pg_get_userbyid(datdba), rolsuper from pg_database, pg_roles
                   where datname = 'danvan' and rolname = current_user"""
            ).fetchone()
            assert (owner, superuser) == ("danvan", False)
            public_grants = conn.execute(
                """select count(*) from pg_database, aclexplode(datacl) as acl
                   where datname = 'danvan' and acl.grantee = 0"""
            ).fetchone()
            assert public_grants == (0,)
        # AND the reader logs in, bounded, without TEMP
        with psycopg.connect(**tcp, user="danvan_reader", password="reader-password") as conn:
            assert conn.execute("show idle_in_transaction_session_timeout").fetchone() == ("1min",)
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute("create temporary table scratch (id integer)")


@pytest.mark.parametrize(
    "service",
    [name for name in postgres_services() if CREATE_DATABASES in init_scripts(SERVICES[name])],
)
def test_the_extra_databases_are_created(service):
    # GIVEN a database service and the other databases it is asked to hold
    variables = environment(SERVICES[service])
    wanted = set(variables.get("EXTRA_DATABASES", "").split())
    with bare_cluster(service) as cluster:
        # WHEN its init files run
        for script in sorted(init_scripts(SERVICES[service]), key=_mounted_name(service)):
            cluster.run_init(script, variables)
        # THEN each exists
        with psycopg.connect(
            host=str(cluster.socket_dir),
            port=cluster.port,
            user=cluster.superuser,
            dbname="postgres",
        ) as conn:
            names = {row[0] for row in conn.execute("select datname from pg_database")}
    assert wanted <= names


def _mounted_name(service: str):
    """Sort init files by the name they are mounted under, as the entrypoint runs them."""
    targets = {
        source.removeprefix("./"): target for target, source in mounts(SERVICES[service]).items()
    }
    return lambda script: targets[script]


def test_compose_ships_the_superset_tests_bi_installs():
    services = COMPOSE["services"]
    superset_dir = ROOT / "docker" / "superset"
    # GIVEN the BI services: Superset is built from docker/superset, the install tests/bi tests
    assert not [name for name in services if "metabase" in name]
    assert (
        services["superset"]["build"] == services["superset-init"]["build"] == "./docker/superset"
    )
    dockerfile = (superset_dir / "Dockerfile").read_text(encoding="utf-8")
    assert "-r requirements.txt" in dockerfile and "superset_config.py" in dockerfile
    # THEN its metadata lives in its own database, initialised before the server starts
    assert "healthcheck" in services["superset-db"]
    assert any(v.endswith(":/var/lib/postgresql") for v in services["superset-db"]["volumes"])
    assert services["superset-init"]["command"] == ["sh", "init.sh"]
    assert services["superset"]["depends_on"]["superset-init"] == {
        "condition": "service_completed_successfully"
    }
    # AND everything superset_config.py and init.sh read from the environment is set
    read = set(
        re.findall(r'os\.environ\["(\w+)"\]', (superset_dir / "superset_config.py").read_text())
    ) | set(re.findall(r'"\$(\w+)"', (superset_dir / "init.sh").read_text()))
    assert read <= set(services["superset"]["environment"]), read
    assert "@superset-db:" in services["superset"]["environment"]["SUPERSET_DATABASE_URI"]


def test_compose_imports_the_dashboards_as_the_read_only_role():
    setup = COMPOSE["services"]["superset-setup"]
    # GIVEN the one-shot that imports the dashboards, from the danvan image that holds them
    assert setup["command"] == ["danvan", "bi-setup", "--superset-url", "http://superset:8088"]
    assert "COPY dashboards" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # THEN Superset reads the warehouse as the read-only role, never as the owner
    reader = urlsplit(setup["environment"]["BI_READER_URL"])
    assert (reader.username, reader.hostname) == (WAREHOUSE_READER, "warehouse")
    assert setup["depends_on"]["superset"] == {"condition": "service_healthy"}
