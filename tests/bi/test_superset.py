"""The dashboards in a real Apache Superset: every chart's figures are the marts' figures.

The demo publication (`danvan demo` + `danvan nightly`) on an embedded warehouse;
Superset installed from the registry (tests/bi/superset.py); `danvan bi-setup`
imports dashboards/superset reading as danvan_reader; each chart's data, through
Superset's chart data API, must equal the same figure computed by SQL on the
warehouse as that role. Marked `bi` (`make test-bi`); skipped only when the
package registry cannot be reached for a first install.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
import yaml

from danvan.bi import SupersetAdmin, SupersetClient
from danvan.settings import WAREHOUSE_READER
from tests.bi.superset import (
    ADMIN_PASSWORD,
    ADMIN_USER,
    RegistryUnreachable,
    cached_install,
    port_below_ephemeral_range,
    running_superset,
)

pytestmark = [pytest.mark.bi]

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dashboards" / "superset"
DANVAN = str(Path(sys.executable).parent / "danvan")

# Each chart's figures, computed by SQL on the marts independently of the datasets'
# SQL; columns in the order the chart's data has them.
TODAY = "'2025-07:' || {}"  # the admin_unit_key of a province on today's map
EXPECTED: dict[str, str] = {
    "Số mô hình — Models": "select sum(models) from marts.rpt_models",
    "Mô hình điển hình — Typical models": (
        "select sum(models) from marts.rpt_models where is_typical"
    ),
    "Mô hình theo lĩnh vực — Models by field": """
        select f.name_vi, sum(m.models) from marts.rpt_models as m
        inner join marts.dim_field as f on m.field_code = f.field_code group by f.name_vi""",
    "Mô hình theo năm xây dựng — Models by start year": (
        "select start_year, sum(models) from marts.rpt_models group by start_year"
    ),
    "Mô hình theo tỉnh và lĩnh vực — Models by province and field": f"""
        select f.name_vi, p.unit_name, sum(m.models) from marts.rpt_models as m
        inner join marts.dim_field as f on m.field_code = f.field_code
        inner join marts.dim_admin_unit as p
            on p.admin_unit_key = {TODAY.format("m.province_code_2025_07")}
        group by f.name_vi, p.unit_name""",
    "Công nhận và chọn điển hình theo năm — Recognitions and typical selections by year": """
        select event_year, event_type, recognition_level, sum(models)
        from marts.rpt_recognitions group by 1, 2, 3""",
    "Danh sách mô hình điển hình — List of typical models": f"""
        select m.model_name, f.name_vi, p.unit_name, u.reporting_unit_name, m.start_year,
            m.recognition_level, m.recognition_year
        from marts.dim_model as m
        inner join marts.dim_field as f on m.field_code = f.field_code
        inner join marts.dim_admin_unit as p
            on p.admin_unit_key = {TODAY.format("m.province_code_2025_07")}
        inner join marts.dim_reporting_unit as u on m.reporting_unit_key = u.reporting_unit_key
        where m.is_typical and not m.is_inferred""",
    "Tiền huy động, giai đoạn 2020–2025 — Money mobilised, 2020–2025": """
        select sum(amount) from marts.rpt_contributions_by_source
        where unit_code = 'VND' and period_code = '2020-2025'""",
    "Tiền huy động theo nguồn, giai đoạn 2020–2025 — Money by source, 2020–2025": """
        select s.name_vi, sum(c.amount) from marts.rpt_contributions_by_source as c
        inner join marts.dim_contribution_source as s
            on c.contribution_source_code = s.contribution_source_code
        where c.unit_code = 'VND' and c.period_code = '2020-2025' group by s.name_vi""",
    "Nguồn lực theo loại, nguồn và năm — Resources by type, source and year": """
        select c.period_code, t.name_vi, t.unit_name_vi, s.name_vi, sum(c.amount)
        from marts.rpt_contributions_by_source as c
        inner join marts.dim_contribution_type as t
            on c.contribution_type_code = t.contribution_type_code
        inner join marts.dim_contribution_source as s
            on c.contribution_source_code = s.contribution_source_code
        where c.period_kind = 'year' group by 1, 2, 3, 4""",
    "Kết quả theo chỉ tiêu và năm — Results by indicator and year": """
        select v.period_code, v.reporting_unit_level, i.name_vi, i.unit_name_vi, sum(v.value)
        from marts.rpt_indicators_by_unit_period as v
        inner join marts.dim_indicator as i on v.indicator_code = i.indicator_code
        where v.period_kind = 'year' and v.aggregation_rule <> 'rate' group by 1, 2, 3, 4""",
    "Kết quả theo đơn vị báo cáo và giai đoạn — Results by reporting unit and term": """
        select v.reporting_unit_name, p.period_label_vi, i.name_vi, v.value, i.unit_name_vi,
            v.covers_whole_period, v.periods_counted
        from marts.rpt_indicators_by_unit_period as v
        inner join marts.dim_indicator as i on v.indicator_code = i.indicator_code
        inner join marts.dim_period as p on v.period_code = p.period_code
        where v.period_kind = 'term'""",
    "Mô hình được nhân rộng — Models replicated": (
        "select count(*) from marts.rpt_replication_reach"
    ),
    "Mô hình nhân rộng trực tiếp — Direct replicas": (
        "select sum(direct_replicas) from marts.rpt_replication_reach"
    ),
    "Phạm vi nhân rộng theo mô hình gốc — Reach of each replicated model": f"""
        select r.model_name, p.unit_name, f.name_vi, r.start_year, r.direct_replicas,
            r.replicas, r.first_replicated_year, r.communes_reached, r.replica_villages,
            r.replica_members
        from marts.rpt_replication_reach as r
        inner join marts.dim_admin_unit as p
            on p.admin_unit_key = {TODAY.format("r.province_code_2025_07")}
        inner join marts.dim_field as f on r.field_code = f.field_code""",
    "Số lượt nhân rộng theo năm — Replications per year": """
        select event_year, count(*) from marts.fct_model_events
        where event_type = 'replicated' group by event_year""",
    "Tỷ lệ giải quyết đơn thư, giai đoạn 2020–2025 — Petitions resolved, 2020–2025": """
        select 100.0 * sum(petitions_resolved) / sum(petitions_under_authority)
        from marts.rpt_petition_resolution where period_code = '2020-2025'""",
    "Hoạt động dân vận theo năm — Activities by year": """
        select a.period_code, a.reporting_unit_level, d.name_vi, d.unit_name_vi, sum(a.value)
        from marts.rpt_unit_activities as a
        inner join marts.dim_activity as d on a.activity_code = d.activity_code
        where a.period_kind = 'year' group by 1, 2, 3, 4""",
    "Đơn thư theo đơn vị và kỳ — Petitions by unit and period": """
        select r.reporting_unit_name, p.period_label_vi, r.petitions_received,
            r.petitions_under_authority, r.petitions_resolved, r.resolution_rate_pct,
            r.citizens_received, r.covers_whole_period
        from marts.rpt_petition_resolution as r
        inner join marts.dim_period as p on r.period_code = p.period_code""",
    "Tỷ lệ báo cáo đúng hạn — Reports on time": """
        select 100.0 * sum(units_on_time) / sum(units_expected)
        from marts.rpt_submission_completeness""",
    "Thực hiện chỉ tiêu — Target attainment": """
        select a.status, t.description_vi, count(*) from marts.rpt_target_attainment as a
        inner join marts.dim_target as t on a.target_code = t.target_code group by 1, 2""",
    "Đơn vị chưa đạt chỉ tiêu — Units that did not meet a target": f"""
        select p.unit_name, a.unit_name, t.description_vi, a.period_code, a.min_value,
            a.actual_value
        from marts.rpt_target_attainment as a
        inner join marts.dim_target as t on a.target_code = t.target_code
        inner join marts.dim_admin_unit as target_province
            on target_province.admin_unit_key = a.map_version || ':' || a.province_code
        inner join marts.dim_admin_unit as p
            on p.admin_unit_key = {TODAY.format("target_province.province_code_2025_07")}
        where a.status = 'not_met'""",
    "Báo cáo theo tỉnh, cấp và kỳ — Reporting by province, level and period": f"""
        select p.unit_name, c.reporting_unit_level, d.period_label_vi, c.units_expected,
            c.units_reported, c.units_on_time, c.units_late, c.units_missing,
            c.completeness_pct, c.on_time_pct
        from marts.rpt_submission_completeness as c
        inner join marts.dim_admin_unit as p
            on p.admin_unit_key = {TODAY.format("c.province_code_2025_07")}
        inner join marts.dim_period as d on c.period_code = d.period_code""",
}


def bundle_files(kind: str) -> list[dict]:
    return [yaml.safe_load(path.read_text("utf-8")) for path in (BUNDLE / kind).rglob("*.yaml")]


@dataclass
class DemoWarehouse:
    env: dict[str, str]
    reader_url: str

    def rows(self, sql: str) -> list[tuple]:
        with psycopg.connect(self.reader_url) as conn:
            return conn.execute(sql).fetchall()


def danvan(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [DANVAN, *args], env=env, capture_output=True, text=True, check=False, timeout=1200
    )
    assert result.returncode == 0, f"danvan {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def superset_install() -> Path:
    try:
        return cached_install()
    except RegistryUnreachable as reason:
        print(f"skipped: {reason}")
        pytest.skip(str(reason))


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoWarehouse]:
    # Not under pytest's basetemp: another pytest run on the machine closes that to other
    # users, and the warehouse's server runs as one (danvan_postgres) when tests run as root.
    home = Path(tempfile.mkdtemp(prefix="danvan-bi-"))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DANVAN_")},
        "DANVAN_HOME": str(home),
        "DANVAN_PORT": str(port_below_ephemeral_range()),
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    try:
        danvan(env, "demo")
        danvan(env, "nightly")
        yield DemoWarehouse(env, danvan(env, "warehouse", "url", "--reader").strip())
    finally:
        danvan(env, "warehouse", "stop")
        shutil.rmtree(home)


@pytest.fixture(scope="module")
def superset(superset_install, tmp_path_factory) -> Iterator[str]:
    with running_superset(superset_install, tmp_path_factory.mktemp("superset")) as server:
        yield server.url


@pytest.fixture(scope="module")
def imported(superset: str, demo: DemoWarehouse) -> tuple[SupersetClient, list[str]]:
    env = {
        **demo.env,
        "SUPERSET_ADMIN_USER": ADMIN_USER,
        "SUPERSET_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    # Imported twice: the second import must update in place, not duplicate.
    messages = [danvan(env, "bi-setup", "--superset-url", superset) for _ in range(2)]
    client = SupersetClient(superset)
    client.log_in(SupersetAdmin(ADMIN_USER, ADMIN_PASSWORD))
    return client, messages


def listing(client: SupersetClient, resource: str, columns: str) -> list[dict]:
    query = urllib.parse.quote(f"(columns:!({columns}),page_size:100)")
    return client.get(f"/api/v1/{resource}/?q={query}")["result"]


def normalised(rows) -> Counter:
    def value(item):
        if isinstance(item, bool) or item is None or isinstance(item, str):
            return item
        if isinstance(item, Decimal | int | float):
            number = float(item)
            return round(number, 9) if math.isfinite(number) else number
        return str(item)

    return Counter(tuple(value(item) for item in row) for row in rows)


def test_the_bundle_is_imported_once_as_the_read_only_role(imported, demo):
    client, messages = imported
    # GIVEN the bundle imported twice by `danvan bi-setup`
    assert all(f"as {WAREHOUSE_READER}" in message for message in messages), messages
    # THEN Superset holds each dashboard, chart and dataset of the bundle exactly once
    dashboards = listing(client, "dashboard", "id,slug,dashboard_title")
    assert sorted(d["slug"] for d in dashboards) == sorted(
        d["slug"] for d in bundle_files("dashboards")
    )
    charts = listing(client, "chart", "id,uuid")
    assert sorted(c["uuid"] for c in charts) == sorted(c["uuid"] for c in bundle_files("charts"))
    datasets = listing(client, "dataset", "id,table_name")
    assert sorted(d["table_name"] for d in datasets) == sorted(
        d["table_name"] for d in bundle_files("datasets")
    )
    # AND its one database reads the demo warehouse as the read-only role
    (database,) = listing(client, "database", "id,database_name")
    uri = client.get(f"/api/v1/database/{database['id']}/connection")["result"]["sqlalchemy_uri"]
    reader = urllib.parse.urlsplit(demo.reader_url)
    assert uri.startswith(f"postgresql+psycopg2://{WAREHOUSE_READER}:")
    assert uri.endswith(f"@{reader.hostname}:{reader.port}{reader.path}")
    # … and through it nothing can be written (Superset refuses current_user in SQL Lab)
    sql = "select has_table_privilege('marts.rpt_models', 'INSERT') as can_write"
    answer = client.post_json(
        "/api/v1/sqllab/execute/", {"database_id": database["id"], "sql": sql, "runAsync": False}
    )
    assert answer["data"] == [{"can_write": False}]


def test_every_dataset_has_the_columns_its_sql_returns(demo):
    for dataset in bundle_files("datasets"):
        with psycopg.connect(demo.reader_url) as conn:
            cursor = conn.execute(f"select * from ({dataset['sql']}) as dataset limit 0")
            returned = [column.name for column in cursor.description]
        assert returned == [c["column_name"] for c in dataset["columns"]], dataset["table_name"]


def test_every_chart_shows_the_figures_sql_computes(imported, demo):
    client, _ = imported
    charts = {c["uuid"]: c for c in listing(client, "chart", "id,uuid,slice_name")}
    # GIVEN every chart of the bundle, each with its figures by SQL
    assert sorted(c["slice_name"] for c in charts.values()) == sorted(EXPECTED)
    for chart in charts.values():
        # WHEN Superset computes the chart's data (its saved query, as the dashboards do)
        result = client.get(f"/api/v1/chart/{chart['id']}/data/?force=true")["result"][0]
        shown = [[row[column] for column in result["colnames"]] for row in result["data"]]
        # THEN it is what SQL on the warehouse gives, and there is something to show
        expected = demo.rows(EXPECTED[chart["slice_name"]])
        assert shown, chart["slice_name"]
        assert normalised(shown) == normalised(expected), chart["slice_name"]
