"""Nights at a given size: a full night, a +1 % night and a one-file night, phase by phase.

A warehouse is generated at the size asked (default: as many communes as the 2025-07 map
has, each reporting four periods, quarters first, with three models), then three nights
run on it in turn: the full night lands every file; the +1 % night lands 1 % more new
submission files; the one-file night lands one. Each night's phases are read from Prefect's
task and flow runs. Printed: seconds per phase side by side, the ratios +1 % / full and
one-file / full (an incremental night should cost a small share of a full one), peak
resident memory and the database's size.

    python -m bench.nightly --communes 50 --periods 4 --models 3

The warehouse is a fresh database on DANVAN_BENCH_ADMIN_URL (see bench.common). Other
settings come from the environment: DANVAN_INGEST_CLUSTER=local:2 times the same nights
with ingestion on two Dask workers. Generating is dominated by writing workbooks
(openpyxl, about 80 ms each on a loaded 2-core machine; JSON and CSV about 3 ms).
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
from datetime import datetime
from pathlib import Path
from uuid import UUID

import psycopg

from bench.common import SEEDS_DIR, warehouse
from danvan.settings import Settings, configure_prefect
from danvan.synthetic.generate import FORMS, GeneratedSubmission, generate, write_form

# Prefect task (or subflow) names, by the phase they belong to.
PHASES = {
    "ingest": ("danvan-ingest",),
    "gate": ("admit_submissions", "plan", "tell_senders"),
    "dbt": ("needs_full_build", "prepare_reference", "build_marts"),
    "checks": ("check_build", "keep_validation"),
    "publish": ("publish_marts", "record_release", "write_report"),
}
NIGHTS = ("full", "+1 %", "one file")


def communes_on_todays_map() -> int:
    from danvan.synthetic.generate import _communes

    units = _communes(SEEDS_DIR / "admin" / "ref_admin_units.csv")
    return sum(unit.map_version == "2025-07" for unit in units)


@dataclass
class Night:
    files: int
    wall: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)


def write_submissions(
    submissions: list[GeneratedSubmission], directory: Path, forms: tuple[str, ...] = FORMS
) -> int:
    """The submissions in each form in turn, as ``danvan generate`` writes them; how many
    files (a CSV export is a file per section)."""
    written = 0
    for index, form in enumerate(forms):
        written += len(write_form(submissions[index :: len(forms)], directory, form))
    return written


async def _phase_seconds(flow_run_id: UUID, started: float) -> dict[str, float]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterParentFlowRunId,
    )

    async with get_client() as client:
        flow_run = await client.read_flow_run(flow_run_id)
        task_runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
        subflows = await client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_flow_run_id=FlowRunFilterParentFlowRunId(any_=[flow_run_id])
            )
        )
    durations: dict[str, float] = {}
    for run in task_runs:
        if run.start_time and run.end_time:
            name = run.name.rsplit("-", 1)[0]  # a task run is named after its task
            durations[name] = durations.get(name, 0.0) + _seconds(run.start_time, run.end_time)
    # A subflow's time is its own flow run's (its stand-in task run in the parent is left out).
    durations["danvan-ingest"] = sum(
        _seconds(run.start_time, run.end_time)
        for run in subflows
        if run.start_time and run.end_time
    )
    phases = {
        phase: sum(durations.get(name, 0.0) for name in names) for phase, names in PHASES.items()
    }
    assert flow_run.start_time is not None
    # From the call to the flow's start: the engine, and the first night the API server.
    phases["prefect startup"] = flow_run.start_time.timestamp() - started
    return phases


def _seconds(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds()


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


def run(communes: int, periods: int, models: int, seed: int = 0) -> None:
    print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="danvan-bench-nightly-"))
    try:
        started = time.perf_counter()
        generated = generate(communes, periods, models, seed=seed, messy=True).submissions
        generated_at = time.perf_counter()
        inbox = work / "inbox"
        files = write_submissions(generated, inbox)
        written_at = time.perf_counter()
        generation = written_at - started
        print(
            f"generated {len(generated):,} submissions of {communes:,} communes in "
            f"{generated_at - started:.1f} s, written as {files:,} files in "
            f"{written_at - generated_at:.1f} s",
            flush=True,
        )
        # New submissions for the later nights: other communes (another seed), one file each.
        more = math.ceil(files / 100)
        extra_communes = math.ceil(communes * 3 / 100) + 1
        pool = generate(extra_communes, periods, models, seed=seed + 1, messy=True).submissions
        assert len(pool) > more, "too few new submissions generated"
        with warehouse() as url:
            settings = Settings(home=work / "home", database_url=url)
            configure_prefect(settings)
            nights = {"full": run_night(settings, inbox, files)}
            added = write_submissions(pool[:more], inbox, ("xlsx", "json"))
            nights["+1 %"] = run_night(settings, inbox, added)
            added = len(write_form(pool[more : more + 1], inbox, "json"))
            nights["one file"] = run_night(settings, inbox, added)
            size = database_size(url)
        print_table(nights)
        own, child = peak_rss_mib()
        print(
            f"generation {generation:.1f} s; peak RSS {own:,.0f} MiB (this process), "
            f"{child:,.0f} MiB (largest finished child); database {size / 2**20:,.0f} MiB",
            flush=True,
        )
        print(f"load average {' '.join(f'{load:.2f}' for load in os.getloadavg())}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--communes", type=int, default=None, help="default: every commune of the 2025-07 map"
    )
    parser.add_argument("--periods", type=int, default=4, help="periods each commune reports")
    parser.add_argument("--models", type=int, default=3, help="models per commune")
    parser.add_argument("--seed", type=int, default=0)
    arguments = parser.parse_args()
    communes = arguments.communes or communes_on_todays_map()
    run(communes, arguments.periods, arguments.models, arguments.seed)


if __name__ == "__main__":
    main()
