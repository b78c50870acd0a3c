"""Publish a validated build: the public marts change in place, in one transaction.

dbt builds into the shadow schema ``marts_build``, which persists from night to
night and holds what the next publication should show. Publishing copies into
``marts`` only the rows that differ (compared by the hash of the whole row),
restricted to the slices the night rebuilt for tables rebuilt slice by slice,
and keeps every row ever published in ``marts_history`` with the publication
range it belonged to, so a figure announced on a date can be reproduced after
later corrections. Rows are deleted and inserted, never tables swapped: BI
readers holding a transaction open keep their snapshot and never block the
publication, and the tables keep their foreign keys (checked at commit, so
order does not matter), comments and row-level security.

One module, at some 700 lines: it is one transaction (tables and history made ready,
rows applied, keys, indexes and statistics after them), read in the order it runs.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ParamSpec

import psycopg
from psycopg import sql

from danvan.publication import access
from danvan.publication.tables import (
    BUILD_SCHEMA,
    HISTORY_SCHEMA,
    PUBLIC_SCHEMA,
    PUBLICATION_TABLE,
    PublicTable,
)
from danvan.settings import WAREHOUSE_READER
from danvan.warehouse.db import statistics_stale

PUBLICATION_COLUMNS = """
    publication_id bigint primary key,
    published_at timestamptz not null,
    run_id uuid not null,
    full_refresh boolean not null,
    submissions_published integer not null,
    submissions_held integer not null,
    units_rebuilt integer not null
"""
PUBLICATION_COMMENTS = {
    None: "Every publication of the marts, numbered: what was published when. Query an "
    "earlier one in marts_history. — Các lần công bố dữ liệu.",
    "publication_id": "Publication number, increasing. — Số lần công bố.",
    "published_at": "When it was published. — Thời điểm công bố.",
    "run_id": "The nightly run that published it. — Lượt chạy.",
    "full_refresh": "Whether every table was rebuilt from scratch. — Xây dựng lại toàn bộ.",
    "submissions_published": "Submissions first published in it. — Số báo cáo được công bố.",
    "submissions_held": "Submissions held back at the time. — Số báo cáo đang tạm giữ.",
    "units_rebuilt": "Reporting units whose figures were rebuilt. — Số đơn vị được cập nhật.",
}
HISTORY_COMMENTS = {
    "published_from": "First publication (dim_publication) that showed this row. — Công bố từ.",
    "published_until": "First publication that no longer showed it; null: still shown. "
    "— Công bố đến (không tính).",
}
# Readers never wait for a publication nor it for them, unless a table's definition
# changes (a new release): that waits for the readers, this long at a time, so often.
LOCK_TIMEOUT = "30s"
LOCK_ATTEMPTS = 3
_Params = ParamSpec("_Params")


@dataclass(frozen=True)
class RebuiltScope:
    """The slices a build rebuilt, as the publication reads them: a temporary table copied
    from the audit view, analysed, so that one rebuilt unit is planned as one (the view
    over every build's scopes is estimated at thousands) and found through indexes."""

    view: str
    column: str
    table: str


REBUILT_SCOPES = {
    "unit": RebuiltScope("build_units", "reporting_unit_code", "rebuilt_units"),
    "province": RebuiltScope("build_provinces", "province_code_2025_07", "rebuilt_provinces"),
}


class PublicationLocked(RuntimeError):
    """Other sessions held the public marts longer than a publication waits: nothing
    was published."""


@dataclass(frozen=True)
class PublicationResult:
    publication_id: int
    published_at: datetime
    rows_inserted: int
    rows_deleted: int
    submissions_published: int


def prepare_public_schema(conn: psycopg.Connection) -> None:
    """Schemas, the publication table and the access records exist (idempotent)."""
    for schema in (PUBLIC_SCHEMA, HISTORY_SCHEMA):
        conn.execute(sql.SQL("create schema if not exists {}").format(sql.Identifier(schema)))
    conn.execute(
        sql.SQL("comment on schema {} is {}").format(
            sql.Identifier(PUBLIC_SCHEMA),
            sql.Literal("Validated star-schema marts for analysts and BI tools (read-only)."),
        )
    )
    conn.execute(
        sql.SQL("comment on schema {} is {}").format(
            sql.Identifier(HISTORY_SCHEMA),
            sql.Literal(
                "Every row ever published in marts, with the publications that showed it "
                "(published_from, published_until): figures as published on any date."
            ),
        )
    )
    publication = sql.Identifier(PUBLIC_SCHEMA, PUBLICATION_TABLE)
    conn.execute(
        sql.SQL("create table if not exists {} (" + PUBLICATION_COLUMNS + ")").format(publication)
    )
    for column, text in PUBLICATION_COMMENTS.items():
        _comment(conn, PUBLIC_SCHEMA, PUBLICATION_TABLE, column, text)
    access.ensure_access_schema(conn)
    access.scope_national_reader(conn, WAREHOUSE_READER)
    access.grant_schemas(conn)
    access.protect_table(conn, PUBLIC_SCHEMA, PUBLICATION_TABLE, has_province=False)


def _retried_while_locked(
    publish_once: Callable[_Params, PublicationResult],
) -> Callable[_Params, PublicationResult]:
    """Waiting for the tables' other sessions is bounded: after ``LOCK_ATTEMPTS`` waits
    nothing is published, and the error says who to look for."""

    @functools.wraps(publish_once)
    def publish(*args: _Params.args, **kwargs: _Params.kwargs) -> PublicationResult:
        attempt = 1
        while True:
            try:
                return publish_once(*args, **kwargs)
            except psycopg.errors.LockNotAvailable as error:
                if attempt == LOCK_ATTEMPTS:
                    raise PublicationLocked(
                        f"chưa công bố: sau {LOCK_ATTEMPTS} lần chờ {LOCK_TIMEOUT}, phiên khác "
                        "(ví dụ công cụ BI mở giao dịch lâu) vẫn giữ bảng dữ liệu công bố; các "
                        "bảng giữ nguyên, lượt sau sẽ công bố — nothing was published: after "
                        f"{LOCK_ATTEMPTS} waits of {LOCK_TIMEOUT}, other sessions (e.g. a BI "
                        "tool holding a transaction open) still held the public marts; they "
                        "are as they were, and the next run publishes "
                        f"({error.diag.message_primary})"
                    ) from error
                attempt += 1

    return publish


@_retried_while_locked
def publish(
    conn: psycopg.Connection,
    tables: Sequence[PublicTable],
    *,
    run_id: uuid.UUID,
    full_refresh: bool,
    units_rebuilt: int,
) -> PublicationResult:
    """Copy what the build changed into the public marts, all tables in one transaction."""
    with conn.transaction():
        conn.execute(f"set local lock_timeout = '{LOCK_TIMEOUT}'")
        prepare_public_schema(conn)
        created = {table.name: _ensure_table(conn, table) for table in tables}
        _copy_rebuilt_scopes(conn)
        publication_id = _next_publication(conn)
        inserted = deleted = 0
        for table in tables:
            added, removed = _apply(conn, table, publication_id, full_refresh, created[table.name])
            _index_created(conn, table, created[table.name])
            inserted += added
            deleted += removed
            for schema in (PUBLIC_SCHEMA, HISTORY_SCHEMA):
                _analyze_if_changed(conn, schema, table.name, added + removed)
        published = _publish_submissions(conn, publication_id, run_id)
        held = conn.execute(
            "select count(*) from audit.submission_states where state = 'held'"
        ).fetchone()
        counts = (published, int(held[0]) if held else 0, units_rebuilt)
        # Every event so far is accounted for, the publication's own included; operators'
        # decisions wait for the pipeline lock, so none can slip in between.
        last_event = conn.execute(
            "select coalesce(max(event_id), 0) from audit.submission_events"
        ).fetchone()
        last_event_id = int(last_event[0]) if last_event else 0
        stamp = conn.execute(
            """insert into audit.publications (publication_id, run_id, last_event_id,
                   full_refresh, submissions_published, submissions_held, units_rebuilt)
               overriding system value values (%s, %s, %s, %s, %s, %s, %s)
               returning published_at""",
            [publication_id, run_id, last_event_id, full_refresh, *counts],
        ).fetchone()
        assert stamp is not None
        conn.execute(
            sql.SQL(
                """insert into {} (publication_id, published_at, run_id, full_refresh,
                       submissions_published, submissions_held, units_rebuilt)
                   select publication_id, published_at, run_id, full_refresh,
                       submissions_published, submissions_held, units_rebuilt
                   from audit.publications where publication_id = %s"""
            ).format(sql.Identifier(PUBLIC_SCHEMA, PUBLICATION_TABLE)),
            [publication_id],
        )
        _analyze_if_changed(conn, PUBLIC_SCHEMA, PUBLICATION_TABLE, 1)
        for table in tables:  # after the rows: a new table's keys check them all at once
            _ensure_foreign_keys(conn, table)
    return PublicationResult(publication_id, stamp[0], inserted, deleted, published)


def _copy_rebuilt_scopes(conn: psycopg.Connection) -> None:
    for scope in REBUILT_SCOPES.values():
        conn.execute(
            sql.SQL(
                "create temporary table {} on commit drop as select distinct {} from audit.{}"
            ).format(
                sql.Identifier(scope.table),
                sql.Identifier(scope.column),
                sql.Identifier(scope.view),
            )
        )
        conn.execute(sql.SQL("analyze {}").format(sql.Identifier(scope.table)))


def _analyze_if_changed(conn: psycopg.Connection, schema: str, table: str, changed: int) -> None:
    """Statistics for a table never analysed or enough of which the publication changed:
    analysts query it next, and on stale statistics PostgreSQL reads a national mart whole.
    Readers are not blocked; the statistics count from the commit."""
    row = conn.execute(
        """select stats.last_analyze is null and stats.last_autoanalyze is null,
               class.reltuples
           from pg_class as class
           left join pg_stat_user_tables as stats on stats.relid = class.oid
           where class.oid = to_regclass(%s)""",
        [f'"{schema}"."{table}"'],
    ).fetchone()
    assert row is not None
    never, estimated = row
    if statistics_stale(never is not False, changed, float(estimated)):
        conn.execute(sql.SQL("analyze {}").format(sql.Identifier(schema, table)))


def _next_publication(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "select coalesce(max(publication_id), 0) + 1 from audit.publications"
    ).fetchone()
    assert row is not None
    return int(row[0])


def _publish_submissions(conn: psycopg.Connection, publication_id: int, run_id: uuid.UUID) -> int:
    """Every approved submission is now published: record it, with an event each."""
    return conn.execute(
        """with changed as (
               update audit.submission_states
               set state = 'published', publication_id = %s, changed_at = clock_timestamp(),
                   changed_by = 'publication', reason_en = null, reason_vi = null
               where state = 'approved'
               returning file_id, reporting_unit_code, period_code, submitted_on
           )
           insert into audit.submission_events (file_id, reporting_unit_code, period_code,
               submitted_on, from_state, to_state, reason_en, reason_vi, actor, run_id)
           select file_id, reporting_unit_code, period_code, submitted_on, 'approved',
               'published', %s, %s, 'publication', %s
           from changed""",
        [
            publication_id,
            f"in publication {publication_id}",
            f"đã công bố (lần {publication_id})",
            run_id,
        ],
    ).rowcount


# -- tables ------------------------------------------------------------------------


def _columns(conn: psycopg.Connection, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (str(name), str(data_type))
        for name, data_type in conn.execute(
            """select attribute.attname, format_type(attribute.atttypid, attribute.atttypmod)
               from pg_attribute as attribute
               where attribute.attrelid = to_regclass(%s)
                   and attribute.attnum > 0 and not attribute.attisdropped
               order by attribute.attnum""",
            [f'"{schema}"."{table}"'],
        ).fetchall()
    ]


def _ensure_table(conn: psycopg.Connection, table: PublicTable) -> set[str]:
    """The public table and its history exist with the build's columns; a changed
    definition (a new release of the dbt project) replaces the public table. The schemas
    whose table it created: those get their indexes after their rows (``_index_created``)."""
    built = _columns(conn, BUILD_SCHEMA, table.name)
    if not built:
        raise RuntimeError(f"{BUILD_SCHEMA}.{table.name} was not built")
    public = _columns(conn, PUBLIC_SCHEMA, table.name)
    target = sql.Identifier(PUBLIC_SCHEMA, table.name)
    created = set()
    if public != built:
        if public:
            conn.execute(sql.SQL("drop table {} cascade").format(target))
        conn.execute(
            sql.SQL(
                "create table {} (like {} including defaults including constraints "
                "including comments)"
            ).format(target, sql.Identifier(BUILD_SCHEMA, table.name))
        )
        _stable_constraint_names(conn, PUBLIC_SCHEMA, table.name)
        _copy_table_comment(conn, table.name, PUBLIC_SCHEMA)
        access.protect_table(
            conn, PUBLIC_SCHEMA, table.name, has_province=table.province_column is not None
        )
        created.add(PUBLIC_SCHEMA)
    else:
        _add_missing_indexes(conn, table.name)
    if _ensure_history(conn, table, built):
        created.add(HISTORY_SCHEMA)
    return created


def _index_created(conn: psycopg.Connection, table: PublicTable, created: set[str]) -> None:
    """Keys and indexes of the tables this publication created, made once their rows are
    in: sorting millions of rows once is faster than keeping indexes while inserting them.
    No reader sees these tables before the commit."""
    if PUBLIC_SCHEMA in created:
        keys = conn.execute(
            """select pg_get_constraintdef(oid) from pg_constraint
               where conrelid = to_regclass(%s) and contype in ('p', 'u')
               order by contype, conname""",
            [f'"{BUILD_SCHEMA}"."{table.name}"'],
        ).fetchall()
        for (definition,) in keys:  # e.g. PRIMARY KEY (indicator_value_key)
            conn.execute(
                sql.SQL("alter table {} add " + definition).format(
                    sql.Identifier(PUBLIC_SCHEMA, table.name)
                )
            )
        _add_missing_indexes(conn, table.name)
    if HISTORY_SCHEMA in created:
        history = sql.Identifier(HISTORY_SCHEMA, table.name)
        columns = ["published_until", "published_from"]
        if table.slice is not None:
            columns.append(table.slice.column)
        for column in columns:
            conn.execute(sql.SQL("create index on {} ({})").format(history, sql.Identifier(column)))


def _plain_indexes(conn: psycopg.Connection, schema: str, table: str) -> set[tuple[str, ...]]:
    """The column lists of a table's indexes that back no constraint."""
    rows = conn.execute(
        """select array_agg(attribute.attname order by key.position)
           from pg_index as index
           cross join lateral unnest(index.indkey) with ordinality as key (attnum, position)
           inner join pg_attribute as attribute
               on attribute.attrelid = index.indrelid and attribute.attnum = key.attnum
           where index.indrelid = to_regclass(%s)
               and not exists (select from pg_constraint where conindid = index.indexrelid)
           group by index.indexrelid""",
        [f'"{schema}"."{table}"'],
    ).fetchall()
    return {tuple(columns) for (columns,) in rows}


def _add_missing_indexes(conn: psycopg.Connection, table: str) -> None:
    """Indexes a new release of the dbt project gave the build and the public table
    (created before it, with the same columns) lacks."""
    missing = _plain_indexes(conn, BUILD_SCHEMA, table) - _plain_indexes(conn, PUBLIC_SCHEMA, table)
    for columns in sorted(missing):
        conn.execute(
            sql.SQL("create index on {} ({})").format(
                sql.Identifier(PUBLIC_SCHEMA, table),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
            )
        )


def _ensure_history(
    conn: psycopg.Connection, table: PublicTable, built: list[tuple[str, str]]
) -> bool:
    """The history table exists with the build's columns; whether it was created."""
    history = sql.Identifier(HISTORY_SCHEMA, table.name)
    existing = dict(_columns(conn, HISTORY_SCHEMA, table.name))
    if not existing:
        conn.execute(
            sql.SQL(
                "create table {history} (like {source} including defaults including comments, "
                "published_from bigint not null, published_until bigint)"
            ).format(history=history, source=sql.Identifier(BUILD_SCHEMA, table.name))
        )
        _stable_constraint_names(conn, HISTORY_SCHEMA, table.name)
        for column, text in HISTORY_COMMENTS.items():
            _comment(conn, HISTORY_SCHEMA, table.name, column, text)
        _copy_table_comment(conn, table.name, HISTORY_SCHEMA)
        access.protect_table(
            conn, HISTORY_SCHEMA, table.name, has_province=table.province_column is not None
        )
        return True
    for name, data_type in built:  # columns a new release added
        if name not in existing:
            conn.execute(
                sql.SQL("alter table {} add column {} " + data_type).format(
                    history, sql.Identifier(name)
                )
            )
    for name in existing.keys() - {name for name, _ in built} - set(HISTORY_COMMENTS):
        conn.execute(  # a column a release dropped stays, empty from then on
            sql.SQL("alter table {} alter column {} drop not null").format(
                history, sql.Identifier(name)
            )
        )
    return False


def _stable_constraint_names(conn: psycopg.Connection, schema: str, table: str) -> None:
    """Constraints copied from the build are named after dbt's temporary table; BI tools
    show the names, so they are named after the table itself."""
    copied = conn.execute(
        """select conname from pg_constraint
           where conrelid = to_regclass(%s) and conname like %s""",
        [f'"{schema}"."{table}"', f"{table}__dbt_tmp%"],
    ).fetchall()
    for (name,) in copied:
        conn.execute(
            sql.SQL("alter table {} rename constraint {} to {}").format(
                sql.Identifier(schema, table),
                sql.Identifier(name),
                sql.Identifier(name.replace("__dbt_tmp", "", 1)),
            )
        )


def _copy_table_comment(conn: psycopg.Connection, table: str, schema: str) -> None:
    row = conn.execute(
        "select obj_description(to_regclass(%s), 'pg_class')", [f'"{BUILD_SCHEMA}"."{table}"']
    ).fetchone()
    if row and row[0]:
        _comment(conn, schema, table, None, str(row[0]))


def _comment(
    conn: psycopg.Connection, schema: str, table: str, column: str | None, text: str
) -> None:
    if column is None:
        statement = sql.SQL("comment on table {} is {}").format(
            sql.Identifier(schema, table), sql.Literal(text)
        )
    else:
        statement = sql.SQL("comment on column {} is {}").format(
            sql.Identifier(schema, table, column), sql.Literal(text)
        )
    conn.execute(statement)


def _ensure_foreign_keys(conn: psycopg.Connection, table: PublicTable) -> None:
    """Declared foreign keys, and the history's to its publications, with stable names,
    checked when the publication commits. A key added to a table filled in this
    publication checks its rows at once, in one query, rather than one by one at commit."""
    for key in table.foreign_keys:
        _ensure_foreign_key(
            conn,
            (PUBLIC_SCHEMA, table.name),
            f"{table.name}__{'__'.join(key.columns)}_fkey",
            key.columns,
            (PUBLIC_SCHEMA, key.table),
            key.to_columns,
        )
    for column in ("published_from", "published_until"):
        _ensure_foreign_key(
            conn,
            (HISTORY_SCHEMA, table.name),
            f"{table.name}_{column}_fkey",
            (column,),
            (PUBLIC_SCHEMA, PUBLICATION_TABLE),
            ("publication_id",),
        )


def _ensure_foreign_key(
    conn: psycopg.Connection,
    table: tuple[str, str],
    name: str,
    columns: Sequence[str],
    referenced: tuple[str, str],
    referenced_columns: Sequence[str],
) -> None:
    exists = conn.execute(
        "select 1 from pg_constraint where conname = %s and conrelid = to_regclass(%s)",
        [name, '"{}"."{}"'.format(*table)],
    ).fetchone()
    if exists:
        return
    conn.execute(
        sql.SQL(
            "alter table {} add constraint {} foreign key ({}) references {} ({}) "
            "deferrable initially deferred"
        ).format(
            sql.Identifier(*table),
            sql.Identifier(name),
            sql.SQL(", ").join(map(sql.Identifier, columns)),
            sql.Identifier(*referenced),
            sql.SQL(", ").join(map(sql.Identifier, referenced_columns)),
        )
    )


# -- rows --------------------------------------------------------------------------


def _apply(
    conn: psycopg.Connection,
    table: PublicTable,
    publication_id: int,
    full_refresh: bool,
    created: set[str],
) -> tuple[int, int]:
    """Delete the public rows the build no longer has and insert the ones it added, within
    the rebuilt slices; the history closes and opens rows the same way. Each side's rows are
    hashed once: the differences keep the rows' addresses, through which they are then
    deleted, closed and inserted."""
    columns = [sql.Identifier(column) for column in table.columns]

    def row_hash(alias: str) -> sql.Composable:
        return sql.SQL("md5(row({})::text)").format(
            sql.SQL(", ").join(sql.Identifier(alias, column) for column in table.columns)
        )

    def rebuilt(alias: str) -> sql.Composable:
        if table.slice is None or full_refresh:
            return sql.SQL("true")
        scope = REBUILT_SCOPES[table.slice.scope]
        return sql.SQL("{} in (select {} from {})").format(
            sql.Identifier(alias, table.slice.column),
            sql.Identifier(scope.column),
            sql.Identifier(scope.table),
        )

    names = {
        "public": sql.Identifier(PUBLIC_SCHEMA, table.name),
        "build": sql.Identifier(BUILD_SCHEMA, table.name),
        "history": sql.Identifier(HISTORY_SCHEMA, table.name),
        "columns": sql.SQL(", ").join(columns),
        "public_hash": row_hash("public"),
        "build_hash": row_hash("build"),
        "history_hash": row_hash("history"),
        "public_rebuilt": rebuilt("public"),
        "build_rebuilt": rebuilt("build"),
        "history_rebuilt": rebuilt("history"),
        "removed": sql.SQL(
            "array(select public_row from row_changes where public_row is not null)"
        ),
        "added": sql.SQL("array(select built_row from row_changes where built_row is not null)"),
    }
    if created == {PUBLIC_SCHEMA}:
        return _refill_replaced_table(conn, names, publication_id), 0
    if not _shown(conn, names):
        # A first publication of these slices: every built row is new.
        return _insert_built(
            conn, names, sql.SQL("{build_rebuilt}").format(**names), publication_id
        ), 0
    conn.execute("drop table if exists row_changes")
    conn.execute(
        sql.SQL(
            """create temporary table row_changes on commit drop as
               select public.row_hash, public.row_id as public_row, build.row_id as built_row
               from (
                   select {public_hash} as row_hash, public.ctid as row_id
                   from {public} as public where {public_rebuilt}
               ) as public
               full join (
                   select {build_hash} as row_hash, build.ctid as row_id
                   from {build} as build where {build_rebuilt}
               ) as build on public.row_hash = build.row_hash
               where public.row_hash is null or build.row_hash is null"""
        ).format(**names)
    )
    _close_history(conn, table, names, publication_id)
    removed = conn.execute(
        sql.SQL("delete from {public} where ctid = any({removed})").format(**names)
    ).rowcount
    added = _insert_built(
        conn, names, sql.SQL("build.ctid = any({added})").format(**names), publication_id
    )
    return added, removed


def _refill_replaced_table(
    conn: psycopg.Connection, names: dict[str, sql.Composable], publication_id: int
) -> int:
    """A public table a release replaced gets every built row; the history, which the
    release kept, closes the rows the build no longer has and opens only those it does not
    show yet (found by hash: its open rows are no longer the public table's)."""
    conn.execute(
        sql.SQL(
            """update {history} as history set published_until = %s
               where history.published_until is null and {history_rebuilt}
                   and {history_hash} not in (
                       select {build_hash} from {build} as build where {build_rebuilt}
                   )"""
        ).format(**names),
        [publication_id],
    )
    added = conn.execute(
        sql.SQL(
            """insert into {public} ({columns})
               select {columns} from {build} as build where {build_rebuilt}"""
        ).format(**names)
    ).rowcount
    conn.execute(
        sql.SQL(
            """insert into {history} ({columns}, published_from)
               select {columns}, %s from {build} as build
               where {build_rebuilt} and {build_hash} not in (
                   select {history_hash} from {history} as history
                   where history.published_until is null and {history_rebuilt}
               )"""
        ).format(**names),
        [publication_id],
    )
    return added


def _shown(conn: psycopg.Connection, names: dict[str, sql.Composable]) -> int:
    """How many rows of the rebuilt slices the public table and its history show (counted
    whole: an EXISTS is planned for an early match, which a rebuilt slice's rows are not)."""
    row = conn.execute(
        sql.SQL(
            """select (select count(*) from {public} as public where {public_rebuilt})
                   + (select count(*) from {history} as history
                      where history.published_until is null and {history_rebuilt})"""
        ).format(**names)
    ).fetchone()
    return int(row[0]) if row else 0


def _close_history(
    conn: psycopg.Connection,
    table: PublicTable,
    names: dict[str, sql.Composable],
    publication_id: int,
) -> None:
    """The history's rows still shown of the public rows about to be deleted are shown no
    longer: found by their key, or, in a table without one, by their hash."""
    if table.primary_key:
        same_key = sql.SQL(" and ").join(
            sql.SQL("{} = {}").format(
                sql.Identifier("history", column), sql.Identifier("public", column)
            )
            for column in table.primary_key
        )
        statement = sql.SQL(
            """update {history} as history set published_until = %s
               from {public} as public
               where public.ctid = any({removed})
                   and history.published_until is null and {history_rebuilt} and {same_key}"""
        ).format(**names, same_key=same_key)
    else:
        statement = sql.SQL(
            """update {history} as history set published_until = %s
               where history.published_until is null and {history_rebuilt}
                   and {history_hash} in (
                       select row_hash from row_changes where public_row is not null
                   )"""
        ).format(**names)
    conn.execute(statement, [publication_id])


def _insert_built(
    conn: psycopg.Connection,
    names: dict[str, sql.Composable],
    condition: sql.Composable,
    publication_id: int,
) -> int:
    """Insert the built rows meeting ``condition`` into the public table and, published
    from this publication, into its history; how many."""
    added = conn.execute(
        sql.SQL(
            """insert into {public} ({columns})
               select {columns} from {build} as build where {condition}"""
        ).format(**names, condition=condition)
    ).rowcount
    conn.execute(
        sql.SQL(
            """insert into {history} ({columns}, published_from)
               select {columns}, %s from {build} as build where {condition}"""
        ).format(**names, condition=condition),
        [publication_id],
    )
    return added
