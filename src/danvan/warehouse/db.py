"""Connections and the landing/audit schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

import psycopg

# Nightly runs take this advisory lock so two loads never interleave.
PIPELINE_LOCK_ID = 20_250_701


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection:
    return psycopg.connect(url, autocommit=autocommit, application_name="danvan")


# Landing tables first, then what the pipeline records about them.
BOOTSTRAP_SCRIPTS = ("sql/bootstrap.sql", "sql/submissions.sql")


def bootstrap(url: str) -> None:
    """Create the raw, audit and dq schemas and tables if missing."""
    package = files("danvan.warehouse")
    with connect(url) as conn:
        for script in BOOTSTRAP_SCRIPTS:
            conn.execute(package.joinpath(script).read_text(encoding="utf-8"))


@contextmanager
def pipeline_lock(url: str) -> Iterator[psycopg.Connection]:
    """Hold the pipeline's advisory lock for the duration; fail fast if another run has it."""
    with connect(url, autocommit=True) as conn:
        locked = conn.execute("select pg_try_advisory_lock(%s)", [PIPELINE_LOCK_ID]).fetchone()
        if not locked or not locked[0]:
            raise RuntimeError("another danvan pipeline run holds the warehouse lock")
        try:
            yield conn
        finally:
            conn.execute("select pg_advisory_unlock(%s)", [PIPELINE_LOCK_ID])


# PostgreSQL plans badly on tables whose statistics are stale (autovacuum may analyse a
# freshly landed table only minutes later): analyse a table when a tenth of it changed.
STALE_TABLES_SQL = """
select format('%%I.%%I', stats.schemaname, stats.relname)
from pg_stat_user_tables as stats
join pg_class as class on class.oid = stats.relid
where stats.schemaname = any(%s)
    and (stats.last_analyze is null and stats.last_autoanalyze is null
         or stats.n_mod_since_analyze > 0.1 * greatest(class.reltuples, 1000))
order by 1
"""


def analyze_changed(url: str, schemas: list[str]) -> list[str]:
    """ANALYZE the tables of these schemas whose statistics are stale; the tables analysed."""
    with connect(url, autocommit=True) as conn:
        stale = [name for (name,) in conn.execute(STALE_TABLES_SQL, [schemas]).fetchall()]
        for name in stale:
            conn.execute(f"analyze {name}")  # a name format() quoted above
    return stale
