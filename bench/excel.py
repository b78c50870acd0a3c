"""Excel: land one large workbook vs reading the same workbook with python-calamine alone.

Target: at least 0.6 of calamine's speed (the landing reads with calamine, checks the
file is safe to read, judges every row and copies it into the warehouse).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from python_calamine import CalamineWorkbook

from bench.common import best_of, cached, report
from danvan.ingest.format import ROW_SECTIONS
from danvan.ingest.format.writers import write_workbook
from danvan.synthetic.generate import generate

TARGET = 0.6


def _workbook(rows: int):
    def build(directory: Path) -> None:
        # One commune's report listing many models: the rows of many generated reports.
        generated = generate(max(1, rows // 250), 10, 6, seed=2, messy=True).submissions
        merged = {"submission": generated[0].submission["submission"]}
        for section in ROW_SECTIONS:
            merged[section.name] = [row for g in generated for row in g.submission[section.name]]
        write_workbook(merged, directory / "large.xlsx")

    return build


def _read_with_calamine(path: Path) -> int:
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return sum(
            len(workbook.get_sheet_by_name(name).to_python()) for name in workbook.sheet_names
        )


def run(rows: int = 100_000, repeat: int = 3) -> bool:
    path = cached(f"excel-{rows}", _workbook(rows)) / "large.xlsx"
    calamine_seconds, ingest_seconds, landed = best_of(
        repeat, lambda url: _read_with_calamine(path), path
    )
    return report(
        "excel",
        f"{landed:,} rows, {path.stat().st_size / 2**20:.1f} MiB, best of {repeat}; "
        f"calamine alone {calamine_seconds:.2f} s, ingest {ingest_seconds:.2f} s",
        calamine_seconds / ingest_seconds,
        TARGET,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the workbook, about")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    arguments = parser.parse_args()
    run(arguments.rows, arguments.repeat)


if __name__ == "__main__":
    main()
