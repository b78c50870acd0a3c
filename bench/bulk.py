"""Bulk: land one large CSV export vs `psql \\copy` of the same file into an unlogged table.

Target: at least 0.5 of \\copy's rows per second.
"""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from bench.common import best_of, cached, psql, report
from danvan.ingest.format.writers import write_csv
from danvan.synthetic.generate import generate

TARGET = 0.5


def _export(rows: int, messy: bool):
    def build(directory: Path) -> None:
        # About 2.5 indicator rows per model, period and commune, plus revisions.
        communes = max(4, rows // (12 * 6 * 2))
        generated = generate(communes, 12, 6, seed=1, messy=messy)
        submissions = [s.submission for s in generated.submissions]
        for path in write_csv(submissions, directory, "export"):
            if not path.name.endswith(".indicators.csv"):
                path.unlink()

    return build


def run(rows: int = 1_000_000, messy: bool = False, repeat: int = 3) -> bool:
    directory = cached(f"bulk-{rows}-{'messy' if messy else 'clean'}", _export(rows, messy))
    (path,) = directory.glob("*.indicators.csv")
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().strip().split(",")
        count = sum(1 for _ in handle)
    columns = ", ".join(f'"{name}" text' for name in header)

    def copy(url: str) -> None:
        subprocess.run(
            [
                psql(),
                url,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"create unlogged table reference_copy ({columns})",
                "-c",
                f"\\copy reference_copy from '{path}' csv header",
            ],
            check=True,
        )

    copy_seconds, ingest_seconds, landed = best_of(repeat, copy, path)
    return report(
        "bulk",
        f"{count:,} rows, best of {repeat}; \\copy {count / copy_seconds:,.0f} rows/s, "
        f"ingest {landed / ingest_seconds:,.0f} rows/s ({ingest_seconds:.1f} s)",
        (landed / ingest_seconds) / (count / copy_seconds),
        TARGET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="indicator rows, about")
    parser.add_argument("--messy", action="store_true", help="spellings as communes type them")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    arguments = parser.parse_args()
    run(arguments.rows, arguments.messy, arguments.repeat)


if __name__ == "__main__":
    main()
