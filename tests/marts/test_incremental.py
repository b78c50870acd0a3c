"""Two nightly builds in a row: the growing facts convert only the new files, the
snapshot keeps each model's history, and a later report or revision shows up
everywhere it should."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from danvan.ingest.format.writers import write_json
from danvan.ingest.service import land_batch
from danvan.settings import DatabaseTarget
from danvan.synthetic.samples import copy_samples
from danvan.transform import run_dbt
from danvan.warehouse.db import bootstrap
from tests.marts import known_data as known

pytestmark = [pytest.mark.database]

CONVERTED = (
    ("int_indicator_values__converted", "raw.indicator_values"),
    ("int_contributions__converted", "raw.contributions"),
    ("int_unit_activities__converted", "raw.unit_activities"),
)

# The year after: Tam Thăng's team stopped; Trà Ka revised its 2023 report.
TAM_THANG_2024 = {
    "submission": known._header(
        known.TAM_THANG, "Xã Tam Thăng", "xã", "Quảng Nam", "Năm 2024", "10/01/2025"
    ),
    "models": [
        known._model(
            known.TEAM, "Tổ an ninh tự quản 5 trong 1", "quốc phòng – an ninh", "01/03/2022",
            status="dừng",
        )
    ],
}  # fmt: skip
TRA_KA_2023_REVISED = {
    **known.TRA_KA_2023,
    "submission": {**known.TRA_KA_2023["submission"], "submitted_on": "20/02/2024"},
    "indicators": known._values("QNA-TRAKA-NGHEDEN", products_developed=4, ocop_stars=4),
}


def _row_versions(url: str) -> dict[str, set[tuple]]:
    """(file_id, source row, xmin) of every converted row: xmin changes when a row is rewritten."""
    with psycopg.connect(url) as conn:
        return {
            model: set(
                conn.execute(
                    f"select file_id, source_sheet, source_row, xmin::text from intermediate.{model}"
                ).fetchall()
            )
            for model, _ in CONVERTED
        }


@pytest.fixture(scope="module")
def two_nights(module_settings, module_database_url, tmp_path_factory):
    url = module_database_url
    target = DatabaseTarget(url)
    bootstrap(url)
    seeds = module_settings.reference_seeds_dir
    # GIVEN a first night on the bundled samples
    land_batch(url, copy_samples(tmp_path_factory.mktemp("night1")), seeds)
    run_dbt(
        module_settings, target, ["build"], tmp_path_factory.mktemp("run1"), on_line=lambda _: None
    )
    first = _row_versions(url)
    # WHEN new files arrive and the next night builds again
    inbox = tmp_path_factory.mktemp("night2")
    new_files = [
        write_json(TAM_THANG_2024, inbox / "tam-thang_2024.json"),
        write_json(TRA_KA_2023_REVISED, inbox / "tra-ka_2023_revised.json"),
    ]
    results = land_batch(url, new_files, seeds)
    new_ids = {result.file_id for result in results}
    run_dbt(
        module_settings, target, ["build"], tmp_path_factory.mktemp("run2"), on_line=lambda _: None
    )
    return url, first, _row_versions(url), new_ids


def test_converted_rows_of_old_files_are_not_rewritten(two_nights):
    _, first, second, new_ids = two_nights
    for model, _ in CONVERTED:
        old_rows = {row for row in second[model] if row[0] not in new_ids}
        assert old_rows == first[model], model  # same rows, same xmin: untouched
        assert {row[0] for row in second[model] - first[model]} <= new_ids, model


def test_every_loaded_row_is_converted_once(two_nights):
    url, *_ = two_nights
    with psycopg.connect(url) as conn:
        for model, raw in CONVERTED:
            converted, landed = conn.execute(
                f"select (select count(*) from intermediate.{model}), (select count(*) from {raw})"
            ).fetchone()
            assert converted == landed, model


def test_the_snapshot_keeps_the_model_history(two_nights):
    url, *_ = two_nights
    with psycopg.connect(url) as conn:
        history = conn.execute(
            """select model_status, is_current from marts_build.dim_model_history
               where model_key = %s order by valid_from""",
            [known.TEAM],
        ).fetchall()
        events = conn.execute(
            """select event_date from marts_build.fct_model_events
               where model_key = %s and event_type = 'discontinued'""",
            [known.TEAM],
        ).fetchall()
        status = conn.execute(
            "select model_status, is_typical from marts_build.dim_model where model_key = %s",
            [known.TEAM],
        ).fetchone()
    assert history == [("active", False), ("discontinued", True)]
    assert events == [(date(2024, 12, 31),)]
    assert status == ("discontinued", True)  # typical since 2023; the 2024 report left it blank


def test_a_revision_replaces_the_section_it_resends(two_nights):
    url, *_ = two_nights
    with psycopg.connect(url) as conn:
        values = conn.execute(
            """select indicator_code, value from marts_build.fct_indicator_values
               where model_key = 'QNA-TRAKA-NGHEDEN' order by indicator_code"""
        ).fetchall()
        versions = conn.execute(
            """select version_number, is_latest from marts_build.fct_submissions
               where reporting_unit_code = %s and period_code = '2023' order by version_number""",
            [known.TRA_KA],
        ).fetchall()
    assert values == [("ocop_stars", 4), ("products_developed", 4)]
    assert versions == [(1, False), (2, True)]
