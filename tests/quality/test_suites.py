"""The suite files under expectations/ are runnable as written: checked without a database."""

from __future__ import annotations

import json

import pytest

from danvan.quality import (
    SEVERITIES,
    SuiteError,
    check_suite,
    load_suites,
    resolve_layers,
)
from danvan.settings import Settings

SCHEMAS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts_build"}


@pytest.fixture(scope="module")
def suites() -> list[dict]:
    return load_suites(Settings().expectations_dir)


def test_every_suite_file_loads_and_passes_the_checks(suites):
    # GIVEN the versioned suite files WHEN they are loaded (fixture) THEN each layer has suites
    assert {suite["meta"]["danvan"]["layer"] for suite in suites} == {
        "raw", "staging", "intermediate", "marts",
    }  # fmt: skip


def test_every_layer_a_suite_names_is_mapped_by_the_nightly_run(suites):
    from flows.nightly import VALIDATED_SCHEMAS

    # GIVEN the layers suites check and the layers their SQL names
    named = {suite["meta"]["danvan"]["layer"] for suite in suites}
    for suite in suites:
        for expectation in suite["expectations"]:
            query = expectation["kwargs"].get("unexpected_rows_query", "")
            # WHEN the query's layers are resolved THEN none is unknown
            resolve_layers(query, VALIDATED_SCHEMAS)
    assert named <= set(VALIDATED_SCHEMAS)
    # AND the marts are validated in the shadow schema, never in the published one
    assert VALIDATED_SCHEMAS["marts"] != "marts"


def test_every_expectation_says_how_severe_and_why(suites):
    for suite in suites:
        for expectation in suite["expectations"]:
            assert expectation["severity"] in SEVERITIES, (suite["name"], expectation)
            assert expectation.get("meta", {}).get("why"), (suite["name"], expectation)


def test_suite_names_match_their_files():
    for path in Settings().expectations_dir.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["name"] == path.stem


def _suite(query: str, severity: str = "critical") -> dict:
    return {
        "name": "example",
        "meta": {"danvan": {"layer": "staging", "table": "t", "key_columns": ["id"]}},
        "expectations": [
            {
                "type": "unexpected_rows_expectation",
                "kwargs": {"unexpected_rows_query": query},
                "severity": severity,
                "meta": {"name": "rule", "why": "because"},
            }
        ],
    }


@pytest.mark.parametrize(
    "query",
    [
        "select * from {batch} as t join {reference}.r as r on r.id = t.id",
        "select * from {batch} where id < 0",
    ],
)
def test_a_query_aliases_its_batch_exactly_when_it_joins(query):
    # GIVEN a query that follows GX's rule for {batch} WHEN it is checked THEN it is accepted
    check_suite(_suite(query))


@pytest.mark.parametrize(
    "query",
    [
        "select * from {batch} join {reference}.r as r on r.id = id",
        "select * from {batch} as t where t.id < 0",
        "select * from staging.t where id < 0",
    ],
)
def test_a_query_gx_would_misread_is_refused(query):
    # WHEN a query aliases {batch} wrongly, or does not read it THEN the suite is refused
    with pytest.raises(SuiteError):
        check_suite(_suite(query))


def test_an_unknown_severity_is_refused():
    with pytest.raises(SuiteError, match="severity"):
        check_suite(_suite("select * from {batch} where id < 0", severity="info"))


def test_layers_resolve_to_schemas_and_leave_gx_placeholders_alone():
    # GIVEN a query naming layers, GX's {batch} and an escaped brace
    query = "select * from {batch} as f join {marts}.d as d on d.k = any('{{1}}') join {staging}.s"
    # WHEN its layers are resolved
    resolved = resolve_layers(query, SCHEMAS)
    # THEN layers become schemas, the rest is left for GX
    assert resolved == (
        "select * from {batch} as f join marts_build.d as d on d.k = any('{{1}}') join staging.s"
    )
    with pytest.raises(SuiteError, match="unknown layer"):
        resolve_layers("select * from {raw}.files", SCHEMAS)
