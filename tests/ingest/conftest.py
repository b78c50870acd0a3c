from __future__ import annotations

import pytest

from danvan.warehouse.db import bootstrap


@pytest.fixture
def warehouse_url(database_url: str) -> str:
    """A fresh database with the raw and audit tables."""
    bootstrap(database_url)
    return database_url
