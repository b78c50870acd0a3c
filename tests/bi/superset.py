"""Apache Superset for tests: installed from the registry into its own environment, run locally.

The install and an initialised metadata database are cached under
$TMPDIR/danvan-superset/<key>, the key hashing docker/superset's requirements,
configuration and init script, so a rerun only copies the database and starts
the server. Everything is set up as docker-compose ships it: the same
requirements, superset_config.py and init.sh.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPERSET_DIR = ROOT / "docker" / "superset"
SHIPPED_FILES = ("requirements.txt", "superset_config.py", "init.sh")
ADMIN_USER = "admin"
ADMIN_PASSWORD = "danvan-test-admin"
# Reached by uv unless the environment names another index.
DEFAULT_INDEX = "https://pypi.org/simple/"
# Below the kernel's ephemeral range (32768–60999), above the well-known services.
PORT_RANGE = (20000, 32000)


class RegistryUnreachable(RuntimeError):
    pass


def port_below_ephemeral_range() -> int:
    for port in random.sample(range(*PORT_RANGE), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORT_RANGE}")


def superset_environment(install: Path, metadata_db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{install / 'venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "SUPERSET_CONFIG_PATH": str(SUPERSET_DIR / "superset_config.py"),
        "SUPERSET_SECRET_KEY": "danvan-tests-only-" + "x" * 32,
        "SUPERSET_DATABASE_URI": f"sqlite:///{metadata_db}",
        "SUPERSET_ADMIN_USER": ADMIN_USER,
        "SUPERSET_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "SUPERSET_ADMIN_EMAIL": "admin@danvan.test",
        "FLASK_APP": "superset",
    }


def _cache_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in SHIPPED_FILES:
        digest.update((SUPERSET_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _index_url() -> str:
    return os.environ.get("UV_INDEX_URL") or os.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX


def _check_registry() -> None:
    url = _index_url()
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/apache-superset/", timeout=30):
            pass
    except (urllib.error.URLError, OSError) as error:
        raise RegistryUnreachable(f"the package registry {url} is unreachable: {error}") from error


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def cached_install() -> Path:
    """The cached install with its initialised metadata database (built when missing)."""
    cache = Path(tempfile.gettempdir()) / "danvan-superset"
    install = cache / _cache_key()
    with _locked(cache / "lock"):
        if (install / "ready").exists():
            return install
        shutil.rmtree(install, ignore_errors=True)
        install.mkdir(parents=True)
        try:
            _build(install)
        except BaseException:
            shutil.rmtree(install, ignore_errors=True)
            raise
        (install / "ready").touch()
    return install


def _build(install: Path) -> None:
    uv = str(Path(sys.executable).parent / "uv")
    venv = install / "venv"
    _run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
    try:
        _run(
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--python",
                str(venv / "bin" / "python"),
                "-r",
                str(SUPERSET_DIR / "requirements.txt"),
            ]
        )
    except RuntimeError:
        _check_registry()  # an unreachable registry is a reason to skip, not a failure
        raise
    _run(
        ["sh", str(SUPERSET_DIR / "init.sh")],
        superset_environment(install, install / "superset.db"),
    )


@dataclass
class RunningSuperset:
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def running_superset(install: Path, workdir: Path) -> Iterator[RunningSuperset]:
    """Superset on a copy of the cached metadata database, served by gunicorn as compose does."""
    metadata_db = workdir / "superset.db"
    shutil.copyfile(install / "superset.db", metadata_db)
    port = port_below_ephemeral_range()
    log = workdir / "superset.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                str(install / "venv" / "bin" / "gunicorn"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
                "--timeout",
                "120",
                "superset.app:create_app()",
            ],
            env=superset_environment(install, metadata_db),
            cwd=workdir,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield RunningSuperset(f"http://127.0.0.1:{port}", process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
