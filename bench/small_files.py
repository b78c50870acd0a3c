"""Many small files: land 10,000 submissions of about 50 rows (workbooks, JSON, CSV in turn).

Target: at least 300 files per second on 2 cores, in batches of 250 as the ingest flow
lands them, by one process or several. The printed ratio is files per second over 300.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from pathlib import Path

from bench.common import SEEDS_DIR, cached, report, warehouse, warm_reference_data
from danvan.ingest.format.writers import write_csv, write_json, write_workbook
from danvan.ingest.inbox import batches, inbox_entries
from danvan.ingest.service import land_batch
from danvan.synthetic.generate import generate

TARGET_FILES_PER_SECOND = 300
BATCH_SIZE = 250  # as flows/ingest.py


def _files(count: int):
    def build(directory: Path) -> None:
        # About 50 rows each: 8 models with their indicators, contributions and activities.
        written = 0
        for index, generated in enumerate(
            generate(count // 6 + 1, 6, 8, seed=3, messy=True).submissions
        ):
            if written >= count:
                break
            document, stem = generated.submission, directory / generated.name
            if index % 3 == 0:
                write_workbook(document, stem.with_suffix(".xlsx"), language=generated.language)
                written += 1
            elif index % 3 == 1:
                write_json(document, stem.with_suffix(".json"))
                written += 1
            else:
                written += len(write_csv([document], directory, generated.name))

    return build


def _land(url: str, paths: list[Path]) -> int:
    return sum(result.rows_loaded for result in land_batch(url, paths, SEEDS_DIR))


def _ready(_: int) -> None:
    time.sleep(0.5)  # every worker takes one, so all have loaded the reference data


def run(count: int = 10_000, workers: int = 1) -> bool:
    paths = [entry.path for entry in inbox_entries(cached(f"small-files-{count}", _files(count)))]
    chunks = batches(paths, BATCH_SIZE)
    warm_reference_data()
    with warehouse() as url, ProcessPoolExecutor(workers, initializer=warm_reference_data) as pool:
        list(pool.map(_ready, range(workers)))
        started = time.perf_counter()
        rows = sum(pool.map(_land, repeat(url), chunks))
        elapsed = time.perf_counter() - started
    files_per_second = len(paths) / elapsed
    return report(
        "small files",
        f"{len(paths):,} files, {rows:,} rows in {elapsed:.1f} s with {workers} process(es): "
        f"{files_per_second:,.0f} files/s",
        files_per_second / TARGET_FILES_PER_SECOND,
        1.0,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="processes landing batches")
    arguments = parser.parse_args()
    run(arguments.files, arguments.workers)


if __name__ == "__main__":
    main()
