"""The embedded warehouse is sealed against the machine's other users and its own roles.

Tests that switch to another OS user need root (as CI and the farm machines run).
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from danvan.settings import WAREHOUSE_OWNER, WAREHOUSE_READER
from danvan.warehouse.embedded import (
    SEALED_HBA,
    SUPERUSER,
    SYSTEM_USER,
    EmbeddedWarehouse,
    postgres_bin_dir,
)
from tests.conftest import free_port

pytestmark = pytest.mark.database

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="switching OS users needs root")
ROLES = [SUPERUSER, WAREHOUSE_OWNER, WAREHOUSE_READER]


def psql_as(user: str | None, *args: str) -> subprocess.CompletedProcess:
    """psql without any password (-w: never prompt), as another OS user when given."""
    identity = {}
    if user is not None:
        entry = pwd.getpwnam(user)
        identity = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    return subprocess.run(
        [str(postgres_bin_dir() / "psql"), "-w", "-d", "danvan", "-c", "select 1", *args],
        env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd="/",
        capture_output=True,
        text=True,
        check=False,
        **identity,
    )


@needs_root
@pytest.mark.parametrize("role", ROLES)
def test_another_os_user_cannot_connect_without_the_password(home, role):
    # GIVEN the running embedded warehouse and the unprivileged OS user nobody
    warehouse = home.warehouse
    port = str(warehouse.status().port)
    # WHEN nobody connects as any role over the Unix socket and over TCP, with no password
    socket = psql_as("nobody", "-h", str(warehouse.socket_dir), "-p", port, "-U", role)
    tcp = psql_as("nobody", "-h", "127.0.0.1", "-p", port, "-U", role)
    # THEN the socket directory keeps nobody out, and TCP asks for a password
    assert socket.returncode != 0 and "Permission denied" in socket.stderr, socket.stderr
    assert tcp.returncode != 0 and "no password supplied" in tcp.stderr, tcp.stderr


@pytest.mark.parametrize("role", ROLES)
def test_the_socket_trusts_nobody(home, role):
    # GIVEN the socket, reached by its owner side (root passes directory permissions)
    warehouse = home.warehouse
    port = str(warehouse.status().port)
    # WHEN a client connects through it without a password
    result = psql_as(None, "-h", str(warehouse.socket_dir), "-p", port, "-U", role)
    # THEN it is asked for one: no trust on the socket either
    assert result.returncode != 0 and "no password supplied" in result.stderr, result.stderr


def test_authentication_rules_require_a_password_everywhere(home):
    # GIVEN the rules the server actually loaded
    with psycopg.connect(home.warehouse.admin_url()) as conn:
        methods = conn.execute(
            "select distinct auth_method from pg_hba_file_rules where error is null"
        ).fetchall()
    # THEN every one is scram-sha-256: no trust, no peer, no md5
    assert methods == [("scram-sha-256",)]
    assert (home.warehouse.pgdata / "pg_hba.conf").read_text() == SEALED_HBA


def test_files_and_directories_are_private(home):
    # GIVEN the warehouse's directories and credentials after a start
    warehouse = home.warehouse
    server_uid = warehouse.pgdata.stat().st_uid
    # THEN data and socket directories are 0700 and belong to the server's user
    for directory in (warehouse.pgdata, warehouse.socket_dir):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        assert directory.stat().st_uid == server_uid
    # AND the credentials file is the owner's alone
    assert stat.S_IMODE(warehouse.credentials_file.stat().st_mode) == 0o600
    assert warehouse.credentials_file.stat().st_uid == os.geteuid()
    # AND the state directory can at most be traversed by others (never listed or read)
    for directory in (warehouse.root, home.path):
        assert stat.S_IMODE(directory.stat().st_mode) & 0o066 == 0


@needs_root
def test_the_server_runs_as_its_own_user_and_group(home):
    # GIVEN the postmaster started under root
    pid = home.warehouse.status().pid
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    # THEN it runs as the system user, with that user's own group and no other group
    entry = pwd.getpwnam(SYSTEM_USER)
    assert status["Uid"].split() == [str(entry.pw_uid)] * 4
    assert status["Gid"].split() == [str(entry.pw_gid)] * 4
    assert status["Groups"].split() == []
    assert grp.getgrgid(entry.pw_gid).gr_name == SYSTEM_USER


@pytest.mark.parametrize("role", [WAREHOUSE_OWNER, WAREHOUSE_READER])
def test_roles_cannot_run_programs_or_read_server_files(home, role):
    # GIVEN the owner (pipeline) and reader (BI) roles
    with psycopg.connect(home.warehouse.url(role), autocommit=True) as conn:
        # THEN neither may run a program or read a file as the server's user
        for statement in (
            "copy (select 1) to program 'id'",
            "create table pg_temp.loot (line text); copy pg_temp.loot from program 'id'",
            "select pg_read_file('/etc/passwd')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        # AND neither may give itself the roles that would allow it
        for statement in (
            f"grant pg_execute_server_program to {role}",
            f"alter role {role} superuser",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement)
        assert conn.execute(
            "select rolsuper, rolcreaterole, rolcreatedb from pg_roles where rolname = %s",
            [role],
        ).fetchone() == (False, False, False)


def test_the_reader_cannot_hold_the_warehouse_or_create_temporary_tables(home):
    # GIVEN the read-only role
    with psycopg.connect(home.warehouse.url(WAREHOUSE_READER), autocommit=True) as conn:
        # THEN its queries and idle transactions are bounded
        assert conn.execute("show statement_timeout").fetchone() == ("5min",)
        assert conn.execute("show idle_in_transaction_session_timeout").fetchone() == ("1min",)
        # AND it may not create temporary tables
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("create temporary table scratch (id integer)")


def test_public_gets_nothing_on_the_database_or_its_public_schema(home):
    # GIVEN the warehouse database
    with psycopg.connect(home.warehouse.admin_url("danvan")) as conn:
        # WHEN its access lists are read (grantee 0 is PUBLIC)
        granted_to_public = conn.execute(
            """select 'database', acl.privilege_type
               from pg_database, aclexplode(datacl) as acl
               where datname = current_database() and acl.grantee = 0
               union all
               select 'schema public', acl.privilege_type
               from pg_namespace, aclexplode(nspacl) as acl
               where nspname = 'public' and acl.grantee = 0"""
        ).fetchall()
    # THEN PUBLIC holds nothing there
    assert granted_to_public == []


def test_a_second_start_writes_no_role_and_concurrent_sessions_do_not_collide(home):
    # GIVEN the catalog rows of the roles and their settings after a first start
    catalog = """select (select array_agg(xmin::text order by rolname) from pg_authid),
                        (select array_agg(xmin::text order by setrole) from pg_db_role_setting),
                        (select array_agg(xmin::text order by datname) from pg_database)"""
    with psycopg.connect(home.warehouse.admin_url("danvan")) as conn:
        before = conn.execute(catalog).fetchone()
    # WHEN four `danvan warehouse psql` run at once (each starts the warehouse first)
    with ThreadPoolExecutor(4) as pool:
        runs = list(pool.map(lambda _: home.run("warehouse", "psql", "-c", "select 1"), range(4)))
    # THEN all succeed, and no role, setting or database row was rewritten
    assert all(run.returncode == 0 for run in runs)
    with psycopg.connect(home.warehouse.admin_url("danvan")) as conn:
        assert conn.execute(catalog).fetchone() == before


def test_a_changed_password_is_set_once(home):
    # GIVEN a new owner password in the environment
    with_password = type(home)(home.path, {**home.env, "DANVAN_PASSWORD": "a-new-owner-password"})
    owner_row = "select xmin::text from pg_authid where rolname = 'danvan'"
    with psycopg.connect(home.warehouse.admin_url()) as conn:
        before = conn.execute(owner_row).fetchone()
    # WHEN the warehouse is started with it, twice
    with_password.run("warehouse", "start")
    with psycopg.connect(home.warehouse.admin_url()) as conn:
        changed = conn.execute(owner_row).fetchone()
    with_password.run("warehouse", "start")
    # THEN the role was altered the first time only, and the password is kept and logs in
    with psycopg.connect(home.warehouse.admin_url()) as conn:
        assert before != changed == conn.execute(owner_row).fetchone()
    assert home.credentials()[WAREHOUSE_OWNER] == "a-new-owner-password"
    psycopg.connect(home.warehouse.url()).close()


def test_a_cluster_from_an_earlier_version_is_sealed_on_start(tmp_path):
    # GIVEN a cluster as earlier versions left it: trusted socket, no superuser password
    warehouse = EmbeddedWarehouse(tmp_path / "warehouse" / "pgdata", free_port())
    warehouse.start()
    with psycopg.connect(warehouse.admin_url(), autocommit=True) as conn:
        conn.execute("alter role postgres password null")
        warehouse.hba_file.write_text(
            "local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n"
        )
        conn.execute("select pg_reload_conf()")
    credentials = warehouse.credentials()
    del credentials[SUPERUSER]
    warehouse.credentials_file.write_text(json.dumps(credentials))
    warehouse.stop()
    try:
        # WHEN it is started by this version
        warehouse.start()
        # THEN the socket asks for a password, which the credentials file now holds
        port = str(warehouse.status().port)
        refused = psql_as(None, "-h", str(warehouse.socket_dir), "-p", port, "-U", SUPERUSER)
        assert "no password supplied" in refused.stderr, refused.stderr
        assert warehouse.hba_file.read_text() == SEALED_HBA
        with psycopg.connect(warehouse.admin_url()) as conn:
            assert conn.execute("select current_setting('is_superuser')").fetchone() == ("on",)
    finally:
        warehouse.stop()
