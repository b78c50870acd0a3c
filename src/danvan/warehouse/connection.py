"""Which PostgreSQL the project talks to, decided once from the settings."""

from __future__ import annotations

from danvan.settings import (
    WAREHOUSE_DATABASE,
    WAREHOUSE_OWNER,
    WAREHOUSE_READER,
    DatabaseTarget,
    Settings,
)
from danvan.warehouse.embedded import EmbeddedWarehouse


def embedded_warehouse(settings: Settings) -> EmbeddedWarehouse:
    return EmbeddedWarehouse(
        pgdata=settings.pgdata_dir,
        port=settings.port,
        password=settings.password.get_secret_value() if settings.password else None,
        reader_password=(
            settings.reader_password.get_secret_value() if settings.reader_password else None
        ),
    )


def warehouse_target(
    settings: Settings, *, start: bool = True, reader: bool = False
) -> DatabaseTarget:
    """The external warehouse when one is configured, else the embedded one (started if asked)."""
    if settings.database_url is not None:
        return DatabaseTarget(settings.database_url)
    warehouse = embedded_warehouse(settings)
    if start:
        warehouse.start()
    return DatabaseTarget(warehouse.url(WAREHOUSE_READER if reader else WAREHOUSE_OWNER))


def admin_target(settings: Settings) -> DatabaseTarget:
    """A role that may create roles in the warehouse database: the embedded warehouse's
    superuser, or the external warehouse's administrator (else its owner)."""
    if settings.database_url is not None:
        return DatabaseTarget(settings.admin_database_url or settings.database_url)
    warehouse = embedded_warehouse(settings)
    warehouse.start()
    return DatabaseTarget(warehouse.admin_url(WAREHOUSE_DATABASE))
