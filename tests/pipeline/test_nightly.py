"""The nightly pipeline end to end on a real PostgreSQL: samples in, published marts out."""

from __future__ import annotations

import shutil
from decimal import Decimal

import psycopg
import pytest
from psycopg import sql

from danvan.ingest.inbox import FEEDBACK_SUFFIX, RESULT_MARK

pytestmark = [pytest.mark.database, pytest.mark.e2e, pytest.mark.external]


@pytest.fixture(scope="module")
def module_warehouse(published_samples):
    return published_samples.settings


@pytest.fixture(scope="module")
def first_run(published_samples):
    # the bundled samples sent to the inbox, and the nightly pipeline run on them
    return published_samples.samples, published_samples.summary


def test_samples_are_loaded_validated_and_published(first_run, module_warehouse):
    # GIVEN the bundled samples (xlsx, csv and json) in the inbox
    samples, summary = first_run
    # WHEN the nightly pipeline has run (fixture)
    # THEN every file was landed, the one bad row quarantined, and the marts published
    facts = summary.as_dict()
    assert facts["files"] == len(samples)
    assert facts["files_rejected"] == 0
    assert facts["rows_quarantined"] == 1
    assert facts["rows_loaded"] > 40
    assert facts["published"] is True and facts["publication_id"] == 2
    assert facts["submissions"]["approved"] == facts["submissions"]["evaluated"] > 5
    assert facts["dbt_models_built"] > 10 and facts["dbt_tests_passed"] > 50
    assert facts["rules_passed"] == facts["rules_checked"] > 0
    with psycopg.connect(module_warehouse.database_url) as conn:
        assert conn.execute("select count(*) from marts.fct_indicator_values").fetchone()[0] > 0
        # the build schema persists: the next night rebuilds only what changes
        assert conn.execute(
            "select count(*) from pg_namespace where nspname = 'marts_build'"
        ).fetchone() == (1,)
        run = conn.execute(
            "select status, summary ->> 'files' from audit.pipeline_runs "
            "order by started_at desc limit 1"
        ).fetchall()
    assert run == [("published", str(len(samples)))]


def test_the_published_marts_have_statistics_for_the_first_queries(first_run, module_warehouse):
    # GIVEN the samples published (fixture)
    # WHEN an analyst queries a mart right after, before autovacuum has looked at it
    with psycopg.connect(module_warehouse.database_url) as conn:
        tables = conn.execute(
            """select format('%I.%I', namespace.nspname, class.relname), class.reltuples
               from pg_class as class
               inner join pg_namespace as namespace on namespace.oid = class.relnamespace
               where namespace.nspname in ('marts', 'marts_history') and class.relkind = 'r'"""
        ).fetchall()
        unanalysed = [
            name
            for name, estimated_rows in tables
            if estimated_rows <= 0
            and conn.execute(
                sql.SQL("select exists (select from {})").format(sql.SQL(name))
            ).fetchone()[0]
        ]
    # THEN the planner knows how many rows every published table holds
    assert len(tables) > 20
    assert unanalysed == []


def test_the_revised_nine_month_report_wins(first_run, module_warehouse):
    # GIVEN Can Lộc's nine-month report sent twice (7 km, then corrected to 7.1 km)
    with psycopg.connect(module_warehouse.database_url) as conn:
        value = conn.execute(
            """select value from marts.fct_indicator_values
               where indicator_code = 'canals_built_km' and period_code = '2023-9M'"""
        ).fetchall()
    # THEN the marts hold only the later version; raw keeps both for audit
    assert value == [(Decimal("7.1"),)]


def test_files_leave_the_inbox_with_feedback_for_the_sender(first_run, module_warehouse):
    samples, _ = first_run
    assert not any(path.exists() for path in samples)
    archived = sorted(module_warehouse.archive_dir.rglob("*"))
    names = {path.name for path in archived}
    for sample in samples:
        assert sample.name in names
        assert sample.name + FEEDBACK_SUFFIX in names
    feedback = next(
        p for p in archived if p.name == "quang-nam_tam-thang_2023.xlsx" + FEEDBACK_SUFFIX
    )
    text = feedback.read_text(encoding="utf-8")
    assert "row 6" in text and "'tám'" in text


def test_a_second_run_with_the_same_files_changes_nothing(first_run, module_warehouse):
    from flows.nightly import nightly_pipeline

    # GIVEN the same files sent again (not the feedback written beside them)
    for archived in module_warehouse.archive_dir.rglob("*"):
        told = archived.name.endswith(FEEDBACK_SUFFIX) or RESULT_MARK in archived.name
        if archived.is_file() and not told:
            shutil.copy(archived, module_warehouse.inbox_dir / archived.name)
    with psycopg.connect(module_warehouse.database_url) as conn:
        before = conn.execute("select count(*) from raw.indicator_values").fetchone()
    # WHEN the pipeline runs again
    summary = nightly_pipeline(settings=module_warehouse, inbox=module_warehouse.inbox_dir)
    # THEN every file is recognised as already loaded and raw is unchanged
    assert summary.ingest.count("skipped") == summary.ingest.files > 0
    with psycopg.connect(module_warehouse.database_url) as conn:
        assert conn.execute("select count(*) from raw.indicator_values").fetchone() == before


def test_admin_map_versions_have_their_official_counts(first_run, module_warehouse):
    with psycopg.connect(module_warehouse.database_url) as conn:
        counts = conn.execute(
            """select map_version, unit_level, count(*) from marts.dim_admin_unit
               group by 1, 2 order by 1, 2"""
        ).fetchall()
    assert counts == [
        ("2025-01", "commune", 10051),
        ("2025-01", "district", 696),
        ("2025-01", "province", 63),
        ("2025-07", "commune", 3321),
        ("2025-07", "province", 34),
    ]


def test_tra_ka_2023_shows_under_quang_nam_then_and_da_nang_today(first_run, module_warehouse):
    # GIVEN Trà Ka commune's 2023 report (Bắc Trà My, Quảng Nam, before the 2025 reform)
    with psycopg.connect(module_warehouse.database_url) as conn:
        provinces = conn.execute(
            """select distinct old_province.unit_name, new_province.unit_name
               from marts.fct_indicator_values as facts
               inner join marts.dim_admin_unit as reporting_unit
                   on reporting_unit.admin_unit_key = facts.map_version || ':' || facts.reporting_unit_code
               inner join marts.dim_admin_unit as old_province
                   on old_province.admin_unit_key = '2025-01:' || facts.province_code_2025_01
               inner join marts.dim_admin_unit as new_province
                   on new_province.admin_unit_key = '2025-07:' || facts.province_code_2025_07
               where reporting_unit.unit_name = 'Xã Trà Ka' and facts.period_code = '2023'"""
        ).fetchall()
    # THEN its figures sit under Quảng Nam on the old map and Đà Nẵng on today's
    assert provinces == [("Tỉnh Quảng Nam", "Thành phố Đà Nẵng")]
