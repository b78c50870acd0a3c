"""Nights at national size: a full night, a +1 % night and a one-file night, phase by phase.

The default warehouse is the country's: every commune of the 2025-07 map (reporting from
July 2025) plus the pre-reform communes with their history, quarterly with nine-month and
year reports, as many periods back as it takes for at least 5M fact rows (``--rows 30M``
for the stretch size). Three nights run on it in turn:

- the full night lands every submission, as the provinces' CSV exports (the bulk path);
- the +1 % night lands 1 % more submissions, one commune workbook or JSON file each;
- the one-file night lands one JSON file.

Each night's phases are read from Prefect's task runs: the seconds during which any task
of the phase ran (the senders are told while dbt builds, so two phases may overlap).
Printed: seconds per phase side by side, the ratios +1 % / full and one-file / full, the
fact rows published, peak resident memory and the database's size, with the load average.

    python -m bench.nightly                      # national, >= 5M fact rows
    python -m bench.nightly --rows 30M
    python -m bench.nightly --communes 50 --periods 4 --forms xlsx,csv,json

Generated files are kept under DANVAN_BENCH_DATA (see bench.common), so a second run of the
same size starts at once. The warehouse is a fresh database on DANVAN_BENCH_ADMIN_URL.
Other settings come from the environment: DANVAN_INGEST_CLUSTER=local:2 times the same
nights with ingestion on two Dask workers.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

import psycopg

from bench.common import SEEDS_DIR, cached, warehouse
from danvan.report.guide import guide_queries, sequential_scans
from danvan.settings import Settings, configure_prefect
from danvan.synthetic.generate import (
    NEW_MAP_PERIODS,
    NEW_MAP_SHARE,
    REVISION_RATE,
    generate,
    write_submissions,
)

# Prefect task names, by the phase they belong to.
PHASES = {
    "ingest": ("land_files", "archive_files"),
    "gate": ("admit_submissions", "plan", "tell_senders"),
    "dbt": ("needs_full_build", "start_build", "prepare_reference", "build_marts"),
    "checks": ("check_build", "keep_validation"),
    "publish": ("publish_marts", "record_release", "write_report"),
}
NIGHTS = ("full", "+1 %", "one file")
SCANNED_ROWS = 100_000  # a mart this large is read whole only by a whole-country query


# Fact rows a generated report publishes, about: activities, plus contributions and
# indicators of each model (measured: 4.95M fact rows from 239,112 reports of 13,284
# communes over 22 periods, 3 models each, revisions included).
FACT_ROWS_PER_SUBMISSION = {"base": 8.0, "per model": 3.6}


def communes_on_todays_map() -> int:
    from danvan.synthetic.generate import _communes

    units = _communes(SEEDS_DIR / "admin" / "ref_admin_units.csv")
    return sum(unit.map_version == "2025-07" for unit in units)


def periods_for(rows: int, communes: int, models: int) -> int:
    """Periods each commune reports (today's map: at most ``NEW_MAP_PERIODS``) for about
    ``rows`` fact rows."""
    per_submission = (
        FACT_ROWS_PER_SUBMISSION["base"] + models * FACT_ROWS_PER_SUBMISSION["per model"]
    ) * (1 + REVISION_RATE)
    new = communes // NEW_MAP_SHARE
    periods = 1
    while (communes - new) * periods + new * min(periods, NEW_MAP_PERIODS) < rows / per_submission:
        periods += 1
    return periods


def parse_count(text: str) -> int:
    """``5000000``, ``5M`` or ``250k``."""
    factors = {"k": 1_000, "m": 1_000_000}
    factor = factors.get(text[-1:].lower(), 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


@dataclass
class Night:
    files: int
    wall: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


async def _phase_seconds(flow_run_id: UUID, started: float) -> dict[str, float]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    async with get_client() as client:
        flow_run = await client.read_flow_run(flow_run_id)
        task_runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    spans: dict[str, list[tuple[float, float]]] = {phase: [] for phase in PHASES}
    for run in task_runs:
        name = run.name.rsplit("-", 1)[0]  # a task run is named after its task
        phase = next((phase for phase, names in PHASES.items() if name in names), None)
        if phase and run.start_time and run.end_time:
            spans[phase].append((run.start_time.timestamp(), run.end_time.timestamp()))
    phases = {phase: _covered(intervals) for phase, intervals in spans.items()}
    assert flow_run.start_time is not None
    # From the call to the flow's start: the engine, and the first night the API server.
    phases["prefect startup"] = flow_run.start_time.timestamp() - started
    return phases


def _covered(intervals: list[tuple[float, float]]) -> float:
    """Seconds during which any of the intervals runs: tasks landing side by side on Dask
    workers count once, and a phase running beside another keeps its own time."""
    covered, reached = 0.0, -math.inf
    for start, end in sorted(intervals):
        if end > reached:
            covered += end - max(start, reached)
            reached = end
    return covered


def run_night(settings: Settings, inbox: Path, files: int) -> Night:
    from flows.nightly import nightly_pipeline

    night = Night(files)
    started = time.time()
    state = nightly_pipeline(settings=settings, inbox=inbox, return_state=True)
    night.wall = time.time() - started
    summary = state.result()
    assert summary.status in ("published", "unchanged"), summary.render()
    flow_run_id = state.state_details.flow_run_id
    assert flow_run_id is not None
    night.phases = asyncio.run(_phase_seconds(flow_run_id, started))
    return night


def database_size(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("select pg_database_size(current_database())").fetchone()
    assert row is not None
    return int(row[0])


def peak_rss_mib() -> tuple[float, float]:
    """Peak resident memory of this process, and of the largest of its finished children
    (the temporary Prefect server, Dask workers), in MiB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return own / 1024, children / 1024


def print_table(nights: dict[str, Night]) -> None:
    rows = [*PHASES, "prefect startup"]
    header = f"{'':18}" + "".join(f"{name:>12}" for name in NIGHTS)
    print(header + f"{'+1 %/full':>12}{'1 file/full':>12}")

    def line(label: str, values: list[float]) -> None:
        ratios = [value / values[0] if values[0] else math.nan for value in values[1:]]
        cells = "".join(f"{value:12.1f}" for value in values)
        print(f"{label:18}{cells}" + "".join(f"{ratio:12.2f}" for ratio in ratios))

    print(f"{'files':18}" + "".join(f"{nights[name].files:12d}" for name in NIGHTS))
    for phase in rows:
        line(phase, [nights[name].phases.get(phase, 0.0) for name in NIGHTS])
    line("night (wall)", [nights[name].wall for name in NIGHTS])


def fact_rows(url: str) -> int:
    """Rows of the published fact tables (``marts.fct_*``)."""
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "select tablename from pg_tables where schemaname = 'marts' and tablename like 'fct\\_%'"
        ).fetchall()
        return sum(
            conn.execute(f"select count(*) from marts.{name}").fetchone()[0]  # type: ignore[index]
            for (name,) in tables
        )


def guide_scans(url: str) -> dict[str, list[str]]:
    """The analyst guide's queries whose plans read a large mart whole."""
    with psycopg.connect(url) as conn:
        return {
            query_id: tables
            for query_id, query in guide_queries().items()
            if (tables := sequential_scans(conn, query, SCANNED_ROWS))
        }


def generated_nights(
    communes: int, periods: int, models: int, seed: int, forms: tuple[str, ...]
) -> Path:
    """The three nights' files, generated once: ``full/``, ``more/`` (+1 % of the
    submissions, as commune workbooks and JSON) and ``one/`` (a JSON file)."""

    def build(directory: Path) -> None:
        started = time.perf_counter()
        generated = generate(communes, periods, models, seed=seed, messy=True).submissions
        files = write_submissions(generated, directory / "full", forms)
        print(
            f"generated {len(generated):,} submissions of {communes:,} communes, "
            f"{len(files):,} files, in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        # Later nights: submissions drawn with another seed (new communes and new
        # versions of reports already sent), one file each.
        more = math.ceil(len(generated) / 100)
        del generated
        pool: list = []
        extra = math.ceil(communes * 3 / 100) + 1
        while len(pool) <= more:
            pool = generate(extra, periods, models, seed=seed + 1, messy=True).submissions
            extra *= 2
        write_submissions(pool[:more], directory / "more", ("xlsx", "json"))
        write_submissions(pool[more : more + 1], directory / "one", ("json",))

    name = f"nightly-{communes}x{periods}x{models}-seed{seed}-{'-'.join(forms)}"
    return cached(name, build)


def arrive(files: Path, inbox: Path) -> int:
    """The files into the inbox (hard links where the file system allows); how many."""
    inbox.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(files.iterdir()):
        try:
            os.link(path, inbox / path.name)
        except OSError:
            shutil.copy2(path, inbox / path.name)
        count += 1
    return count


def run(
    communes: int,
    periods: int,
    models: int,
    seed: int,
    forms: tuple[str, ...],
    keep: bool = False,
) -> None:
    print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    print(f"{communes:,} communes, {periods} periods, {models} models each", flush=True)
    generated = generated_nights(communes, periods, models, seed, forms)
    work = Path(tempfile.mkdtemp(prefix="danvan-bench-nightly-"))
    try:
        inbox = work / "inbox"
        with warehouse(keep) as url:
            settings = Settings(home=work / "home", database_url=url)
            configure_prefect(settings)
            nights = {}
            for night, folder in zip(NIGHTS, ("full", "more", "one"), strict=True):
                nights[night] = run_night(settings, inbox, arrive(generated / folder, inbox))
                print(f"{night} night: {nights[night].wall:.1f} s", flush=True)
            size = database_size(url)
            facts = fact_rows(url)
            scans = guide_scans(url)
        print_table(nights)
        own, child = peak_rss_mib()
        print(
            f"fact rows {facts:,}; peak RSS {own:,.0f} MiB (this process), "
            f"{child:,.0f} MiB (largest finished child); database {size / 2**20:,.0f} MiB",
            flush=True,
        )
        print(
            f"guide queries reading a mart of {SCANNED_ROWS:,}+ rows whole: {len(scans)} of "
            f"{len(guide_queries())}",
            flush=True,
        )
        for query_id, tables in scans.items():
            print(f"  {query_id}: {', '.join(tables)}", flush=True)
        print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    finally:
        if keep:
            print(f"kept its home: {work / 'home'}", flush=True)
        else:
            shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--communes",
        type=int,
        default=None,
        help="communes reporting (a quarter of them on today's map); default: every commune "
        "of the 2025-07 map and as many pre-reform ones",
    )
    parser.add_argument(
        "--rows", type=parse_count, default=5_000_000, help="fact rows to reach (5M, 30M, 250k)"
    )
    parser.add_argument(
        "--periods", type=int, default=None, help="periods each commune reports (default: --rows)"
    )
    parser.add_argument("--models", type=int, default=3, help="models per commune")
    parser.add_argument("--forms", default="csv", help="forms of the full night's files, in turn")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the warehouse and its home afterwards, to explore them (say where)",
    )
    arguments = parser.parse_args()
    communes = arguments.communes or NEW_MAP_SHARE * communes_on_todays_map()
    periods = arguments.periods or periods_for(arguments.rows, communes, arguments.models)
    forms = tuple(arguments.forms.split(","))
    run(communes, periods, arguments.models, arguments.seed, forms, arguments.keep)


if __name__ == "__main__":
    main()
