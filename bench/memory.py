"""Memory: peak resident memory of landing one bulk CSV export, from 11 MB up.

Landing streams a large CSV a group of rows at a time and keeps its judgements in bounded
caches, so its peak RSS should hardly grow with the file: the largest file's peak should be
within 20 % of the smallest's. Each size is landed by a fresh process on a fresh database;
its peak RSS is the kernel's for that process (``os.wait4``), reference data included.

The exports are the bulk benchmark's (``bench.bulk``) at about 11 MB, written again with
each report's date sent moved on by one day per copy until the size is reached, so a larger
file names more distinct reports as a larger province's would. They are generated once into
DANVAN_BENCH_DATA (a 1 GB one in about a minute). Landing refuses a CSV over 256 MiB
(``readers.MAX_FILE_BYTES``), so the default sizes stop at 250 MB; a larger size is landed
with that limit lifted in its process only, to see how memory would grow beyond it. Not
part of ``python -m bench``: the sizes take minutes to land on a loaded 2-core machine.

    python -m bench.memory                       # 11, 100 and 250 MB
    python -m bench.memory --sizes 11 100 1024   # in MB; 1024 beyond the limit
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from bench.bulk import _export
from bench.common import cached, warehouse
from danvan.ingest.readers import MAX_FILE_BYTES

BASE_ROWS = 61_000  # about 11 MB of export
TOLERANCE = 0.2
_DATE_SENT = re.compile(rb",(\d\d)/(\d\d)/(\d{4}),")  # the only dd/mm/yyyy field of a row


def _base() -> Path:
    (path,) = cached(f"bulk-{BASE_ROWS}-clean", _export(BASE_ROWS, messy=False)).glob("*.csv")
    return path


def _scaled(megabytes: int) -> Path:
    """The base export, copied with its dates sent one day later per copy up to the size."""
    base = _base()

    def build(directory: Path) -> None:
        header, _, body = base.read_bytes().partition(b"\n")
        copies = max(1, round(megabytes * 2**20 / len(body)))
        with (directory / "export.indicators.csv").open("wb") as out:
            out.write(header + b"\n")
            for copy in range(copies):
                out.write(_DATE_SENT.sub(_later(copy), body) if copy else body)

    return cached(f"memory-{megabytes}mb", build) / "export.indicators.csv"


def _later(days: int) -> Callable[[re.Match[bytes]], bytes]:
    """A replacement moving a date sent ``days`` later."""
    moved: dict[bytes, bytes] = {}

    def replace(match: re.Match[bytes]) -> bytes:
        found = moved.get(match[0])
        if found is None:
            day, month, year = (int(part) for part in match.groups())
            later = date(year, month, day) + timedelta(days=days)
            found = moved[match[0]] = f",{later:%d/%m/%Y},".encode()
        return found

    return replace


_LAND = """
import json, sys
from pathlib import Path
from bench.common import SEEDS_DIR
from danvan.ingest import readers
from danvan.ingest.service import land_batch
path = Path(sys.argv[2])
readers.MAX_FILE_BYTES = max(readers.MAX_FILE_BYTES, path.stat().st_size)
(result,) = land_batch(sys.argv[1], [path], SEEDS_DIR)
print(json.dumps({"status": result.status, "rows": result.rows_loaded + result.rows_quarantined}))
"""


def land_peak_rss(path: Path) -> tuple[int, int]:
    """(peak RSS in bytes, rows landed or quarantined) of a fresh process landing ``path``."""
    with warehouse() as url:
        child = subprocess.Popen(
            [sys.executable, "-c", _LAND, url, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"landing {path} failed ({child.returncode})")
    landed = json.loads(output)
    assert landed["status"] == "loaded", landed
    return usage.ru_maxrss * 1024, landed["rows"]


def run(sizes: tuple[int, ...] = (11, 100, 250)) -> bool:
    peaks = []
    for megabytes in sizes:
        path = _scaled(megabytes)
        peak, rows = land_peak_rss(path)
        peaks.append(peak)
        load = " ".join(f"{value:.2f}" for value in os.getloadavg())
        size = path.stat().st_size
        beyond = " (beyond the file size limit, lifted)" if size > MAX_FILE_BYTES else ""
        print(
            f"memory: {size / 2**20:,.0f} MiB{beyond}, {rows:,} rows: "
            f"peak RSS {peak / 2**20:,.0f} MiB; load average {load}",
            flush=True,
        )
    growth = max(peaks) / min(peaks) - 1
    flat = growth <= TOLERANCE
    verdict = "meets" if flat else "BELOW"
    print(
        f"memory: peak RSS grows {growth:.0%} from the smallest file to the largest "
        f"({verdict} the target of at most {TOLERANCE:.0%})",
        flush=True,
    )
    return flat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[11, 100, 250], help="MB")
    run(tuple(parser.parse_args().sizes))


if __name__ == "__main__":
    main()
