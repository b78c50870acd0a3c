"""Quality checks: the compiled engine against Great Expectations, on the same suites and rows.

The bundled samples are published by a nightly run into a fresh database on the
benchmark server (or ``--url`` names a warehouse that has published already);
then every suite under expectations/ runs once through the engine, as a night
runs it, and once through GX 1.x, as ``danvan quality --audit`` runs it (an
ephemeral context, a SQL data source, an asset per suite; Data Docs not
built). GX's import is timed apart: a night that used GX would pay it too.
Prints both times, their ratio and the load average (the machine may be
shared); the ratio is GX's time over the engine's, so higher is better.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from bench.common import report, warehouse
from danvan.quality.engine import run_suites
from danvan.quality.gx_audit import audit_scope, import_great_expectations, validate_with_gx
from danvan.quality.suites import load_suites
from danvan.settings import Settings
from danvan.synthetic.samples import copy_samples
from danvan.warehouse.db import connect

# The engine replaced GX in the nightly checks for speed: it must be faster.
TARGET_RATIO = 1.0


def publish_samples(settings: Settings) -> None:
    from flows.nightly import nightly_pipeline

    copy_samples(settings.inbox_dir)
    summary = nightly_pipeline(settings=settings, inbox=settings.inbox_dir)
    assert summary.published, summary.render()


def measure(settings: Settings, url: str) -> bool:
    suites = load_suites(settings.expectations_dir)
    rules = sum(len(suite.rules) for suite in suites)
    with connect(url, autocommit=True) as conn:
        scope = audit_scope(settings, conn)
        started = time.perf_counter()
        run_suites(conn, suites, scope)
        engine = time.perf_counter() - started
    started = time.perf_counter()
    great_expectations = import_great_expectations()
    gx_import = time.perf_counter() - started
    started = time.perf_counter()
    validate_with_gx(great_expectations.get_context(mode="ephemeral"), url, suites, scope)
    gx = time.perf_counter() - started
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return report(
        "quality checks",
        f"{len(suites)} suites, {rules} rules on the samples: engine {engine:.2f} s, "
        f"Great Expectations {gx:.2f} s (+ {gx_import:.2f} s import); load average {load}",
        gx / engine,
        TARGET_RATIO,
    )


def run(url: str | None = None) -> bool:
    home = Path(tempfile.mkdtemp(prefix="danvan-bench-quality-"))
    if url is not None:
        return measure(Settings(home=home, database_url=url), url)
    with warehouse() as fresh:
        settings = Settings(home=home, database_url=fresh)
        publish_samples(settings)
        return measure(settings, fresh)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a warehouse that has published (default: a fresh one)")
    arguments = parser.parse_args()
    run(arguments.url)


if __name__ == "__main__":
    main()
