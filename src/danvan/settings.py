"""The one settings object: where the warehouse is, where files come and go.

Values come from environment variables prefixed ``DANVAN_`` or from the ``.env``
file at the project root. Code receives a ``Settings`` instance; nothing else
reads the environment.

Secrets (the passwords and ``database_url``, which may carry one) are never
serialised: a dump of the settings, for example a Prefect flow parameter, holds
none, and settings rebuilt from such a dump read them again from the process's
own environment or, for the embedded warehouse, from its credentials file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from psycopg.conninfo import conninfo_to_dict, make_conninfo
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from danvan.prefect_server import PrefectServer

PROJECT_ROOT = Path(__file__).resolve().parents[2]

WAREHOUSE_DATABASE = "danvan"
WAREHOUSE_OWNER = "danvan"
WAREHOUSE_READER = "danvan_reader"

# Both below the kernel's ephemeral range (32768–60999), where an outgoing connection
# may hold a port nobody listens on.
DEFAULT_WAREHOUSE_PORT = 15432
DEFAULT_PREFECT_PORT = 4200
DEFAULT_BUILD_WORK_MEM = "64MB"

# Prefect's temporary API server gets 20 s to start by default; a loaded 2-core machine
# needs more.
PREFECT_EPHEMERAL_STARTUP_TIMEOUT_SECONDS = 300


LOCAL_CLUSTER = re.compile(r"local(?::(?P<workers>[1-9][0-9]*))?")
SCHEDULER_ADDRESS = re.compile(r"(tcp|tls)://[^\s/]+:[0-9]+")


@dataclass(frozen=True)
class IngestCluster:
    """The Dask cluster that lands inbox files: an existing scheduler's address, or a
    cluster of worker processes on this machine (``workers`` None: one per core)."""

    address: str | None = None
    workers: int | None = None

    @classmethod
    def parse(cls, value: str) -> IngestCluster:
        if SCHEDULER_ADDRESS.fullmatch(value):
            return cls(address=value)
        local = LOCAL_CLUSTER.fullmatch(value)
        if local is None:
            raise ValueError(
                f"DANVAN_INGEST_CLUSTER={value!r}: cần 'local', 'local:N' (N tiến trình) "
                "hoặc địa chỉ bộ lập lịch Dask 'tcp://máy:cổng' / "
                "expected 'local', 'local:N' (N worker processes) or a Dask scheduler's "
                "address 'tcp://host:port'"
            )
        workers = local.group("workers")
        return cls(workers=int(workers) if workers else None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DANVAN_", env_file=PROJECT_ROOT / ".env", extra="ignore"
    )

    home: Path = Field(
        default=Path(".danvan"),
        description="State directory: embedded warehouse, inbox, archive, runs, Prefect. "
        "A relative path is taken from the project root, never from the current directory.",
    )
    database_url: str | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="An external PostgreSQL; when set the embedded warehouse is never started.",
    )
    admin_database_url: str | None = Field(
        default=None,
        exclude=True,
        repr=False,
        description="With an external warehouse: a role that may create roles, for "
        "`danvan access` (the embedded warehouse uses its own superuser).",
    )
    port: int = Field(
        default=DEFAULT_WAREHOUSE_PORT, description="TCP port of the embedded warehouse."
    )
    prefect_port: int = Field(
        default=DEFAULT_PREFECT_PORT,
        description="Port of the local Prefect server (`danvan server start`) and its UI.",
    )
    password: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="Password of the embedded warehouse's login role; generated on first start.",
    )
    reader_password: SecretStr | None = Field(
        default=None,
        exclude=True,
        description="Password of the read-only role BI tools use; generated on first start.",
    )
    approval_levels: frozenset[str] = Field(
        default=frozenset(),
        description="Reporting-unit levels (commune, district, province, agency) whose "
        "submissions wait for an operator's approval before they are published.",
    )
    volume_drop_block_share: float = Field(
        default=0.2,
        description="Publication is blocked when a province's current reports drop by more "
        "than this share since the last publication (a systemic loss, not a sender's error).",
    )
    history_retention_days: int | None = Field(
        default=None,
        description="Rows that left the marts longer ago than this are removed from "
        "marts_history; unset: keep every publication.",
    )
    ingest_cluster: str | None = Field(
        default=None,
        description="Where inbox files are landed: unset, in this process; `local` or "
        "`local:N`, a Dask cluster of N worker processes on this machine; "
        "`tcp://host:port`, an existing Dask scheduler (its workers run this project, "
        "with the same paths).",
    )
    feedback_workers: int = Field(
        default_factory=lambda: len(os.sched_getaffinity(0)),
        ge=1,
        description="Processes that write senders' feedback on a night of many files "
        "(default: one per core of this machine).",
    )
    build_work_mem: str = Field(
        default=DEFAULT_BUILD_WORK_MEM,
        description="PostgreSQL's work_mem for dbt's builds and the report's queries: a "
        "national build's sorts and hashes stay in memory instead of spilling to disk (one "
        "per sort, per thread).",
    )
    project_root: Path = Field(default=PROJECT_ROOT)

    @field_validator("ingest_cluster")
    @classmethod
    def _known_cluster(cls, value: str | None) -> str | None:
        if not value:  # an empty variable, as compose files write it, means unset
            return None
        IngestCluster.parse(value)
        return value

    @property
    def ingest_cluster_spec(self) -> IngestCluster | None:
        return IngestCluster.parse(self.ingest_cluster) if self.ingest_cluster else None

    @property
    def home_dir(self) -> Path:
        home = self.home.expanduser()
        if not home.is_absolute():
            home = self.project_root / home
        return home.resolve()

    @property
    def inbox_dir(self) -> Path:
        return self.home_dir / "inbox"

    @property
    def archive_dir(self) -> Path:
        return self.home_dir / "archive"

    @property
    def rejected_dir(self) -> Path:
        return self.home_dir / "rejected"

    @property
    def pgdata_dir(self) -> Path:
        return self.home_dir / "warehouse" / "pgdata"

    @property
    def prefect_home(self) -> Path:
        """PREFECT_HOME: Prefect's database, and the local server's state and log."""
        return self.home_dir / "prefect"

    @property
    def run_dir(self) -> Path:
        """Per-run artefacts: dbt target and logs, Data Docs."""
        return self.home_dir / "runs"

    @property
    def dbt_state_dir(self) -> Path:
        """dbt's target directory, kept between runs for its partial-parse cache."""
        return self.home_dir / "dbt"

    @property
    def dbt_project_dir(self) -> Path:
        return self.project_root / "dbt_project"

    @property
    def reference_seeds_dir(self) -> Path:
        """Reference data shared by ingestion (matching) and dbt (seeds)."""
        return self.dbt_project_dir / "seeds" / "reference"

    @property
    def expectations_dir(self) -> Path:
        return self.project_root / "expectations"

    @property
    def dashboards_dir(self) -> Path:
        """The Superset dashboards, as Superset's export bundle (YAML)."""
        return self.project_root / "dashboards" / "superset"

    @property
    def uses_embedded_warehouse(self) -> bool:
        return self.database_url is None


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)


def prepare_home(settings: Settings) -> Path:
    """Create the state directory private to its owner (others may at most traverse it)."""
    home = settings.home_dir
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = home.stat().st_mode & 0o777
    if mode & 0o066:
        home.chmod(mode & ~0o066)
    settings.prefect_home.mkdir(mode=0o700, exist_ok=True)
    return home


def local_prefect_server(settings: Settings) -> PrefectServer:
    return PrefectServer(settings.prefect_home, settings.prefect_port)


def configure_prefect(settings: Settings) -> str | None:
    """Point Prefect at the local server when it is up, else at a temporary one.

    Prefect reads its configuration from the environment when it is imported, so this
    runs first. An API URL already in the environment (e.g. docker-compose) is kept.
    Returns the API URL of the long-lived server in use, or None for a temporary one.
    """
    prepare_home(settings)
    os.environ.setdefault("PREFECT_HOME", str(settings.prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "true")
    os.environ.setdefault(
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
        str(PREFECT_EPHEMERAL_STARTUP_TIMEOUT_SECONDS),
    )
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    if "PREFECT_API_URL" not in os.environ:
        status = local_prefect_server(settings).status()
        if not status.running:
            return None
        os.environ["PREFECT_API_URL"] = status.api_url
    return os.environ["PREFECT_API_URL"]


class DatabaseTarget:
    """A resolved PostgreSQL connection: URL plus the pieces dbt and psql want."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __repr__(self) -> str:
        return f"DatabaseTarget({self.conninfo_without_password()!r})"

    @cached_property
    def params(self) -> dict[str, str]:
        return {key: str(value) for key, value in conninfo_to_dict(self.url).items()}

    def conninfo_without_password(self) -> str:
        """The connection string to show or pass on a command line: its password left out."""
        return make_conninfo(
            **{key: value for key, value in self.params.items() if key != "password"}
        )

    def libpq_environment(self) -> dict[str, str]:
        """The password as libpq reads it from the environment (never a process argument)."""
        password = self.params.get("password")
        return {"PGPASSWORD": password} if password else {}

    def dbt_environment(self) -> dict[str, str]:
        params = self.params
        return {
            "DANVAN_PG_HOST": params.get("host", "localhost"),
            "DANVAN_PG_PORT": params.get("port", "5432"),
            "DANVAN_PG_USER": params.get("user", "postgres"),
            "DANVAN_PG_PASSWORD": params.get("password", ""),
            "DANVAN_PG_DBNAME": params.get("dbname", params.get("user", "postgres")),
        }
