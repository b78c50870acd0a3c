"""`danvan` commands as separate processes, as the scheduler and operators run them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from danvan.settings import Settings

DANVAN = Path(sys.executable).with_name("danvan")


def danvan_environment(settings: Settings, prefect_api_url: str | None = None) -> dict[str, str]:
    """The environment of a `danvan` process on this home and warehouse: with a Prefect API
    given, it records its runs there; else it starts its own temporary server."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    environment |= {
        "DANVAN_HOME": str(settings.home_dir),
        "DANVAN_DATABASE_URL": str(settings.database_url),
    }
    if prefect_api_url:
        environment["PREFECT_API_URL"] = prefect_api_url
    return environment


def start_danvan(
    settings: Settings, log: Path, *arguments: str, prefect_api_url: str | None = None
) -> subprocess.Popen:
    """`danvan …` on this warehouse as its own process group, so that a kill takes all of it."""
    with log.open("w") as output:
        return subprocess.Popen(
            [str(DANVAN), *arguments],
            env=danvan_environment(settings, prefect_api_url),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
