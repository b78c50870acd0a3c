"""Write-audit-publish end to end: only validated builds reach the marts BI reads.

One warehouse per module: the bundled samples are published first, then each
test sends its own reports and compares a checksum of every mart table.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import psycopg
import pytest

from danvan.ingest.format.writers import write_csv, write_json
from danvan.pipeline import NightlySummary, PipelineFailed
from danvan.quality import last_run_text, load_suites, validate
from danvan.settings import Settings
from danvan.synthetic.samples import copy_samples
from tests.quality.checksums import schema_checksums

pytestmark = [pytest.mark.database, pytest.mark.e2e]

PETITIONS_RULE = "petitions resolved ≤ under authority ≤ received"
HISTORY_RULE = "figure within 5 robust deviations of the unit's own history"
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
           where reporting_unit_code = %s and period_code = %s""",
        [reporting_unit_code, period_code],
    )
    return [value for (value,) in rows]


def last_validation(url: str) -> tuple[bool, bool]:
    """(success, published) of the latest validation run."""
    (run,) = query(
        url, "select success, published from dq.validation_runs order by validated_at desc limit 1"
    )
    return run


def last_pipeline_run(url: str) -> tuple:
    (run,) = query(
        url,
        "select run_id, status, summary ->> 'error' from audit.pipeline_runs "
        "order by started_at desc limit 1",
    )
    return run


def failing_rows_of_last_run(url: str, expectation: str) -> list[tuple]:
    """(severity, success, period_code, province_code) of each failing row recorded."""
    return query(
        url,
        """select results.severity, results.success, failing.period_code, failing.province_code
           from dq.expectation_results as results
           join dq.failing_rows as failing using (run_id, suite, expectation)
           where results.run_id = (
                   select run_id from dq.validation_runs order by validated_at desc limit 1)
               and results.expectation = %s""",
        [expectation],
    )


@pytest.fixture(scope="module")
def published(module_settings: Settings, prefect_api) -> NightlySummary:
    copy_samples(module_settings.inbox_dir)
    summary = run_nightly(module_settings)
    assert summary.published
    return summary


def test_the_samples_pass_every_expectation(published, module_settings):
    # GIVEN the bundled samples WHEN published (fixture) THEN nothing failed, nothing warned
    failed = [o.render() for o in published.validation.outcomes if not o.success]
    assert failed == []
    # AND every suite ran
    suites = {suite["name"] for suite in load_suites(module_settings.expectations_dir)}
    assert {o.suite for o in published.validation.outcomes} == suites


def test_the_run_leaves_browsable_data_docs(published, module_settings):
    # GIVEN the Data Docs the published run built
    docs = module_settings.run_dir / str(published.run_id) / "data-docs"
    index = (docs / "index.html").read_text(encoding="utf-8")
    # Suite pages are plain links; validation pages are rows of the index's table.
    found = re.findall(r'href="([^"#]+)"', index) + re.findall(
        r"_table_row_link_path': '([^']+)'", index
    )
    links = [unquote(link) for link in found]
    local = [link for link in links if not link.startswith(("http:", "https:", "mailto:"))]
    # THEN every page the index links to is there, with a validation page per suite
    assert [link for link in local if not (docs / link).is_file()] == []
    validated = {Path(link).parts[1] for link in local if link.startswith("validations/")}
    suites = {suite["name"] for suite in load_suites(module_settings.expectations_dir)}
    assert validated == suites
    page = next((docs / "validations" / "staging__unit_activities").rglob("*.html"))
    assert PETITIONS_RULE in page.read_text(encoding="utf-8")


def test_a_suite_whose_table_is_missing_fails_critically(published, module_settings):
    from flows.nightly import VALIDATED_SCHEMAS

    # GIVEN a build whose marts are not where the suites look (e.g. a renamed mart)
    schemas = VALIDATED_SCHEMAS | {"marts": "no_marts_here"}
    # WHEN the suites run
    report = validate(module_settings.database_url, module_settings.expectations_dir, schemas)
    # THEN every marts expectation fails with why, so nothing unchecked is published
    marts = [o for o in report.outcomes if o.table_name.startswith("marts.")]
    assert marts and all(not o.success and o.error for o in marts)
    assert not report.success
    assert all(o.success for o in report.outcomes if not o.table_name.startswith("marts."))


def test_a_critical_failure_keeps_the_marts_until_a_corrected_report(published, module_settings):
    url = module_settings.database_url
    inbox = module_settings.inbox_dir
    # GIVEN published marts and a report resolving more petitions than it received (3920 for 392)
    before = schema_checksums(url, "marts")
    write_json(hoa_lu_2024("10/01/2025", petitions_resolved=3920), inbox / "hoa-lu_2024.json")
    # WHEN the nightly run validates it
    with pytest.raises(PipelineFailed) as failure:
        run_nightly(module_settings)
    # THEN the run fails loudly, naming the rule and the failing report's keys
    message = str(failure.value)
    assert "marts NOT published" in message and PETITIONS_RULE in message
    assert '"reporting_unit_code": "374"' in message and '"period_code": "2024"' in message
    # AND the marts BI reads are exactly as they were
    assert schema_checksums(url, "marts") == before
    # AND the warehouse keeps the failure with its report and province (Ninh Bình)
    assert last_validation(url) == (False, False)
    assert failing_rows_of_last_run(url, PETITIONS_RULE) == [("critical", False, "2024", "37")]
    assert query(
        url,
        "select province_code, failing_rows from dq.failures_by_province where expectation = %s",
        [PETITIONS_RULE],
    ) == [("37", 1)]
    assert f"FAIL [critical] staging__unit_activities: {PETITIONS_RULE}" in last_run_text(url)

    # WHEN the city sends a corrected version of the report
    write_json(hoa_lu_2024("20/01/2025", petitions_resolved=389), inbox / "hoa-lu_2024_v2.json")
    summary = run_nightly(module_settings)
    # THEN the next run publishes it, and only the corrected version counts
    assert summary.published and not summary.validation.critical_failures
    assert schema_checksums(url, "marts") != before
    assert published_values(url, "374", "2024") == [Decimal(200)]


def test_an_outlier_is_published_and_recorded_as_a_warning(published, module_settings):
    url = module_settings.database_url
    # GIVEN a commune whose quarters say 3, 5, 2 and 4 bridges, then 13.000 (13 typed as 13,000)
    before = schema_checksums(url, "marts")
    quarters = [
        thien_loc_bridges("Quý I/2024", "05/04/2024", "3"),
        thien_loc_bridges("Quý II/2024", "05/07/2024", "5"),
        thien_loc_bridges("Quý III/2024", "05/10/2024", "2"),
        thien_loc_bridges("Quý IV/2024", "05/01/2025", "4"),
        thien_loc_bridges("Quý I/2025", "05/04/2025", "13.000"),
    ]
    write_csv(quarters, module_settings.inbox_dir, "thien-loc_bridges")
    # WHEN the nightly run validates them
    summary = run_nightly(module_settings)
    # THEN it publishes: an outlier is reported, not blocked
    assert summary.published
    assert schema_checksums(url, "marts") != before
    assert published_values(url, "18415", "2025-Q1") == [Decimal(13000)]
    # AND the warning names that quarter alone, in Hà Tĩnh
    assert [o.expectation for o in summary.validation.warnings] == [HISTORY_RULE]
    assert failing_rows_of_last_run(url, HISTORY_RULE) == [("warning", False, "2025-Q1", "42")]
    assert last_validation(url) == (True, True)


def test_a_run_killed_while_dbt_builds_leaves_the_marts_as_published(
    published, module_settings, tmp_path
):
    url = module_settings.database_url
    # GIVEN published marts and a new report in the inbox
    before = schema_checksums(url, "marts")
    write_json(TAM_THANG_2024, module_settings.inbox_dir / "tam-thang_2024.json")
    runs_before = set(module_settings.run_dir.iterdir())
    # WHEN `danvan nightly` is killed (SIGKILL, with dbt and the Prefect server) while dbt
    # builds the shadow marts
    log = tmp_path / "killed-run.log"
    process = start_nightly(module_settings, log)
    try:
        wait_until_dbt_builds_marts(module_settings, runs_before, process, log)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # THEN the killed run never finished, and the marts are exactly as published
    killed_run, status, _ = last_pipeline_run(url)
    assert status == "running"
    assert schema_checksums(url, "marts") == before
    assert published_values(url, "20362", "2024") == []

    # WHEN the next run starts
    summary = run_nightly(module_settings)
    # THEN it publishes the report the killed run had loaded, and records the kill
    assert summary.published
    assert published_values(url, "20362", "2024") == [Decimal(320)]
    (killed,) = query(
        url,
        "select status, summary ->> 'error' from audit.pipeline_runs where run_id = %s",
        [killed_run],
    )
    assert killed[0] == "failed" and killed[1].startswith("interrupted")


def start_nightly(settings: Settings, log: Path) -> subprocess.Popen:
    """`danvan nightly` as its own process group, so that a kill takes dbt with it."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    environment |= {
        "DANVAN_HOME": str(settings.home_dir),
        "DANVAN_DATABASE_URL": settings.database_url,
    }
    danvan = Path(sys.executable).with_name("danvan")
    with log.open("w") as output:
        return subprocess.Popen(
            [str(danvan), "nightly", "--inbox", str(settings.inbox_dir)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until_dbt_builds_marts(
    settings: Settings, runs_before: set[Path], process: subprocess.Popen, log: Path
) -> None:
    """Until this run's dbt has logged and written a table into the shadow schema."""
    deadline = time.monotonic() + KILLED_RUN_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the run ended before it was killed:\n{log.read_text()}"
        new_runs = set(settings.run_dir.iterdir()) - runs_before
        if any((run / "dbt-logs" / "dbt.log").exists() for run in new_runs) and query(
            settings.database_url, "select 1 from pg_tables where schemaname = 'marts_build'"
        ):
            return
        time.sleep(0.2)
    raise AssertionError(f"dbt did not start building the marts in time:\n{log.read_text()}")
