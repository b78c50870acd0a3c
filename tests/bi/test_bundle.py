"""The dashboard bundle hangs together, matches the dbt exposures, and carries no credentials."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from danvan.bi import DATABASE_FILE, PASSWORD_MASK, ReaderConnection, SupersetError, bundle_zip
from danvan.cli import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dashboards" / "superset"
EXPOSURES = yaml.safe_load(
    (ROOT / "dbt_project" / "models" / "marts" / "_exposures.yml").read_text("utf-8")
)["exposures"]


def load(kind: str) -> dict[str, dict]:
    configs = (yaml.safe_load(p.read_text("utf-8")) for p in (BUNDLE / kind).rglob("*.yaml"))
    return {config["uuid"]: config for config in configs}


DATABASE = yaml.safe_load((BUNDLE / DATABASE_FILE).read_text("utf-8"))
DATASETS = load("datasets")
CHARTS = load("charts")
DASHBOARDS = load("dashboards")


def dashboard_chart_uuids(dashboard: dict) -> list[str]:
    return [
        node["meta"]["uuid"]
        for node in dashboard["position"].values()
        if isinstance(node, dict) and node.get("type") == "CHART"
    ]


def test_one_dashboard_per_exposure_using_only_what_the_exposure_declares():
    exposures = {exposure["name"]: exposure for exposure in EXPOSURES}
    # GIVEN the bundle's dashboards, each with the slug of a dbt exposure
    assert sorted(d["slug"] for d in DASHBOARDS.values()) == sorted(exposures)
    for dashboard in DASHBOARDS.values():
        declared = set(
            re.findall(r"ref\('(\w+)'\)", " ".join(exposures[dashboard["slug"]]["depends_on"]))
        )
        # THEN every marts table its charts read is declared by the exposure (dbt lineage)
        read = {
            table
            for chart in dashboard_chart_uuids(dashboard)
            for table in re.findall(r"marts\.(\w+)", DATASETS[CHARTS[chart]["dataset_uuid"]]["sql"])
        }
        assert read <= declared, (dashboard["slug"], sorted(read - declared))


def test_every_chart_is_on_a_dashboard_and_reads_a_dataset_of_the_one_database():
    placed = [uuid for d in DASHBOARDS.values() for uuid in dashboard_chart_uuids(d)]
    assert sorted(placed) == sorted(CHARTS), "each chart on exactly one dashboard"
    assert all(chart["dataset_uuid"] in DATASETS for chart in CHARTS.values())
    assert {d["database_uuid"] for d in DATASETS.values()} == {DATABASE["uuid"]}
    for dashboard in DASHBOARDS.values():
        for native_filter in dashboard["metadata"]["native_filter_configuration"]:
            (target,) = native_filter["targets"]
            columns = [c["column_name"] for c in DATASETS[target["datasetUuid"]]["columns"]]
            assert target["column"]["name"] in columns


def test_each_charts_saved_query_asks_what_the_chart_shows():
    for chart in CHARTS.values():
        params = chart["params"]
        (query,) = json.loads(chart["query_context"])["queries"]
        # THEN the saved query (the chart data API and reports use it) has the chart's metrics…
        metrics = params.get("metrics") or ([params["metric"]] if "metric" in params else [])
        assert query.get("metrics", []) == metrics, chart["slice_name"]
        # … its columns …
        x_axis = [params["x_axis"]] if "x_axis" in params else []
        shown = (
            x_axis
            + params.get("groupbyColumns", [])
            + params.get("groupbyRows", [])
            + params.get("groupby", [])
            + params.get("all_columns", [])
        )
        asked = [c["label"] if isinstance(c, dict) else c for c in query["columns"]]
        assert asked == shown, chart["slice_name"]
        # … and its filters
        filters = [
            {"col": f["subject"], "op": f["operator"]}
            | ({"val": f["comparator"]} if "comparator" in f else {})
            for f in params["adhoc_filters"]
        ]
        assert query["filters"] == filters, chart["slice_name"]


def test_the_bundle_holds_no_credentials():
    # GIVEN the bundle's connection
    uri = DATABASE["sqlalchemy_uri"]
    # THEN its password is Superset's mask, and nothing else in the bundle names one
    assert f":{PASSWORD_MASK}@" in uri
    assert "password" not in DATABASE
    texts = [p.read_text("utf-8") for p in BUNDLE.rglob("*.yaml")]
    assert not [t for t in texts if re.search(r"postgres[\w+]*://[^:@/]+:(?!X{10}@)", t)]


def test_the_reader_url_is_written_into_the_bundle_and_its_password_kept_apart():
    # GIVEN a province reader's URL, with a password that needs escaping
    connection = ReaderConnection.from_url(
        "postgresql://danvan_reader_48:p%40ss%2Fw0rd@db.example:6543/danvan?sslmode=require"
    )
    # WHEN the bundle is zipped for the dataset endpoint
    archive = zipfile.ZipFile(io.BytesIO(bundle_zip(BUNDLE, connection, "SqlaTable")))
    database = yaml.safe_load(archive.read(f"danvan_dashboards/{DATABASE_FILE}"))
    metadata = yaml.safe_load(archive.read("danvan_dashboards/metadata.yaml"))
    # THEN Superset connects as that role to that host, the password masked and sent apart
    assert database["sqlalchemy_uri"] == (
        f"postgresql+psycopg2://danvan_reader_48:{PASSWORD_MASK}@db.example:6543/danvan"
        "?sslmode=require"
    )
    assert connection.password == "p@ss/w0rd"
    assert metadata["type"] == "SqlaTable"
    assert len(archive.namelist()) == len(list(BUNDLE.rglob("*.yaml")))


def test_a_url_that_is_not_postgresql_is_refused():
    with pytest.raises(SupersetError, match="postgresql://"):
        ReaderConnection.from_url("mysql://reader:secret@db/danvan")


def test_bi_setup_on_an_external_warehouse_asks_for_the_readers_url(monkeypatch):
    # GIVEN an external warehouse, whose read-only role's password danvan cannot know
    monkeypatch.setenv("DANVAN_DATABASE_URL", "postgresql://danvan:secret@warehouse:5432/danvan")
    monkeypatch.delenv("BI_READER_URL", raising=False)
    # WHEN bi-setup is run without --reader-url
    result = CliRunner().invoke(
        main,
        ["bi-setup", "--superset-url", "http://127.0.0.1:1", "--admin-user", "a"],
        env={"SUPERSET_ADMIN_PASSWORD": "b"},
    )
    # THEN it says what to set, before trying to reach Superset
    assert result.exit_code != 0
    assert "--reader-url" in result.output
