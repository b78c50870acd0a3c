"""The rule files under expectations/ are runnable as written: checked without a database."""

from __future__ import annotations

import json
from typing import Any

import pytest

from danvan.ingest.format import SECTIONS_BY_NAME
from danvan.night import CHECKED_SCHEMAS
from danvan.quality.suites import (
    LAYERS,
    PARAMETERS,
    Severity,
    SuiteError,
    load_suites,
    resolve_layers,
    suite_from_document,
)
from danvan.settings import Settings

SCHEMAS = {"staging": "staging", "intermediate": "intermediate", "marts": "marts_build"}


@pytest.fixture(scope="module")
def suites():
    return load_suites(Settings().expectations_dir)


def test_every_suite_file_loads_and_passes_the_checks(suites):
    # GIVEN the versioned suite files WHEN they are loaded (fixture) THEN each layer has suites
    assert {suite.layer for suite in suites} == {"raw", "staging", "intermediate", "marts"}


def test_every_severity_is_used(suites):
    # GIVEN the rules THEN each of the four consequences is used by at least one rule
    assert {rule.severity for suite in suites for rule in suite.rules} == set(Severity)


def test_every_layer_and_parameter_a_rule_names_is_mapped_by_the_nightly_run(suites):
    # GIVEN the layers the nightly run maps (and the settings rules may name)
    mapped = {**CHECKED_SCHEMAS, **dict.fromkeys(PARAMETERS, "0.2")}
    assert set(LAYERS) == set(CHECKED_SCHEMAS)
    for suite in suites:
        for rule in suite.rules:
            if rule.type == "unexpected_rows_expectation":
                # WHEN the query's placeholders are resolved THEN none is unknown
                resolve_layers(rule.query, mapped)
    # AND the marts are checked in the shadow schema, never in the published one
    assert CHECKED_SCHEMAS["marts"] != "marts" and CHECKED_SCHEMAS["published"] == "marts"


def test_a_hold_tells_the_sender_where_and_what_in_both_languages(suites):
    holds = [rule for suite in suites for rule in suite.rules if rule.severity == "hold_submission"]
    assert len(holds) >= 5
    for rule in holds:
        # THEN each names a column of its section's form and says what to fix
        section = SECTIONS_BY_NAME[rule.meta["section"]]
        assert rule.meta["column"] in section.column_names
        assert rule.meta["tell_vi"] and rule.meta["tell_en"]
        # AND its query returns the submission and the row it points at
        for column in ("file_id", "reporting_unit_code", "period_code", "submitted_on"):
            assert column in rule.query, (rule.name, column)


def test_suite_names_match_their_files():
    for path in Settings().expectations_dir.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["name"] == path.stem


def _suite(query: str, severity: str = "block_publication", **meta: Any) -> dict[str, Any]:
    return {
        "name": "example",
        "meta": {"danvan": {"layer": "staging", "table": "t", "key_columns": ["id"]}},
        "expectations": [
            {
                "type": "unexpected_rows_expectation",
                "kwargs": {"unexpected_rows_query": query},
                "severity": severity,
                "meta": {"name": "rule", "why": "because", **meta},
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
    suite_from_document(_suite(query))


@pytest.mark.parametrize(
    "query",
    [
        "select * from {batch} join {reference}.r as r on r.id = id",
        "select * from {batch} as t where t.id < 0",
        "select * from staging.t where id < 0",
        "select * from {batch} where id < {unknown_setting}",
    ],
)
def test_a_query_the_engine_or_gx_would_misread_is_refused(query):
    # WHEN a query aliases {batch} wrongly, does not read it or names an unknown setting
    # THEN the suite is refused before anything runs
    with pytest.raises(SuiteError):
        suite_from_document(_suite(query))


def test_an_unknown_severity_is_refused():
    with pytest.raises(SuiteError, match="severity"):
        suite_from_document(_suite("select * from {batch} where id < 0", severity="critical"))


def test_a_hold_without_what_to_tell_the_sender_is_refused():
    query = "select * from {batch} where id < 0"
    with pytest.raises(SuiteError, match="tell_vi"):
        suite_from_document(
            _suite(query, "hold_submission", section="models", column="members", tell_en="x")
        )
    with pytest.raises(SuiteError, match="column"):
        suite_from_document(
            _suite(
                query, "hold_submission", section="models", column="nope", tell_en="x", tell_vi="y"
            )
        )


def test_layers_resolve_to_schemas_and_leave_gx_placeholders_alone():
    # GIVEN a query naming layers, GX's {batch} and an escaped brace
    query = "select * from {batch} as f join {marts}.d as d on d.k = any('{{1}}') join {staging}.s"
    # WHEN its layers are resolved
    resolved = resolve_layers(query, SCHEMAS)
    # THEN layers become schemas, the rest is left for the batch and the brace unescaping
    assert resolved == (
        "select * from {batch} as f join marts_build.d as d on d.k = any('{{1}}') join staging.s"
    )
    with pytest.raises(SuiteError, match="unknown layer"):
        resolve_layers("select * from {raw}.files", SCHEMAS)
