"""What every benchmark needs: a fresh warehouse database, cached input files, timing."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from danvan.ingest.service import judgements, land_batch
from danvan.settings import Settings
from danvan.warehouse.db import bootstrap

ADMIN_URL = os.environ.get(
    "DANVAN_BENCH_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
DATA_DIR = Path(os.environ.get("DANVAN_BENCH_DATA", Path(tempfile.gettempdir()) / "danvan-bench"))
SEEDS_DIR = Settings().reference_seeds_dir


@contextmanager
def warehouse(keep: bool = False) -> Iterator[str]:
    """A fresh, bootstrapped database on the benchmark server, dropped afterwards unless
    it is kept (to explore what a benchmark built)."""
    name = f"danvan_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(ADMIN_URL, dbname=name)
    try:
        bootstrap(url)
        yield url
    finally:
        if keep:
            print(f"kept the warehouse: {url}", flush=True)
        else:
            with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
                )


def cached(name: str, build: Callable[[Path], None]) -> Path:
    """A directory of generated input, built once and reused by later runs."""
    directory = DATA_DIR / name
    if not (directory / ".complete").exists():
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        print(f"generating {directory} (once) …", flush=True)
        build(directory)
        (directory / ".complete").touch()
    return directory


def warm_reference_data() -> None:
    """Load the catalogue and map before timing: a long-running worker holds them already."""
    judgements(SEEDS_DIR)


def fresh_reference_data() -> None:
    """Reference data loaded anew, so no judgement is remembered from an earlier run."""
    judgements.cache_clear()
    judgements(SEEDS_DIR)


def seconds(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def best_of(
    repeat: int, reference: Callable[[str], object], path: Path
) -> tuple[float, float, int]:
    """Best seconds of ``reference`` and of landing ``path``, each run ``repeat`` times in turn
    on a fresh database (the machine may be shared); and the rows landed or quarantined."""
    references, ingests = [], []
    for _ in range(repeat):
        with warehouse() as url:
            references.append(seconds(lambda: reference(url)))
            fresh_reference_data()
            started = time.perf_counter()
            (result,) = land_batch(url, [path], SEEDS_DIR)
            ingests.append(time.perf_counter() - started)
            assert result.status == "loaded", result.render()
    return min(references), min(ingests), result.rows_loaded + result.rows_quarantined


def psql() -> str:
    from danvan.warehouse.embedded import postgres_bin_dir

    return shutil.which("psql") or str(postgres_bin_dir() / "psql")


def report(name: str, measured: str, ratio: float, target: float) -> bool:
    verdict = "meets" if ratio >= target else "BELOW"
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(
        f"{name}: {measured}; ratio {ratio:.2f} ({verdict} the target {target:.2f}); "
        f"load average {load}",
        flush=True,
    )
    return ratio >= target
