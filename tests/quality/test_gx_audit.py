"""``danvan quality --audit``: Great Expectations itself checks what the engine checks.

One warehouse for the module (a copy of the reference warehouse) with the
bundled samples published. The audit runs every suite under expectations/
through GX 1.x and through the compiled engine, on the same rows: both must
pass every rule on the samples, and both must see a value broken behind the
pipeline's back, counting the same rows. GX's Data Docs must open offline.
"""

from __future__ import annotations

import re
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from danvan.cli import main
from danvan.pipeline import NightlySummary
from danvan.quality.gx_audit import AuditReport, audit, last_data_docs
from danvan.quality.suites import load_suites
from danvan.settings import Settings
from tests.conftest import SampleNight

pytestmark = [pytest.mark.database, pytest.mark.e2e]

NEGATIVE_VALUE_RULE = "value: expect_column_values_to_be_between(min_value=0)"
UNCHANGED_RULE = "every current indicator value is published once, unchanged"
EXTERNAL_ASSET = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
BROKEN_VALUES = 2


@pytest.fixture(scope="module")
def module_warehouse(published_samples: SampleNight) -> Settings:
    return published_samples.settings


@pytest.fixture(scope="module")
def published(published_samples: SampleNight) -> NightlySummary:
    # the bundled samples, landed and published by the nightly pipeline
    assert published_samples.summary.published, published_samples.summary.render()
    return published_samples.summary


@pytest.fixture(scope="module")
def clean_audit(published: NightlySummary, module_warehouse: Settings) -> AuditReport:
    return audit(module_warehouse, _url(module_warehouse))


def _url(settings: Settings) -> str:
    assert settings.database_url is not None
    return settings.database_url


def _cli_env(settings: Settings) -> dict[str, str]:
    return {"DANVAN_HOME": str(settings.home_dir), "DANVAN_DATABASE_URL": _url(settings)}


def suite_lines(output: str, suite: str) -> list[str]:
    """The rule lines the audit printed under a suite's heading."""
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{suite} ("))
    rules = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        rules.append(line)
    return rules


def test_every_suite_passes_and_gx_agrees_with_the_engine_on_every_rule(
    clean_audit, module_warehouse
):
    # GIVEN the samples published WHEN audited (fixture)
    suites = load_suites(module_warehouse.expectations_dir)
    # THEN every suite and every rule of it was checked by both
    assert [audited.suite.name for audited in clean_audit.suites] == [s.name for s in suites]
    assert len(clean_audit.rules) == sum(len(suite.rules) for suite in suites)
    # AND both pass every rule, agreeing (no rule either could not check)
    disagreements = [rule.render() for rule in clean_audit.rules if not rule.agree]
    failures = [rule.render() for rule in clean_audit.rules if not rule.passed]
    assert disagreements == []
    assert failures == []
    assert clean_audit.success
    # AND GX counted the failing rows of the rules that have rows (none)
    assert any(rule.gx.unexpected_count == 0 for rule in clean_audit.rules)


def test_data_docs_are_written_under_the_run_directory_and_open_offline(
    clean_audit, module_warehouse
):
    # GIVEN an audit WHEN asked for the last Data Docs
    result = CliRunner().invoke(main, ["quality", "--docs"], env=_cli_env(module_warehouse))
    # THEN the printed path is the audit's index, under $DANVAN_HOME's runs
    assert result.exit_code == 0, result.output
    index = Path(result.output.strip())
    assert index == clean_audit.data_docs_index == last_data_docs(module_warehouse)
    assert index.is_file() and index.is_relative_to(module_warehouse.run_dir)
    # AND no page references an asset or page on the web, and each links the local stylesheet
    pages = sorted(index.parent.rglob("*.html"))
    assert len(pages) > len(clean_audit.suites)  # the index, a page per suite and per result
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL_ASSET.search(html), page
        assert "danvan_offline.css" in html, page
    assert (index.parent / "static/styles/danvan_offline.css").is_file()
    # AND the index lists every suite as plain HTML rows (no script fills it offline)
    index_html = index.read_text(encoding="utf-8")
    for audited in clean_audit.suites:
        assert f'href="expectations/{audited.suite.name}.html"' in index_html
    assert "bootstrapTable" not in index_html


def test_a_value_broken_in_the_published_marts_fails_in_both_with_the_same_count(
    clean_audit, module_warehouse
):
    # GIVEN two published indicator values made negative behind the pipeline's back
    with psycopg.connect(_url(module_warehouse), autocommit=True) as conn:
        conn.execute(
            """update marts.fct_indicator_values set value = -value
               where indicator_value_key in (
                   select indicator_value_key from marts.fct_indicator_values
                   where value > 0 order by indicator_value_key limit %s)""",
            [BROKEN_VALUES],
        )
    try:
        # WHEN audited through the command line
        result = CliRunner().invoke(main, ["quality", "--audit"], env=_cli_env(module_warehouse))
    finally:
        with psycopg.connect(_url(module_warehouse), autocommit=True) as conn:
            conn.execute("update marts.fct_indicator_values set value = -value where value < 0")
    # THEN the audit fails, and both GX and the engine found the same two rows
    assert result.exit_code == 1, result.output
    lines = suite_lines(result.output, "marts__fct_indicator_values")
    for rule in (NEGATIVE_VALUE_RULE, UNCHANGED_RULE):
        [line] = [line for line in lines if f"] {rule} —" in line]
        assert line.lstrip().startswith("FAIL agree"), line
        rows = f"failed, {BROKEN_VALUES} failing rows"
        assert f"engine: {rows}; GX: {rows}" in line, line
    # AND GX and the engine disagree on nothing
    assert "GX and the engine disagree on 0" in result.output
