"""docker-compose.yml cannot run here (no Docker engine); its wiring is checked instead."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from click.testing import CliRunner
from flows.nightly import NIGHTLY_CRON, NIGHTLY_TIMEZONE

from danvan.cli import main

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def _danvan_commands() -> list[list[str]]:
    return [
        service["command"][1:]
        for service in COMPOSE["services"].values()
        if isinstance(service.get("command"), list) and service["command"][0] == "danvan"
    ]


def test_every_danvan_command_in_compose_exists():
    # GIVEN the danvan commands the compose services run
    commands = _danvan_commands()
    assert ["schedule"] in commands, "the nightly deployment must be served"
    for command in commands:
        # WHEN each is asked for its help
        result = CliRunner().invoke(main, [command[0], "--help"])
        # THEN the command exists in the package
        assert result.exit_code == 0, f"danvan {command[0]}: {result.output}"


def test_services_have_what_production_needs():
    services = COMPOSE["services"]
    # GIVEN the warehouse and Prefect's database: healthchecks and persistent volumes
    for name in ("warehouse", "prefect-db"):
        assert "healthcheck" in services[name]
        assert any(":/var/lib/postgresql/data" in volume for volume in services[name]["volumes"])
    # THEN the Prefect server uses its own database, not the warehouse
    assert (
        "@prefect-db:"
        in services["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    )
    # AND every file a service mounts or builds from exists
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").exists()


def test_prefect_entry_point_in_compose_exists():
    # GIVEN the prefect server command
    command = COMPOSE["services"]["prefect-server"]["command"]
    # THEN it is Prefect's own CLI, installed with the package
    assert command[:3] == ["prefect", "server", "start"]
    assert (Path(sys.executable).parent / "prefect").exists()


def test_nightly_schedule_is_two_am_hanoi_time():
    assert (NIGHTLY_CRON, NIGHTLY_TIMEZONE) == ("0 2 * * *", "Asia/Ho_Chi_Minh")
