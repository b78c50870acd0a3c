"""A night on generated submissions: what the generator spoiled on purpose is quarantined
or held, exactly as its manifest says, and everything else is published."""

from __future__ import annotations

import psycopg
import pytest

from danvan.pipeline import NightlySummary
from danvan.settings import Settings
from danvan.synthetic.generate import Generated, generate, write_form, write_submissions
from danvan.synthetic.manifest import Manifest

pytestmark = [pytest.mark.database, pytest.mark.e2e]

HeldVersion = tuple[str, str, str, str]  # unit, period, date sent, rule


def run_nightly(settings: Settings) -> NightlySummary:
    from flows.nightly import nightly_pipeline

    return nightly_pipeline(settings=settings, inbox=settings.inbox_dir)


def query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchall()


def held_in_warehouse(url: str) -> set[HeldVersion]:
    """Every report version held now, with the rules it broke (once for a CSV export's
    several files)."""
    rows = query(
        url,
        """select distinct states.reporting_unit_code, states.period_code,
               states.submitted_on::text, holds.rule
           from audit.submission_states as states
           join audit.holds as holds
               using (file_id, reporting_unit_code, period_code, submitted_on)
           where states.state = 'held'""",
    )
    return set(rows)


def held_in_manifest(manifest: Manifest) -> set[HeldVersion]:
    return {
        (facts.reporting_unit_code, facts.period_code, facts.submitted_on.isoformat(), rule)
        for facts in manifest.held()
        for rule in facts.held_rules
    }


@pytest.fixture(scope="module")
def messy() -> Generated:
    return generate(12, 4, 3, seed=0, messy=True)


@pytest.fixture(scope="module")
def messy_night(module_warehouse: Settings, messy: Generated) -> NightlySummary:
    write_submissions(messy.submissions, module_warehouse.inbox_dir)
    return run_nightly(module_warehouse)


def test_a_messy_night_is_published_and_holds_exactly_what_the_manifest_lists(
    messy_night, messy, module_warehouse
):
    # GIVEN twelve communes' messy submissions in the three forms, some breaking a rule that
    # needs context (manifest)
    assert messy.manifest.held()
    # WHEN the nightly has run (fixture)
    # THEN it is published
    assert messy_night.status == "published"
    # AND the held report versions, with their rules, are exactly those of the manifest
    assert held_in_warehouse(module_warehouse.database_url) == held_in_manifest(messy.manifest)


def test_a_messy_night_quarantines_exactly_the_bad_rows_of_the_manifest(
    messy_night, messy, module_warehouse
):
    # GIVEN the messy night (fixture)
    # WHEN the quarantine is read
    quarantined = query(
        module_warehouse.database_url,
        "select column_name, reason_code from audit.quarantine order by 1, 2",
    )
    # THEN it holds exactly the rows made bad on purpose, for their reasons
    expected = sorted(
        (bad.column, bad.reason_code)
        for facts in messy.manifest.submissions
        for bad in facts.bad_rows
    )
    assert expected and quarantined == expected


def test_corrected_versions_release_the_held_reports_the_next_night(
    messy_night, messy, module_warehouse
):
    url = module_warehouse.database_url
    # GIVEN the held reports sent again, corrected, a little later
    write_form(messy.corrections, module_warehouse.inbox_dir, "json")
    # WHEN the next night runs
    summary = run_nightly(module_warehouse)
    # THEN it is published, nothing is held any more, and every corrected version is published
    assert summary.status == "published"
    assert held_in_warehouse(url) == set()
    corrected = {
        (facts.reporting_unit_code, facts.period_code, facts.submitted_on.isoformat())
        for facts in messy.manifest.corrections
    }
    states = query(
        url,
        """select reporting_unit_code, period_code, submitted_on::text, state
           from audit.submission_states""",
    )
    assert {
        (unit, period, sent) for unit, period, sent, state in states if state == "published"
    } >= corrected
    # AND each held version is superseded by its correction
    held = {version[:3] for version in held_in_manifest(messy.manifest)}
    assert {
        (unit, period, sent) for unit, period, sent, state in states if state == "superseded"
    } == held


def test_a_clean_generation_is_published_holding_nothing(messy_night, messy, module_warehouse):
    # GIVEN other communes' clean submissions (no report of the messy night among them)
    clean = generate(12, 4, 3, seed=1)
    reports = {(f.reporting_unit_code, f.period_code) for f in messy.manifest.submissions}
    assert not reports & {
        (f.reporting_unit_code, f.period_code) for f in clean.manifest.submissions
    }
    write_submissions(clean.submissions, module_warehouse.inbox_dir)
    # WHEN the nightly runs
    summary = run_nightly(module_warehouse)
    # THEN every one of them passes the gate and is published
    assert summary.status == "published"
    assert summary.gate.evaluated > 0 and summary.gate.held == []
