"""The long-lived local Prefect server (API and UI), managed like the embedded warehouse.

It runs ``prefect server start`` in its own session, bound to 127.0.0.1, with its
database under PREFECT_HOME; its pid and port are kept in a state file beside it so
any later command can find it, use it and stop it. Prefect itself is never imported.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from danvan.state import exclusive_lock, write_private

# A first start creates Prefect's database; on a loaded 2-core machine that takes a while.
STARTUP_TIMEOUT_SECONDS = 300
STOP_TIMEOUT_SECONDS = 30
# A server that dies while starting on a loaded machine is started once more.
START_ATTEMPTS = 2


class PrefectServerError(RuntimeError):
    pass


class PrefectServerExited(PrefectServerError):
    """The server's process ended before its API answered."""


@dataclass(frozen=True)
class PrefectServerStatus:
    running: bool
    pid: int | None
    port: int
    log_file: Path

    @property
    def ui_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.ui_url}/api"

    def describe(self) -> str:
        if not self.running:
            return f"Prefect server stopped; log {self.log_file}"
        return f"Prefect server running (pid {self.pid}); UI {self.ui_url}; log {self.log_file}"


class PrefectServer:
    def __init__(self, prefect_home: Path, port: int) -> None:
        self.prefect_home = prefect_home
        self.port = port

    @property
    def state_file(self) -> Path:
        return self.prefect_home / "server.json"

    @property
    def log_file(self) -> Path:
        return self.prefect_home / "server.log"

    def status(self) -> PrefectServerStatus:
        """Running means: the recorded process is alive and its API answers."""
        state = self._state()
        if state is None:
            return PrefectServerStatus(False, None, self.port, self.log_file)
        pid, port = state["pid"], state["port"]
        running = _is_server(pid) and _healthy(port)
        return PrefectServerStatus(running, pid if running else None, port, self.log_file)

    def start(self, timeout_seconds: float = STARTUP_TIMEOUT_SECONDS) -> PrefectServerStatus:
        """Start the server unless it runs; wait until its API answers. Idempotent."""
        with self._lock():
            state = self._state()
            if state is not None and _is_server(state["pid"]):
                pid = state["pid"]
                return self._wait_healthy(
                    pid, state["port"], timeout_seconds, gone=lambda: not _is_server(pid)
                )
            attempts_left = START_ATTEMPTS
            while True:
                process = self._spawn()
                write_private(self.state_file, json.dumps({"pid": process.pid, "port": self.port}))
                try:
                    return self._wait_healthy(
                        process.pid,
                        self.port,
                        timeout_seconds,
                        gone=partial(_has_exited, process),
                    )
                except PrefectServerExited:
                    attempts_left -= 1
                    if not attempts_left:
                        raise

    def stop(self) -> PrefectServerStatus:
        """Stop the server and everything it started (its whole process group)."""
        with self._lock():
            state = self._state()
            if state is not None and _is_server(state["pid"]):
                _terminate_group(state["pid"])
            self.state_file.unlink(missing_ok=True)
        return self.status()

    # -- internals -------------------------------------------------------------

    def _spawn(self) -> subprocess.Popen[bytes]:
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("PREFECT_")
        }
        environment.update(
            {
                "PREFECT_HOME": str(self.prefect_home),
                "PREFECT_SERVER_API_HOST": "127.0.0.1",
                "PREFECT_SERVER_API_PORT": str(self.port),
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1",
            }
        )
        command = [sys.executable, "-m", "prefect", "server", "start"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        descriptor = os.open(self.log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            return subprocess.Popen(
                command,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=descriptor,
                stderr=subprocess.STDOUT,
                cwd=self.prefect_home,
                start_new_session=True,
            )
        finally:
            os.close(descriptor)

    def _wait_healthy(
        self,
        pid: int,
        port: int,
        timeout_seconds: float,
        gone: Callable[[], bool],
    ) -> PrefectServerStatus:
        """Wait until the API answers, unless the server is ``gone``: a server this process
        started is judged by its exit status, never by its command line."""
        deadline = time.monotonic() + timeout_seconds
        while not _healthy(port):
            if gone():
                self.state_file.unlink(missing_ok=True)
                raise PrefectServerExited(
                    f"the Prefect server exited while starting; its log {self.log_file}:\n"
                    f"{self._log_tail()}"
                )
            if time.monotonic() > deadline:
                raise PrefectServerError(
                    f"the Prefect server (pid {pid}) did not answer on port {port} within "
                    f"{timeout_seconds:.0f} s; its log {self.log_file}:\n{self._log_tail()}"
                )
            time.sleep(0.5)
        return PrefectServerStatus(True, pid, port, self.log_file)

    def _state(self) -> dict[str, Any] | None:
        try:
            state: dict[str, Any] = json.loads(self.state_file.read_text(encoding="utf-8"))
            return state
        except FileNotFoundError:
            return None

    def _log_tail(self, lines: int = 20) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """One start or stop at a time."""
        self.prefect_home.mkdir(mode=0o700, parents=True, exist_ok=True)
        with exclusive_lock(self.prefect_home / "server.lock"):
            yield


def _is_server(pid: int) -> bool:
    """The recorded pid is alive and still a Prefect server (not a reused pid)."""
    _reap(pid)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (FileNotFoundError, ProcessLookupError):
        return False
    return b"prefect" in command and b"server" in command


def _has_exited(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is not None


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as answer:
            healthy: bool = answer.status == 200
            return healthy
    except (urllib.error.URLError, OSError):
        return False


def _terminate_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while _group_alive(pid):
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    _reap(pid)


def _group_alive(pgid: int) -> bool:
    _reap(pgid)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when the server is this process's own child."""
    with suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
