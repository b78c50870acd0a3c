"""Two nightly builds in a row: the growing facts convert only the new files, the
snapshot keeps each model's history, and a later report or revision shows up
everywhere it should."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from danvan.gate.review import decide, submissions_of_file
from danvan.ingest.format.writers import write_json
from danvan.pipeline import NightlySummary
from danvan.settings import Settings
from tests.conftest import SampleNight
from tests.marts import known_data as known
from tests.quality.checksums import schema_checksums

pytestmark = [pytest.mark.database, pytest.mark.e2e, pytest.mark.external]

CONVERTED = (
    ("int_indicator_values__all_versions", "raw.indicator_values"),
    ("int_contributions__all_versions", "raw.contributions"),
    ("int_unit_activities__all_versions", "raw.unit_activities"),
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
# Bắc Trà My district follows Trà Ka's black turmeric under a name of its own, a year on.
BAC_TRA_MY_2024 = {
    "submission": known._header(
        "515", "Huyện Bắc Trà My", "huyện", "Quảng Nam", "Năm 2024", "15/01/2025"
    ),
    "models": [known._model("QNA-TRAKA-NGHEDEN", "Nghệ đen huyện theo dõi", "kinh tế", "2021")],
}
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


def _fact_versions(url: str, units: list[str]) -> set[tuple]:
    """(row key, xmin) of the build's indicator facts of every unit but ``units``: xmin
    changes when a row is rewritten."""
    with psycopg.connect(url) as conn:
        return set(
            conn.execute(
                """select indicator_value_key, xmin::text from marts_build.fct_indicator_values
                   where reporting_unit_code <> all(%s)""",
                [units],
            ).fetchall()
        )


def _nightly(settings: Settings, **options) -> NightlySummary:
    from flows.nightly import nightly_pipeline

    summary = nightly_pipeline(settings=settings, inbox=settings.inbox_dir, **options)
    assert summary.published, summary.render()
    return summary


@pytest.fixture(scope="module")
def module_warehouse(published_samples: SampleNight) -> Settings:
    return published_samples.settings


@pytest.fixture(scope="module")
def two_nights(published_samples: SampleNight, module_warehouse: Settings):
    url = module_warehouse.database_url
    inbox = module_warehouse.inbox_dir
    # GIVEN a first night on the bundled samples
    assert published_samples.summary.published, published_samples.summary.render()
    first = _row_versions(url)
    facts = _fact_versions(url, [known.TRA_KA, known.TAM_THANG])
    # WHEN new files arrive and the next night builds again
    write_json(TAM_THANG_2024, inbox / "tam-thang_2024.json")
    write_json(TRA_KA_2023_REVISED, inbox / "tra-ka_2023_revised.json")
    summary = _nightly(module_warehouse)
    assert summary.scope is not None and summary.scope.units == 2
    new_ids = {result.file_id for result in summary.ingest.results}
    return url, first, _row_versions(url), new_ids, facts


def test_converted_rows_of_old_files_are_not_rewritten(two_nights):
    _, first, second, new_ids, _ = two_nights
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


def test_a_night_rebuilds_only_the_units_it_received(two_nights):
    url, *_, facts_before = two_nights
    # GIVEN the facts of every unit but Trà Ka and Tam Thăng before the second night
    # THEN that night left every one of them untouched (same rows, same xmin)
    assert facts_before
    assert _fact_versions(url, [known.TRA_KA, known.TAM_THANG]) == facts_before


def _model_name(url: str, model_key: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select model_name from marts.dim_model where model_key = %s", [model_key]
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_a_model_whose_latest_report_is_withdrawn_is_described_by_its_other_reports(
    two_nights, module_warehouse
):
    url, *_ = two_nights
    model = BAC_TRA_MY_2024["models"][0]["model_code"]
    described_by_commune = _model_name(url, model)
    # GIVEN the district's later report of Trà Ka's model, under another name, published
    write_json(BAC_TRA_MY_2024, module_warehouse.inbox_dir / "bac-tra-my_2024.json")
    summary = _nightly(module_warehouse)
    assert _model_name(url, model) == "Nghệ đen huyện theo dõi"
    (file_id,) = {result.file_id for result in summary.ingest.results}
    # WHEN an operator withdraws the district's file and the next night builds
    with psycopg.connect(url) as conn:
        decide(
            conn, submissions_of_file(conn, file_id), "withdraw", operator="thu", reason="gửi nhầm"
        )
    summary = _nightly(module_warehouse)
    # THEN the model is described by the commune's reports again, though the night
    # rebuilt only the district (the full refresh below checks every other row)
    assert summary.scope is not None and summary.scope.units == 1
    assert _model_name(url, model) == described_by_commune


def _tam_thang_quarter(quarter: str, submitted_on: str, model: dict) -> dict:
    return {
        "submission": known._header(
            known.TAM_THANG, "Xã Tam Thăng", "xã", "Quảng Nam", quarter, submitted_on
        ),
        "models": [model],
    }


def test_a_model_named_first_and_given_a_code_later_is_known_by_its_code(
    two_nights, module_warehouse
):
    url, *_ = two_nights
    inbox = module_warehouse.inbox_dir
    camera = {
        "model_name": "Camera an ninh tự quản",
        "field": "quốc phòng – an ninh",
        "start_date": "01/02/2024",
    }
    # GIVEN Tam Thăng's first-quarter report naming a new model only by its name, published
    write_json(_tam_thang_quarter("Quý I/2024", "05/04/2024", camera), inbox / "tt_2024q1.json")
    _nightly(module_warehouse)
    named = f"select model_key from marts.dim_model where model_name = '{camera['model_name']}'"
    assert {key for (key,) in _query(url, named)} == {f"{known.TAM_THANG}:camera an ninh tu quan"}
    # WHEN the second-quarter report gives it a code
    coded = {"model_code": "QNA-TAMTHANG-CAMERA", **camera}
    write_json(_tam_thang_quarter("Quý II/2024", "05/07/2024", coded), inbox / "tt_2024q2.json")
    _nightly(module_warehouse)
    # THEN the night publishes, the model is known by its code alone, and every model the
    # published history tells of is one of dim_model's
    assert {key for (key,) in _query(url, named)} == {"QNA-TAMTHANG-CAMERA"}
    orphans = """select distinct history.model_key from marts.dim_model_history as history
                 where not exists (
                     select from marts.dim_model as models
                     where models.model_key = history.model_key
                 )"""
    assert _query(url, orphans) == []
    history = (
        "select model_key from marts.dim_model_history where model_key = 'QNA-TAMTHANG-CAMERA'"
    )
    assert len(_query(url, history)) == 1


def _query(url: str, statement: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(statement).fetchall()


def test_a_full_refresh_gives_the_same_marts(two_nights, module_warehouse):
    url, *_ = two_nights
    # GIVEN the marts two incremental nights published
    before = schema_checksums(url, "marts")
    # WHEN everything is rebuilt from scratch
    summary = _nightly(module_warehouse, full_refresh=True)
    # THEN every table is as it was (the publication record aside), and nothing changed
    after = schema_checksums(url, "marts")
    assert summary.full_refresh
    assert {k: v for k, v in after.items() if k != "dim_publication"} == {
        k: v for k, v in before.items() if k != "dim_publication"
    }
    assert summary.publication is not None
    assert (summary.publication.rows_inserted, summary.publication.rows_deleted) == (0, 0)
