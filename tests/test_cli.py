"""Every command of the danvan CLI answers --help."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from danvan.cli import main


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
