"""The one settings object: where the warehouse is, where files come and go.

Values come from environment variables prefixed ``DANVAN_`` or from a ``.env``
file in the working directory. Code receives a ``Settings`` instance; nothing
else reads the environment.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]

WAREHOUSE_DATABASE = "danvan"
WAREHOUSE_OWNER = "danvan"
WAREHOUSE_READER = "danvan_reader"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DANVAN_", env_file=".env", extra="ignore")

    home: Path = Field(
        default=Path(".danvan"),
        description="State directory: embedded warehouse data, inbox, archive, logs.",
    )
    database_url: str | None = Field(
        default=None,
        description="An external PostgreSQL; when set the embedded warehouse is never started.",
    )
    port: int = Field(default=54329, description="TCP port of the embedded warehouse.")
    password: SecretStr | None = Field(
        default=None,
        description="Password of the embedded warehouse's login role; generated on first start.",
    )
    reader_password: SecretStr | None = Field(
        default=None,
        description="Password of the read-only role BI tools use; generated on first start.",
    )
    project_root: Path = Field(default=PROJECT_ROOT)

    @property
    def home_dir(self) -> Path:
        return self.home.expanduser().resolve()

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
    def run_dir(self) -> Path:
        """Per-run artefacts: dbt target and logs, Data Docs."""
        return self.home_dir / "runs"

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


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)


def configure_prefect(settings: Settings) -> None:
    """Prefect reads its configuration from the environment when it is imported."""
    prefect_home = settings.home_dir / "prefect"
    prefect_home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(prefect_home))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LOG_PRINTS", "true")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


class DatabaseTarget:
    """A resolved PostgreSQL connection: URL plus the pieces dbt and psql want."""

    def __init__(self, url: str) -> None:
        self.url = url

    @cached_property
    def params(self) -> dict[str, str]:
        return {key: str(value) for key, value in conninfo_to_dict(self.url).items()}

    def dbt_environment(self) -> dict[str, str]:
        params = self.params
        return {
            "DANVAN_PG_HOST": params.get("host", "localhost"),
            "DANVAN_PG_PORT": params.get("port", "5432"),
            "DANVAN_PG_USER": params.get("user", "postgres"),
            "DANVAN_PG_PASSWORD": params.get("password", ""),
            "DANVAN_PG_DBNAME": params.get("dbname", params.get("user", "postgres")),
        }
