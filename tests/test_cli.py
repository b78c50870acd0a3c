"""Every command of the danvan CLI answers --help."""

from __future__ import annotations

import os

import click
import pytest
from click.testing import CliRunner

from danvan.cli import main
from tests.conftest import free_port


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("command", list(_commands(main)), ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_warehouse_commands_refuse_to_manage_an_external_database(monkeypatch):
    # GIVEN an external warehouse configured
    monkeypatch.setenv("DANVAN_DATABASE_URL", "postgresql://somebody@db.invalid/danvan")
    # WHEN asked to stop the embedded one
    result = CliRunner().invoke(main, ["warehouse", "stop"])
    # THEN it refuses and says why
    assert result.exit_code != 0
    assert "DANVAN_DATABASE_URL is set" in result.output


def test_commands_leave_the_caller_s_umask_as_it_was():
    # GIVEN the umask of the calling process
    before = os.umask(0o022)
    os.umask(before)
    # WHEN a command runs in this process (it writes with umask 077)
    CliRunner().invoke(main, ["server", "--help"])
    # THEN the caller's umask is back
    assert os.umask(before) == before


def test_server_status_when_stopped(tmp_path, monkeypatch):
    # GIVEN a home where no Prefect server was started
    monkeypatch.setenv("DANVAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DANVAN_PREFECT_PORT", str(free_port()))
    # WHEN its status is asked
    result = CliRunner().invoke(main, ["server", "status"])
    # THEN it says it is stopped, where its log is, and exits 1
    assert result.exit_code == 1
    assert "Prefect server stopped" in result.output
    assert str(tmp_path / "home" / "prefect" / "server.log") in result.output
