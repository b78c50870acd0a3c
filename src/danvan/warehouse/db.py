"""Connections and the landing/audit schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

import psycopg
from psycopg import sql

# Nightly runs take this advisory lock so two loads never interleave.
PIPELINE_LOCK_ID = 20_250_701


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=autocommit, application_name="danvan")


# What landing and the gate change by the hundred thousand on a large night, read by
# the gate's rules and dbt right after, before autovacuum has looked at them.
PIPELINE_TABLES = (
    "raw.files",
    "raw.submissions",
    "raw.models",
    "raw.indicator_values",
    "raw.contributions",
    "raw.unit_activities",
    "audit.quarantine",
    "audit.submission_states",
    "audit.run_submissions",
    "audit.build_scopes",
)


# A table's statistics are stale once this share of its rows (of at least the floor)
# changed; the dbt macro ``analyze_if_changed`` applies the same rule to the marts.
STALE_SHARE = 0.1
STALE_FLOOR_ROWS = 1000


def statistics_stale(never_analysed: bool, changed_rows: float, estimated_rows: float) -> bool:
    return never_analysed or changed_rows > STALE_SHARE * max(estimated_rows, STALE_FLOOR_ROWS)


def analyze_changed(conn: psycopg.Connection, tables: tuple[str, ...] = PIPELINE_TABLES) -> None:
    """Analyse each table whose statistics are stale (``statistics_stale``): on stale
    statistics PostgreSQL plans a national export's night in hours."""
    changed = conn.execute(
        """select stats.relid::regclass::text
           from pg_stat_user_tables as stats
           inner join pg_class as class on class.oid = stats.relid
           where stats.relid = any(%s::regclass[])
               and (stats.last_analyze is null and stats.last_autoanalyze is null
                    or stats.n_mod_since_analyze > %s * greatest(class.reltuples, %s))""",
        [list(tables), STALE_SHARE, STALE_FLOOR_ROWS],
    ).fetchall()
    for (table,) in changed:  # a name as PostgreSQL quotes it
        conn.execute(sql.SQL("analyze {}").format(sql.SQL(table)))


# Landing tables first, then what the pipeline records about them.
BOOTSTRAP_SCRIPTS = ("sql/bootstrap.sql", "sql/submissions.sql")


# Rows of one file's submission are joined on its four-column key (file, unit, period,
# date sent). Its columns are correlated, so the planner expects a handful of rows from
# such a join, picks nested loops, and scans a province export's rows once per submission
# in it. Checks and builds over many submissions are planned by hash joins instead.
BATCH_SETTINGS = ("enable_nestloop=off",)
LARGE_BATCH = 1_000  # submissions (or units) from which a night's checks run as batches


def plan_as_batch(conn: psycopg.Connection, *, transaction_only: bool = False) -> None:
    """Plan the session's (or the transaction's) queries by ``BATCH_SETTINGS``."""
    for setting in BATCH_SETTINGS:
        name, value = setting.split("=")
        conn.execute(
            sql.SQL("set {} {} = {}").format(
                sql.SQL("local" if transaction_only else "session"),
                sql.Identifier(name),
                sql.Literal(value),
            )
        )


def bootstrap(url: str) -> None:
    """Create the raw, audit and dq schemas and tables if missing."""
    package = files("danvan.warehouse")
    with connect(url) as conn:
        for script in BOOTSTRAP_SCRIPTS:
            conn.execute(package.joinpath(script).read_text(encoding="utf-8"))


class PipelineBusy(RuntimeError):
    """Another run holds the pipeline lock: this one did nothing."""


@contextmanager
def pipeline_lock(url: str) -> Iterator[psycopg.Connection]:
    """Hold the pipeline's advisory lock for the duration; fail fast if another run has it.

    Session-level: a run killed with the lock held releases it with its connection."""
    with connect(url, autocommit=True) as conn:
        locked = conn.execute("select pg_try_advisory_lock(%s)", [PIPELINE_LOCK_ID]).fetchone()
        if not locked or not locked[0]:
            raise PipelineBusy(
                "một lượt chạy khác đang xử lý kho dữ liệu; lượt này không làm gì, các tệp vẫn "
                "nằm trong hộp thư chờ lượt sau — another danvan run (nightly or ingest) is "
                "working on the warehouse; this run did nothing and the files stay in the "
                "inbox for the next run"
            )
        try:
            yield conn
        finally:
            conn.execute("select pg_advisory_unlock(%s)", [PIPELINE_LOCK_ID])
