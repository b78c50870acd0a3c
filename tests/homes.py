"""A danvan home of its own, driven through the ``danvan`` command as an operator would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from danvan.warehouse.embedded import EmbeddedWarehouse
from tests.conftest import free_port

DANVAN = str(Path(sys.executable).with_name("danvan"))


@dataclass(frozen=True)
class Home:
    path: Path
    env: dict[str, str]

    @classmethod
    def create(cls, path: Path, database_url: str | None = None) -> Home:
        """A home with its own embedded warehouse, or using the warehouse at ``database_url``."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DANVAN_", "PREFECT_API_URL", "PREFECT_HOME", "PG"))
        }
        env.update(
            {
                "DANVAN_HOME": str(path),
                "DANVAN_PORT": str(free_port()),
                "DANVAN_PREFECT_PORT": str(free_port()),
            }
        )
        if database_url is not None:
            env["DANVAN_DATABASE_URL"] = database_url
        return cls(path, env)

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run ``danvan ARGS…`` from a folder that is not the project."""
        result = subprocess.run(
            [DANVAN, *args],
            env=self.env,
            cwd=self.path.parent,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"danvan {' '.join(args)}: {result.stdout}{result.stderr}")
        return result

    @property
    def warehouse(self) -> EmbeddedWarehouse:
        return EmbeddedWarehouse(self.path / "warehouse" / "pgdata", int(self.env["DANVAN_PORT"]))

    def credentials(self) -> dict[str, str]:
        return json.loads((self.path / "warehouse" / "credentials.json").read_text())
