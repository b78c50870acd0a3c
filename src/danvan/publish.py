"""Write-audit-publish: marts are built into a shadow schema and swapped in atomically.

dbt builds the public layer into ``marts_build``. Only after validation does
``publish`` rename it to ``marts`` in one transaction, so BI readers see the
old marts or the new ones, never a half-built or unvalidated state, and a
crashed run leaves ``marts`` as last published.
"""

from __future__ import annotations

from datetime import datetime

import psycopg
from psycopg import sql

from danvan.settings import WAREHOUSE_READER
from danvan.warehouse.db import connect

PUBLIC_SCHEMA = "marts"
BUILD_SCHEMA = "marts_build"
RETIRED_SCHEMA = "marts_retired"


def reset_build_schema(url: str, build_schema: str = BUILD_SCHEMA) -> None:
    """Start every run from an empty shadow schema, whatever a crashed run left."""
    with connect(url) as conn:
        conn.execute(
            sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(build_schema))
        )


def publish(url: str, build_schema: str = BUILD_SCHEMA, public_schema: str = PUBLIC_SCHEMA) -> None:
    with connect(url) as conn, conn.transaction():
        conn.execute("set local lock_timeout = '60s'")
        has_public = _schema_exists(conn, public_schema)
        if has_public:
            conn.execute(
                sql.SQL("alter schema {} rename to {}").format(
                    sql.Identifier(public_schema), sql.Identifier(RETIRED_SCHEMA)
                )
            )
        conn.execute(
            sql.SQL("alter schema {} rename to {}").format(
                sql.Identifier(build_schema), sql.Identifier(public_schema)
            )
        )
        if has_public:
            conn.execute(sql.SQL("drop schema {} cascade").format(sql.Identifier(RETIRED_SCHEMA)))
        conn.execute(
            sql.SQL("comment on schema {} is {}").format(
                sql.Identifier(public_schema),
                sql.Literal("Validated star-schema marts for analysts and BI tools (read-only)."),
            )
        )
        _grant_reader(conn, public_schema)


def _schema_exists(conn: psycopg.Connection, schema: str) -> bool:
    return (
        conn.execute("select 1 from pg_namespace where nspname = %s", [schema]).fetchone()
        is not None
    )


def _grant_reader(conn: psycopg.Connection, schema: str) -> None:
    if conn.execute("select 1 from pg_roles where rolname = %s", [WAREHOUSE_READER]).fetchone():
        names = {"schema": sql.Identifier(schema), "role": sql.Identifier(WAREHOUSE_READER)}
        conn.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**names))
        conn.execute(
            sql.SQL("grant select on all tables in schema {schema} to {role}").format(**names)
        )


SNAPSHOT_SCHEMA = "snapshots"


def revert_snapshots(conn: psycopg.Connection, since: datetime) -> None:
    """Undo what dbt snapshot wrote since a run began that did not publish.

    Versions it opened are deleted and versions it closed are reopened, so model
    history only ever records states that passed validation.
    """
    tables = conn.execute(
        """select table_name from information_schema.columns
           where table_schema = %s and column_name = 'dbt_valid_from'""",
        [SNAPSHOT_SCHEMA],
    ).fetchall()
    for (table,) in tables:
        relation = sql.Identifier(SNAPSHOT_SCHEMA, table)
        conn.execute(sql.SQL("delete from {} where dbt_valid_from >= %s").format(relation), [since])
        conn.execute(
            sql.SQL("update {} set dbt_valid_to = null where dbt_valid_to >= %s").format(relation),
            [since],
        )
