"""Each province sees only its own rows; BI tools find every join by themselves.

One warehouse per module: the bundled samples published, then login roles made
as `danvan access add` makes them — a reader of Đà Nẵng (province 48 of today's
map, which absorbed Quảng Nam), a national reader — and queried as a BI tool would.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pytest
import sqlalchemy
from psycopg.conninfo import conninfo_to_dict

from danvan.publication.access import EVERY_PROVINCE, add_reader, remove_reader
from tests.conftest import SampleNight, Server, with_database

pytestmark = [pytest.mark.database, pytest.mark.e2e, pytest.mark.external]

DA_NANG = "48"
QUANG_NAM = "49"  # merged into Đà Nẵng on 1 July 2025


@pytest.fixture(scope="module")
def published(published_samples: SampleNight) -> str:
    # the bundled samples, landed and published by the nightly pipeline
    assert published_samples.summary.published, published_samples.summary.render()
    return published_samples.settings.database_url


def _login(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{role}:{quote(password, safe='')}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@pytest.fixture(scope="module")
def readers(published: str, server: Server) -> Iterator[dict[str, str]]:
    """Login URLs of a Đà Nẵng reader and a national reader."""
    admin = with_database(server.admin_url, conninfo_to_dict(published)["dbname"])
    suffix = uuid.uuid4().hex[:8]
    roles = {"da_nang": f"reader_48_{suffix}", "national": f"reader_vn_{suffix}"}
    with psycopg.connect(admin, autocommit=True) as conn:
        urls = {
            "da_nang": add_reader(conn, roles["da_nang"], provinces=(DA_NANG,)),
            "national": add_reader(conn, roles["national"], provinces=(EVERY_PROVINCE,)),
        }
    yield {name: _login(published, roles[name], password) for name, password in urls.items()}
    with psycopg.connect(admin, autocommit=True) as conn:
        for role in roles.values():
            remove_reader(conn, role)


def _scoped_tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [
            f"{schema}.{table}"
            for schema, table in conn.execute(
                """select table_schema, table_name from information_schema.columns
                   where table_schema in ('marts', 'marts_history')
                       and column_name = 'province_code_2025_07'
                   order by 1, 2"""
            ).fetchall()
        ]


def _counts(url: str, tables: list[str]) -> dict[str, tuple[int, int]]:
    """Per table: (rows seen, rows seen of another province than Đà Nẵng)."""
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(
                f"""select count(*), count(*) filter (
                        where province_code_2025_07 is distinct from %s)
                    from {table}""",
                [DA_NANG],
            ).fetchone()
            for table in tables
        }


def test_a_province_reader_sees_only_its_province_with_its_history(published, readers):
    tables = _scoped_tables(published)
    assert "marts.fct_indicator_values" in tables and "marts_history.rpt_models" in tables
    owner = _counts(published, tables)
    # GIVEN the warehouse holds other provinces' rows
    assert sum(other for _, other in owner.values()) > 0
    # WHEN the Đà Nẵng reader reads every table that carries a province
    seen = _counts(readers["da_nang"], tables)
    # THEN it sees only Đà Nẵng's rows, all of them
    assert {table: other for table, (_, other) in seen.items() if other} == {}
    assert {t: n for t, (n, _) in seen.items()} == {t: n - o for t, (n, o) in owner.items()}
    # AND that includes Quảng Nam's reports from before the 2025 reform
    with psycopg.connect(readers["da_nang"]) as conn:
        old_map = conn.execute(
            """select count(*) from marts.fct_indicator_values
               where province_code_2025_01 = %s""",
            [QUANG_NAM],
        ).fetchone()[0]
    assert old_map > 0


def test_joins_and_aggregates_reach_no_other_province(published, readers):
    query = """select count(*), coalesce(sum(facts.value), 0)
               from marts.fct_indicator_values as facts
               join marts.dim_model as models on models.model_key = facts.model_key
               join marts.dim_reporting_unit as units
                   on units.reporting_unit_key = facts.reporting_unit_key"""
    with psycopg.connect(published) as conn:
        everything = conn.execute(query).fetchone()
        da_nang = conn.execute(
            query + " where facts.province_code_2025_07 = %s", [DA_NANG]
        ).fetchone()
    with psycopg.connect(readers["da_nang"]) as conn:
        assert conn.execute(query).fetchone() == da_nang != everything
        # AND it may not create a view or a function to look around the policies
        for statement in (
            "create view marts.peek as select * from marts.fct_indicator_values",
            "create function public.peek() returns bigint language sql as "
            "'select count(*) from marts.fct_indicator_values'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
                conn.execute(statement)


def test_the_national_reader_and_the_pipeline_see_every_row(published, readers):
    tables = _scoped_tables(published)
    assert _counts(readers["national"], tables) == _counts(published, tables)
    with (
        psycopg.connect(readers["national"]) as conn,
        pytest.raises(psycopg.errors.InsufficientPrivilege),
    ):
        conn.execute("delete from marts.rpt_models")


def test_a_bi_tool_finds_every_fact_to_dimension_join(published, readers):
    # GIVEN SQLAlchemy's inspector, as BI tools use it, connected as a reader
    engine = sqlalchemy.create_engine(
        readers["national"].replace("postgresql://", "postgresql+psycopg://", 1)
    )
    inspector = sqlalchemy.inspect(engine)
    tables = inspector.get_table_names(schema="marts")
    joins = {
        (table, tuple(key["constrained_columns"]), key["referred_table"])
        for table in tables
        if table.startswith(("fct_", "rpt_"))
        for key in inspector.get_foreign_keys(table, schema="marts")
    }
    engine.dispose()
    # THEN every fact and report joins its dimensions, under stable names
    assert ("fct_indicator_values", ("model_key",), "dim_model") in joins
    assert ("fct_indicator_values", ("period_code",), "dim_period") in joins
    assert ("fct_contributions", ("contribution_type_code",), "dim_contribution_type") in joins
    assert ("rpt_indicators_by_unit_period", ("reporting_unit_key",), "dim_reporting_unit") in joins
    facts = {table for table in tables if table.startswith(("fct_", "rpt_"))}
    unjoined = facts - {table for table, _, _ in joins}
    assert unjoined <= {"rpt_models", "rpt_recognitions"}  # counts by area: no dimension key
    with psycopg.connect(published) as conn:
        names = conn.execute(
            """select conname from pg_constraint
               where connamespace = 'marts'::regnamespace and conname like '%tmp%'"""
        ).fetchall()
        comment = conn.execute(
            "select obj_description('marts.fct_indicator_values'::regclass)"
        ).fetchone()[0]
    assert names == []
    assert " — " in comment
