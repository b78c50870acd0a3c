"""A dbt command started ahead of need: it runs when asked, on the project it parsed ahead,
and a command never asked to run ends without doing anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from danvan.settings import DatabaseTarget, Settings
from danvan.transform import DbtCommand, DbtFailed

# `dbt ls` reads the project only: no warehouse is needed behind the target.
TARGET = DatabaseTarget("postgresql://danvan@127.0.0.1:5432/danvan")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", database_url=TARGET.url)


def test_a_command_parsed_ahead_runs_when_asked(settings, tmp_path):
    # GIVEN a command started ahead, parsing the project while the caller works
    command = DbtCommand(
        settings,
        TARGET,
        ["ls", "--select", "dim_period", "--output", "name"],
        tmp_path / "run",
        parse_ahead=True,
    )
    # WHEN it is asked to run
    lines: list[str] = []
    command.run(on_line=lines.append)
    # THEN its output streams to the caller, naming the model it selected
    assert any(line.strip() == "dim_period" for line in lines), lines
    # AND the project it parsed ahead is the run's manifest
    assert (settings.dbt_state_dir / "target" / "manifest.json").exists()


def test_a_command_never_asked_to_run_ends_unrun(settings, tmp_path):
    # GIVEN a command started ahead
    with DbtCommand(settings, TARGET, ["ls"], tmp_path / "run", parse_ahead=True) as command:
        pass  # WHEN the caller leaves without asking it to run (a night with nothing new)
    # THEN its process has ended
    assert command._process.returncode is not None


def test_a_failing_command_raises_with_dbt_s_exit_code(settings, tmp_path):
    # GIVEN a command whose selector dbt refuses
    command = DbtCommand(settings, TARGET, ["ls", "--select", "nosuchmethod:x"], tmp_path / "run")
    # WHEN it runs, THEN it fails naming the command and dbt's exit code
    with pytest.raises(DbtFailed, match=r"dbt ls --select nosuchmethod:x failed \(exit 2\)"):
        command.run(on_line=lambda line: None)
