"""A publication copies into the public marts exactly what the build changed, and its history
keeps what was shown before: for tables with a primary key and without one.

One warehouse per module: the bundled samples published; then rows of the shadow schema
changed behind the pipeline's back, as a night's build would change them, and published.
"""

from __future__ import annotations

import uuid
from collections import Counter

import psycopg
import pytest
from psycopg import sql

from danvan.publication.apply import PublicationResult, publish
from danvan.publication.tables import (
    BUILD_SCHEMA,
    HISTORY_SCHEMA,
    PUBLIC_SCHEMA,
    PublicTable,
    public_tables,
)
from tests.conftest import SampleNight

pytestmark = [pytest.mark.database]

RENAMED = " (đổi tên)"


def rows(conn: psycopg.Connection, table: PublicTable, schema: str, where: str = "true") -> Counter:
    """The table's rows (its public columns), counted."""
    columns = sql.SQL(", ").join(map(sql.Identifier, table.columns))
    statement = sql.SQL("select {} from {} where " + where).format(
        columns, sql.Identifier(schema, table.name)
    )
    return Counter(
        tuple(tuple(value) if isinstance(value, list) else value for value in row)
        for row in conn.execute(statement).fetchall()
    )


@pytest.fixture(scope="module")
def republished(published_samples: SampleNight) -> tuple[str, list[PublicTable], PublicationResult]:
    settings = published_samples.settings
    run_dir = settings.run_dir / str(published_samples.summary.run_id)
    tables = public_tables(run_dir / "build" / "manifest.json")
    with psycopg.connect(settings.database_url) as conn:
        # GIVEN a build that renamed one model (dim_model has a key) and lost one row of
        # rpt_models (which has none)
        conn.execute(
            f"""update {BUILD_SCHEMA}.dim_model set model_name = model_name || %s
                where model_key = (select min(model_key) from {BUILD_SCHEMA}.dim_model)""",
            [RENAMED],
        )
        conn.execute(
            f"""delete from {BUILD_SCHEMA}.rpt_models
                where ctid = (select min(ctid) from {BUILD_SCHEMA}.rpt_models)"""
        )
        # WHEN it is published
        result = publish(conn, tables, run_id=uuid.uuid4(), full_refresh=False, units_rebuilt=0)
    return settings.database_url, tables, result


def test_the_public_marts_show_what_was_built_and_nothing_else_changed(republished):
    url, tables, result = republished
    # THEN the one renamed row was replaced and the lost row deleted
    assert (result.rows_inserted, result.rows_deleted) == (1, 2)
    # AND every table rebuilt whole shows the build's rows, as its history's open rows do
    with psycopg.connect(url) as conn:
        for table in tables:
            if table.slice is not None:
                continue
            public = rows(conn, table, PUBLIC_SCHEMA)
            assert public == rows(conn, table, BUILD_SCHEMA), table.name
            assert public == rows(conn, table, HISTORY_SCHEMA, "published_until is null"), (
                table.name
            )


def test_the_history_keeps_what_was_shown_before(republished):
    url, tables, result = republished
    by_name = {table.name: table for table in tables}
    closed = f"published_until = {result.publication_id}"
    opened = f"published_from = {result.publication_id}"
    with psycopg.connect(url) as conn:
        # THEN the model's former row is closed by this publication, its new row opened
        (renamed,) = rows(conn, by_name["dim_model"], HISTORY_SCHEMA, opened)
        model_name = by_name["dim_model"].columns.index("model_name")
        assert renamed[model_name].endswith(RENAMED)
        (former,) = rows(conn, by_name["dim_model"], HISTORY_SCHEMA, closed)
        assert former[model_name] + RENAMED == renamed[model_name]
        # AND the lost rpt_models row is closed, still in the history, no longer public
        (lost,) = rows(conn, by_name["rpt_models"], HISTORY_SCHEMA, closed)
        assert lost not in rows(conn, by_name["rpt_models"], PUBLIC_SCHEMA)
        # AND no other table's history changed
        for table in tables:
            if table.name not in ("dim_model", "rpt_models"):
                changed = rows(conn, table, HISTORY_SCHEMA, f"{closed} or {opened}")
                assert not changed, table.name


def test_a_release_that_replaces_a_table_keeps_one_shown_version_of_each_row(republished):
    url, tables, _ = republished
    (dim_field,) = [table for table in tables if table.name == "dim_field"]
    name = dim_field.columns.index("name_vi")
    with psycopg.connect(url) as conn:
        # GIVEN a release whose build of dim_field has a new column and one renamed field
        conn.execute(f"alter table {BUILD_SCHEMA}.dim_field add column released_note text")
        conn.execute(
            f"""update {BUILD_SCHEMA}.dim_field set name_vi = name_vi || %s
                where field_code = (select min(field_code) from {BUILD_SCHEMA}.dim_field)""",
            [RENAMED],
        )
        # WHEN it is published (the public table is replaced, its history kept)
        result = publish(conn, tables, run_id=uuid.uuid4(), full_refresh=False, units_rebuilt=0)
    with psycopg.connect(url) as conn:
        # THEN the public table shows the build, and the history shows each row once
        public = rows(conn, dim_field, PUBLIC_SCHEMA)
        assert public == rows(conn, dim_field, BUILD_SCHEMA)
        assert public == rows(conn, dim_field, HISTORY_SCHEMA, "published_until is null")
        # AND only the renamed field has a new version; its former one is closed
        (renamed,) = rows(
            conn, dim_field, HISTORY_SCHEMA, f"published_from = {result.publication_id}"
        )
        assert renamed[name].endswith(RENAMED)
        (former,) = rows(
            conn, dim_field, HISTORY_SCHEMA, f"published_until = {result.publication_id}"
        )
        assert former[name] + RENAMED == renamed[name]
