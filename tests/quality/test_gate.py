"""Publish what passed, hold back what failed — end to end on a real PostgreSQL.

One warehouse per module (a copy of the reference warehouse): the bundled
samples are published first, then each test sends its own reports. A report
that breaks a rule needing context is held and its sender told, while the rest
of the night publishes; only a systemic failure stops a publication, and then
the marts BI reads stay exactly as they were (a checksum of every table).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from danvan.gate.review import SubmissionFilter, decide, list_submissions
from danvan.ingest.format.writers import write_csv, write_json
from danvan.ingest.inbox import FEEDBACK_SUFFIX
from danvan.pipeline import NightlySummary, PipelineFailed
from danvan.quality.suites import load_suites
from danvan.settings import Settings
from tests.conftest import SampleNight
from tests.processes import start_danvan
from tests.quality.checksums import schema_checksums

pytestmark = [pytest.mark.database, pytest.mark.e2e]

PETITIONS_RULE = "petitions resolved ≤ under authority ≤ received"
HISTORY_RULE = "figure within 5 robust deviations of the unit's own history"
RAW_ROWS_RULE = "every row a loaded file counted is in raw"
KILLED_RUN_TIMEOUT_SECONDS = 300


def hoa_lu_2024(submitted_on: str, petitions_resolved: int) -> dict:
    """Hoa Lư city's 2024 report: 392 petitions received, all under its authority."""
    return {
        "submission": {
            "reporting_unit_name": "Thành phố Hoa Lư",
            "reporting_unit_level": "huyện",
            "province": "Ninh Bình",
            "period": "Năm 2024",
            "submitted_on": submitted_on,
            "submitter": "Ban Dân vận Thành ủy Hoa Lư",
        },
        "models": [
            {
                "model_code": "NBH-HOALU-BUACOM",
                "model_name": "Bữa cơm nghĩa tình",
                "field": "văn hóa – xã hội",
                "start_date": "2022",
                "status": "đang thực hiện",
            }
        ],
        "indicators": [{"model_code": "NBH-HOALU-BUACOM", "indicator": "Số suất ăn", "value": 200}],
        "activities": [
            {"activity": "petitions_received", "value": 392},
            {"activity": "petitions_under_authority", "value": 392},
            {"activity": "petitions_resolved", "value": petitions_resolved},
        ],
    }


def thien_loc_bridges(period: str, submitted_on: str, bridges: str) -> dict:
    """A quarterly report of Thiên Lộc commune's rural-bridges model."""
    return {
        "submission": {
            "reporting_unit_name": "Xã Thiên Lộc",
            "reporting_unit_level": "xã",
            "province": "Hà Tĩnh",
            "district": "Can Lộc",
            "period": period,
            "submitted_on": submitted_on,
        },
        "models": [
            {
                "model_code": "HTI-THIENLOC-CAU",
                "model_name": "Vận động làm cầu dân sinh",
                "field": "kinh tế",
                "start_date": "2020",
            }
        ],
        "indicators": [
            {"model_code": "HTI-THIENLOC-CAU", "indicator": "bridges_built", "value": bridges}
        ],
    }


TAM_THANG_2024 = {
    "submission": {
        "reporting_unit_name": "Xã Tam Thăng",
        "reporting_unit_level": "xã",
        "province": "Quảng Nam",
        "district": "Tam Kỳ",
        "period": "Năm 2024",
        "submitted_on": "12/01/2025",
    },
    "models": [
        {
            "model_code": "QNA-TAMTHANG-5IN1-R",
            "model_name": "Nhân rộng tổ an ninh 5 trong 1 ra 8 thôn",
            "field": "quốc phòng – an ninh",
            "start_date": "2023",
            "members": 175,
            "parent_model_code": "QNA-TAMTHANG-5IN1",
        }
    ],
    "indicators": [{"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "patrols", "value": 320}],
}


def run_nightly(settings: Settings) -> NightlySummary:
    from flows.nightly import nightly_pipeline

    return nightly_pipeline(settings=settings, inbox=settings.inbox_dir)


def query(url: str, sql: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def published_values(url: str, reporting_unit_code: str, period_code: str) -> list[Decimal]:
    rows = query(
        url,
        """select value from marts.fct_indicator_values
           where reporting_unit_code = %s and period_code = %s order by value""",
        [reporting_unit_code, period_code],
    )
    return [value for (value,) in rows]


def states(url: str, reporting_unit_code: str, period_code: str | None = None) -> list[tuple]:
    """(period, date sent, state) of every submission of a unit (of one period: the samples
    hold the unit's earlier reports too)."""
    return query(
        url,
        """select period_code, submitted_on::text, state from audit.submission_states
           where reporting_unit_code = %s and period_code = coalesce(%s, period_code)
           order by submitted_on, file_id""",
        [reporting_unit_code, period_code],
    )


def last_pipeline_run(url: str) -> tuple:
    (run,) = query(
        url,
        "select run_id, status, summary ->> 'error' from audit.pipeline_runs "
        "order by started_at desc limit 1",
    )
    return run


def failing_rows_of_last_run(url: str, rule: str) -> list[tuple]:
    """(severity, success, period_code, province_code) of each failing row recorded."""
    return query(
        url,
        """select results.severity, results.success, failing.period_code, failing.province_code
           from dq.expectation_results as results
           join dq.failing_rows as failing using (run_id, suite, expectation)
           where results.run_id = (
                   select run_id from dq.validation_runs order by validated_at desc limit 1)
               and results.expectation = %s""",
        [rule],
    )


def feedback_of(settings: Settings, file_name: str) -> str:
    (feedback,) = settings.archive_dir.rglob(file_name + FEEDBACK_SUFFIX)
    return feedback.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def module_warehouse(published_samples: SampleNight) -> Settings:
    return published_samples.settings


@pytest.fixture(scope="module")
def published(published_samples: SampleNight) -> NightlySummary:
    # the bundled samples, landed and published by the nightly pipeline
    assert published_samples.summary.published
    return published_samples.summary


def test_the_samples_pass_every_rule(published, module_warehouse):
    # GIVEN the bundled samples WHEN published (fixture) THEN nothing failed, nothing warned
    failed = [o.render() for o in published.validation.outcomes if not o.success]
    assert failed == []
    # AND every suite ran
    suites = {suite.name for suite in load_suites(module_warehouse.expectations_dir)}
    assert {o.suite for o in published.validation.outcomes} == suites


def test_a_report_breaking_a_rule_is_held_and_everything_else_published(
    published, module_warehouse
):
    url = module_warehouse.database_url
    inbox = module_warehouse.inbox_dir
    # GIVEN a report resolving more petitions than it received (3920 for 392), sent in the
    # same night as another province's good report
    write_json(hoa_lu_2024("10/01/2025", petitions_resolved=3920), inbox / "hoa-lu_2024.json")
    write_json(TAM_THANG_2024, inbox / "tam-thang_2024.json")
    # WHEN the nightly run checks them
    summary = run_nightly(module_warehouse)
    # THEN the night is published: the good report is in the marts, the bad one is held
    assert summary.status == "published"
    assert published_values(url, "20362", "2024") == [Decimal(320)]
    assert published_values(url, "374", "2024") == []
    assert states(url, "374", "2024") == [("2024", "2025-01-10", "held")]
    assert summary.gate.held_by_province == {"37": 1}
    assert "1 held (province 37: 1)" in summary.render()
    # AND the rule is recorded as a hold, placed on Ninh Bình
    assert failing_rows_of_last_run(url, PETITIONS_RULE) == [
        ("hold_submission", False, "2024", "37")
    ]
    # AND the city is told, in Vietnamese first, which rule, where and with what value
    feedback = feedback_of(module_warehouse, "hoa-lu_2024.json")
    assert "TẠM GIỮ" in feedback
    assert feedback.index("Số đơn thư đã giải quyết (3920)") < feedback.index("Petitions resolved")
    assert "dòng/row 3" in feedback and "'Số lượng'" in feedback and "'3920'" in feedback
    # AND an operator sees the hold with its province
    (held,) = list_submissions(psycopg.connect(url), SubmissionFilter(province="37", state="held"))
    assert held.key.reporting_unit_code == "374"

    # WHEN the city sends a corrected version of the report
    write_json(hoa_lu_2024("20/01/2025", petitions_resolved=389), inbox / "hoa-lu_2024_v2.json")
    summary = run_nightly(module_warehouse)
    # THEN the next run publishes it, and the held version is superseded by itself
    assert summary.published and summary.gate.superseded == 1
    assert published_values(url, "374", "2024") == [Decimal(200)]
    assert states(url, "374", "2024") == [
        ("2024", "2025-01-10", "superseded"),
        ("2024", "2025-01-20", "published"),
    ]


def test_an_operator_releases_or_rejects_a_held_report(published, module_warehouse):
    url = module_warehouse.database_url
    inbox = module_warehouse.inbox_dir
    # GIVEN two 2019 quarters of a commune's model whose start is given as 2020: held, as a
    # report cannot describe a model that had not started
    early = thien_loc_bridges("Quý I/2019", "05/04/2019", "3")
    late = thien_loc_bridges("Quý II/2019", "05/07/2019", "2")
    write_csv([early, late], inbox, "thien-loc_2019")
    summary = run_nightly(module_warehouse)
    assert summary.published and len(summary.gate.held) == 4
    with psycopg.connect(url) as conn:
        held = list_submissions(conn, SubmissionFilter(unit="18415", state="held"))
    # (a CSV export sends a file per section: the report is held in both)
    assert len(held) == 4
    keys = {row.key.period_code: row.key for row in held}
    # WHEN an operator releases one (with a reason) and rejects the other
    with psycopg.connect(url) as conn:
        decide(conn, [keys["2019-Q1"]], "release", operator="thu", reason="ngày bắt đầu là 2019")
        decide(conn, [keys["2019-Q2"]], "reject", operator="thu", reason="gửi lại bản đúng")
    summary = run_nightly(module_warehouse)
    # THEN the released one is published, the rejected one is not, and both decisions are
    # kept with who took them and why
    assert summary.published
    assert published_values(url, "18415", "2019-Q1") == [Decimal(3)]
    assert published_values(url, "18415", "2019-Q2") == []
    events = query(
        url,
        """select distinct period_code, to_state, actor, reason_en from audit.submission_events
           where reporting_unit_code = '18415' and actor = 'thu' order by period_code""",
    )
    assert events == [
        ("2019-Q1", "approved", "thu", "released by an operator despite the hold: ngày bắt đầu là 2019"),
        ("2019-Q2", "rejected", "thu", "rejected by an operator: gửi lại bản đúng"),
    ]  # fmt: skip


def test_a_withdrawn_report_falls_back_to_its_earlier_version(published, module_warehouse):
    url = module_warehouse.database_url
    # GIVEN Can Lộc's nine-month report, published in two versions (7 km, then 7.1 km)
    before = query(
        url,
        """select value from marts.fct_indicator_values
           where indicator_code = 'canals_built_km' and period_code = '2023-9M'""",
    )
    assert before == [(Decimal("7.1"),)]
    (latest_file,) = query(
        url,
        """select file_id from audit.submission_states where period_code = '2023-9M'
           and state = 'published' order by submitted_on desc limit 1""",
    )
    # WHEN an operator withdraws the file of the later version
    with psycopg.connect(url) as conn:
        from danvan.gate.review import submissions_of_file

        decide(
            conn,
            submissions_of_file(conn, latest_file[0]),
            "withdraw",
            operator="thu",
            reason="gửi nhầm",
        )
    summary = run_nightly(module_warehouse)
    # THEN the next publication shows the earlier version again
    assert summary.published
    after = query(
        url,
        """select value from marts.fct_indicator_values
           where indicator_code = 'canals_built_km' and period_code = '2023-9M'""",
    )
    assert after == [(Decimal(7),)]
    # AND what was published before is still there for whoever quoted it
    history = query(
        url,
        """select value, published_from, published_until from marts_history.fct_indicator_values
           where indicator_code = 'canals_built_km' and period_code = '2023-9M'
           order by published_from""",
    )
    assert [row[0] for row in history] == [Decimal("7.1"), Decimal(7)]
    assert history[0][2] == history[1][1] == summary.publication.publication_id


def test_a_systemic_failure_blocks_and_keeps_the_marts(published, module_warehouse):
    url = module_warehouse.database_url
    # GIVEN published marts, a raw table emptied behind the pipeline's back, and a new report
    before = schema_checksums(url, "marts")
    with psycopg.connect(url) as conn:
        conn.execute("create table public.kept as select * from raw.unit_activities")
        conn.execute("delete from raw.unit_activities")
    write_json(
        hoa_lu_2024("25/01/2025", petitions_resolved=380),
        module_warehouse.inbox_dir / "hoa-lu_2024_v3.json",
    )
    try:
        # WHEN the nightly run checks the build
        with pytest.raises(PipelineFailed) as failure:
            run_nightly(module_warehouse)
        # THEN it is blocked, saying why, and the marts BI reads are exactly as they were
        summary = failure.value.summary
        assert summary.status == "blocked"
        assert any(RAW_ROWS_RULE in line for line in summary.as_dict()["blocked_by"])
        assert "BLOCKED" in summary.render()
        assert schema_checksums(url, "marts") == before
        assert last_pipeline_run(url)[1] == "blocked"
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("insert into raw.unit_activities select * from public.kept")
            conn.execute("drop table public.kept")
    # WHEN the table is restored THEN the next night publishes what was held back
    assert run_nightly(module_warehouse).published


def test_an_outlier_is_published_and_recorded_as_a_warning(published, module_warehouse):
    url = module_warehouse.database_url
    # GIVEN a commune whose quarters say 3, 5, 2 and 4 bridges, then 13.000 (13 typed as 13,000)
    before = schema_checksums(url, "marts")
    quarters = [
        thien_loc_bridges("Quý I/2024", "05/04/2024", "3"),
        thien_loc_bridges("Quý II/2024", "05/07/2024", "5"),
        thien_loc_bridges("Quý III/2024", "05/10/2024", "2"),
        thien_loc_bridges("Quý IV/2024", "05/01/2025", "4"),
        thien_loc_bridges("Quý I/2025", "05/04/2025", "13.000"),
    ]
    write_csv(quarters, module_warehouse.inbox_dir, "thien-loc_bridges")
    # WHEN the nightly run checks them
    summary = run_nightly(module_warehouse)
    # THEN it publishes: an outlier is reported, not blocked
    assert summary.published
    assert schema_checksums(url, "marts") != before
    assert published_values(url, "18415", "2025-Q1") == [Decimal(13000)]
    # AND the warning names that quarter alone, in Hà Tĩnh
    assert [o.rule for o in summary.validation.warnings] == [HISTORY_RULE]
    assert failing_rows_of_last_run(url, HISTORY_RULE) == [("warn", False, "2025-Q1", "42")]


def test_a_run_killed_while_dbt_builds_leaves_the_marts_as_published(
    published, module_warehouse, tmp_path
):
    url = module_warehouse.database_url
    # GIVEN published marts, a new report and one that will be held
    before = schema_checksums(url, "marts")
    write_json(
        {**TAM_THANG_2024, "submission": {**TAM_THANG_2024["submission"], "period": "Quý I/2025",
         "submitted_on": "05/04/2025"}},
        module_warehouse.inbox_dir / "tam-thang_2025-q1.json",
    )  # fmt: skip
    write_json(
        hoa_lu_2024("01/02/2025", petitions_resolved=9999),
        module_warehouse.inbox_dir / "hoa-lu_2024_v4.json",
    )
    runs_before = set(module_warehouse.run_dir.iterdir())
    # WHEN `danvan nightly` is killed (SIGKILL, with dbt and the Prefect server) while dbt
    # builds the shadow marts
    log = tmp_path / "killed-run.log"
    process = start_danvan(
        module_warehouse, log, "nightly", "--inbox", str(module_warehouse.inbox_dir)
    )
    try:
        wait_until_dbt_builds_marts(module_warehouse, runs_before, process, log)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # THEN the killed run never finished, and the marts are exactly as published
    killed_run, status, _ = last_pipeline_run(url)
    assert status == "running"
    assert schema_checksums(url, "marts") == before
    assert published_values(url, "20362", "2025-Q1") == []

    # WHEN the next run starts
    summary = run_nightly(module_warehouse)
    # THEN it publishes the report the killed run had loaded, holds the bad one, and
    # records the kill
    assert summary.published
    assert published_values(url, "20362", "2025-Q1") == [Decimal(320)]
    assert ("2024", "2025-02-01", "held") in states(url, "374")
    (killed,) = query(
        url,
        "select status, summary ->> 'error' from audit.pipeline_runs where run_id = %s",
        [killed_run],
    )
    assert killed[0] == "failed" and killed[1].startswith("interrupted")


def wait_until_dbt_builds_marts(
    settings: Settings, runs_before: set[Path], process: subprocess.Popen, log: Path
) -> None:
    """Until this run's dbt has started building a model into the shadow schema (its
    log exists earlier: dbt readies itself while the night lands and admits files)."""
    deadline = time.monotonic() + KILLED_RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before it was killed:\n{log.read_text()}"
        new_runs = set(settings.run_dir.iterdir()) - runs_before
        dbt_logs = [run / "build" / "dbt-logs" / "dbt.log" for run in new_runs]
        if any(
            " START sql " in path.read_text(errors="replace") for path in dbt_logs if path.exists()
        ):
            return
        time.sleep(0.2)
    raise AssertionError(f"dbt did not start building the marts in time:\n{log.read_text()}")
