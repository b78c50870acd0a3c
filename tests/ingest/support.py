"""Small builders shared by the ingestion tests: submissions, hand-made workbooks, raw reads."""

from __future__ import annotations

from pathlib import Path

import psycopg

from danvan.ingest.landing import FileResult
from danvan.ingest.service import land_batch
from danvan.settings import Settings
from danvan.synthetic.hostile import tra_ka

SEEDS_DIR = Settings().reference_seeds_dir


def submission(**header: object) -> dict:
    """A small valid submission of Trà Ka commune; ``header`` overrides header cells."""
    return tra_ka(**header)


def land(url: str, *paths: Path) -> dict[str, FileResult]:
    return {result.file_name: result for result in land_batch(url, list(paths), SEEDS_DIR)}


def fetch(url: str, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()
