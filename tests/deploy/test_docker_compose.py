"""docker-compose.yml cannot run here (no Docker engine); its wiring is checked instead."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from click.testing import CliRunner
from flows.nightly import NIGHTLY_CRON, NIGHTLY_TIMEZONE

from danvan.cli import main
from danvan.settings import WAREHOUSE_READER

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


def test_compose_ships_the_superset_tests_bi_installs():
    services = COMPOSE["services"]
    superset_dir = ROOT / "docker" / "superset"
    # GIVEN the BI services: Superset is built from docker/superset, the install tests/bi tests
    assert not [name for name in services if "metabase" in name]
    assert (
        services["superset"]["build"] == services["superset-init"]["build"] == "./docker/superset"
    )
    dockerfile = (superset_dir / "Dockerfile").read_text(encoding="utf-8")
    assert "-r requirements.txt" in dockerfile and "superset_config.py" in dockerfile
    # THEN its metadata lives in its own database, initialised before the server starts
    assert "healthcheck" in services["superset-db"]
    assert any(":/var/lib/postgresql/data" in v for v in services["superset-db"]["volumes"])
    assert services["superset-init"]["command"] == ["sh", "init.sh"]
    assert services["superset"]["depends_on"]["superset-init"] == {
        "condition": "service_completed_successfully"
    }
    # AND everything superset_config.py and init.sh read from the environment is set
    read = set(
        re.findall(r'os\.environ\["(\w+)"\]', (superset_dir / "superset_config.py").read_text())
    ) | set(re.findall(r'"\$(\w+)"', (superset_dir / "init.sh").read_text()))
    assert read <= set(services["superset"]["environment"]), read
    assert "@superset-db:" in services["superset"]["environment"]["SUPERSET_DATABASE_URI"]


def test_compose_imports_the_dashboards_as_the_read_only_role():
    setup = COMPOSE["services"]["superset-setup"]
    # GIVEN the one-shot that imports the dashboards, from the danvan image that holds them
    assert setup["command"] == ["danvan", "bi-setup", "--superset-url", "http://superset:8088"]
    assert "COPY dashboards" in (ROOT / "Dockerfile").read_text(encoding="utf-8")
    # THEN Superset reads the warehouse as the read-only role, never as the owner
    reader = urlsplit(setup["environment"]["BI_READER_URL"])
    assert (reader.username, reader.hostname) == (WAREHOUSE_READER, "warehouse")
    assert setup["depends_on"]["superset"] == {"condition": "service_healthy"}
