"""Secrets stay secret during a night: a `danvan nightly` on the demo data, watched.

The passwords are looked for in every process's arguments while the night runs, in
every file of the home afterwards (warehouse, runs, logs, Prefect's database) and in
what the night printed. Only the credentials file (0600) may hold them.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.homes import Home

pytestmark = [pytest.mark.database, pytest.mark.e2e]


@dataclass(frozen=True)
class WatchedNight:
    home: Home
    passwords: dict[str, str]
    process_arguments: set[str]
    output: str


def _watch_processes(seen: set[str], stop: threading.Event) -> None:
    """Collect every process's arguments, as ps shows them, until stopped."""
    while not stop.is_set():
        for command_line in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                arguments = command_line.read_bytes()
            except OSError:  # the process ended meanwhile
                continue
            seen.add(arguments.replace(b"\0", b" ").decode(errors="replace").strip())
        stop.wait(0.1)


@pytest.fixture(scope="module")
def night() -> Iterator[WatchedNight]:
    # In a folder every user may enter, so the home's own permissions are what is tested.
    parent = Path(tempfile.mkdtemp(prefix="danvan-night-"))
    parent.chmod(0o755)
    home = Home.create(parent / "danvan")
    home.run("warehouse", "start")
    home.run("demo")
    seen: set[str] = set()
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_processes, args=(seen, stop))
    watcher.start()
    try:
        nightly = home.run("nightly", check=False)
    finally:
        stop.set()
        watcher.join()
    try:
        assert nightly.returncode == 0, nightly.stdout + nightly.stderr
        yield WatchedNight(home, home.credentials(), seen, nightly.stdout + nightly.stderr)
    finally:
        home.run("warehouse", "stop", check=False)
        shutil.rmtree(parent)


def _files_holding(root: Path, secrets: list[str]) -> set[Path]:
    holding = set()
    for path in root.rglob("*"):
        if path.is_file() and not path.is_socket():
            content = path.read_bytes()
            if any(secret.encode() in content for secret in secrets):
                holding.add(path)
    return holding


def _prefect_database(path: Path) -> bool:
    return path.parent.name == "prefect" and path.name.startswith("prefect.db")


def test_no_password_in_any_process_arguments_during_a_night(night):
    # GIVEN every process's arguments seen while the night ran
    arguments = night.process_arguments
    assert any("danvan nightly" in line for line in arguments), "the watch saw the night"
    # THEN none carries a password
    for password in night.passwords.values():
        assert not [line for line in arguments if password in line]


def test_no_password_in_the_home_except_the_credentials_file(night):
    # GIVEN every file the night left under the home, but Prefect's database (below)
    holding = {
        path
        for path in _files_holding(night.home.path, list(night.passwords.values()))
        if not _prefect_database(path)
    }
    # THEN only the credentials file holds a password, and only its owner may read it
    credentials = night.home.path / "warehouse" / "credentials.json"
    assert holding == {credentials}
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    # AND the night printed none
    for password in night.passwords.values():
        assert password not in night.output


def test_no_password_in_prefect_s_database(night):
    # GIVEN Prefect's database of the night's flow runs, task runs, logs and events
    database = [path for path in (night.home.path / "prefect").iterdir() if _prefect_database(path)]
    assert database
    # THEN no password is stored in it
    assert _files_holding(night.home.path / "prefect", list(night.passwords.values())) == set()


@pytest.mark.skipif(os.geteuid() != 0, reason="switching OS users needs root")
def test_another_os_user_can_read_nothing_in_the_home(night):
    # GIVEN the home after a night, in a folder the unprivileged OS user nobody may enter
    # WHEN nobody looks for anything it can read there
    readable = subprocess.run(
        ["find", str(night.home.path.parent), "-readable"],
        user="nobody",
        group="nogroup",
        extra_groups=[],
        env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"},
        capture_output=True,
        text=True,
        cwd="/",
        check=False,
    )
    # THEN it finds the folder, and not one thing inside the home
    assert readable.stdout.splitlines() == [str(night.home.path.parent)]
    assert f"{night.home.path}': Permission denied" in readable.stderr
