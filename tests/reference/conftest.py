"""Fixtures for the administrative reference data: the seeds, loaded once."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from danvan.reference import AdminMap
from danvan.settings import Settings

ADMIN_SEEDS = Settings().reference_seeds_dir / "admin"


def read_seed(name: str) -> list[dict[str, str]]:
    with (ADMIN_SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return ADMIN_SEEDS


@pytest.fixture(scope="session")
def read():
    """Rows of a seed file in the admin seeds directory."""
    return read_seed


@pytest.fixture(scope="session")
def units() -> list[dict[str, str]]:
    return read_seed("ref_admin_units.csv")


@pytest.fixture(scope="session")
def crosswalk() -> list[dict[str, str]]:
    return read_seed("ref_commune_crosswalk.csv")


@pytest.fixture(scope="session")
def admin_map() -> AdminMap:
    return AdminMap.from_seeds(ADMIN_SEEDS)
