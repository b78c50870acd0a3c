"""Synthetic submissions: deterministic, on the real map, messy, and the same in every encoding."""

from __future__ import annotations

import json
import math
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import pytest
from click.testing import CliRunner

from danvan.cli import main
from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values.periods import Period
from danvan.quality.suites import Severity, load_suites
from danvan.reference.admin_map import AdminMap
from danvan.settings import Settings
from danvan.synthetic.generate import (
    HELD_RULES,
    HELD_SHARE,
    LAST_PERIOD_END,
    generate,
    write_form,
)
from danvan.warehouse.db import bootstrap
from tests.ingest.support import SEEDS_DIR, fetch, land

SECTIONS = ("models", "indicators", "contributions", "activities")
RAW_TABLES = ("raw.models", "raw.indicator_values", "raw.contributions", "raw.unit_activities")


@pytest.fixture(scope="module")
def messy():
    return generate(12, 6, 3, seed=11, messy=True)


def test_the_same_seed_gives_the_same_submissions_and_another_seed_others():
    # GIVEN the same arguments twice, and once with another seed
    first, again = generate(3, 4, 2, seed=5, messy=True), generate(3, 4, 2, seed=5, messy=True)
    other = generate(3, 4, 2, seed=6, messy=True)
    # WHEN their submissions are compared
    # THEN the same seed repeats them exactly, another does not
    assert [s.submission for s in first.submissions] == [s.submission for s in again.submissions]
    assert first.manifest.to_json() == again.manifest.to_json()
    assert [s.name for s in first.submissions] != [s.name for s in other.submissions]


def test_submissions_are_about_real_communes_in_overlapping_periods_with_revisions(messy):
    # GIVEN messy submissions of twelve communes over six periods
    admin_map = AdminMap.from_seeds(SEEDS_DIR / "admin")
    facts = messy.manifest.submissions
    # WHEN their manifest is examined
    # THEN every unit is a real commune of its map
    for fact in facts:
        unit = admin_map.match(
            fact.reporting_unit_code, map_version=fact.map_version, level="commune"
        )
        assert unit.unit_code == fact.reporting_unit_code
    # AND both maps, nine-month reports overlapping quarters, and revisions are there
    assert {fact.map_version for fact in facts} == {"2025-01", "2025-07"}
    periods_by_unit = defaultdict(set)
    for fact in facts:
        periods_by_unit[fact.reporting_unit_code].add(fact.period_code)
    assert any(
        {f"{code[:4]}-Q1", f"{code[:4]}-Q2", f"{code[:4]}-Q3"} <= periods
        for periods in periods_by_unit.values()
        for code in periods
        if code.endswith("-9M")
    )
    assert any(fact.revision == 2 for fact in facts)
    assert sum(len(fact.bad_rows) for fact in facts) > 0


def test_messy_submissions_spell_names_and_numbers_the_way_communes_do(messy):
    # GIVEN messy submissions
    headers = [s.submission["submission"] for s in messy.submissions]
    names = [h["reporting_unit_name"] for h in headers if "reporting_unit_name" in h]
    values = [row["value"] for s in messy.submissions for row in s.submission["indicators"]]
    # WHEN their spellings are examined
    # THEN names come without diacritics, in NFD, and without prefix; numbers Vietnamese style
    assert any(name.isascii() for name in names)
    assert any(unicodedata.is_normalized("NFD", n) and not n.isascii() for n in names)
    assert any(not name.lower().startswith(("xã", "xa ", "phường", "thị trấn")) for name in names)
    texts = [value for value in values if isinstance(value, str)]
    assert any(text.startswith("hơn ") for text in texts)
    assert any("triệu" in text or "." in text for text in texts)


@pytest.mark.database
def test_the_three_encodings_of_the_same_submissions_land_identically(server, tmp_path, messy):
    # GIVEN the same messy submissions written as workbooks, CSV exports and JSON documents,
    # each landed in its own warehouse
    landed = {}
    urls = []
    try:
        for form in ("xlsx", "csv", "json"):
            url = server.create_database()
            urls.append(url)
            bootstrap(url)
            results = land(url, *write_form(messy.submissions, tmp_path / form, form))
            assert {result.status for result in results.values()} == {"loaded"}
            landed[form] = _raw_contents(url)
    finally:
        for url in urls:
            server.drop_database(url)
    # WHEN their raw contents are compared (lineage aside)
    # THEN they are identical
    assert landed["xlsx"] == landed["json"]
    assert landed["csv"] == landed["json"]
    # AND the quarantine holds exactly the rows made bad on purpose
    manifest = messy.manifest
    expected = sorted(
        (bad.column, bad.reason_code) for fact in manifest.submissions for bad in fact.bad_rows
    )
    assert landed["json"]["quarantine"] == expected
    # AND every good row landed
    for section, table in zip(SECTIONS, RAW_TABLES, strict=True):
        loaded = len(landed["json"][table])
        assert loaded == manifest.rows_sent(section) - manifest.rows_bad(section), section


@pytest.mark.database
def test_indicator_totals_in_raw_match_the_manifest(warehouse_url, tmp_path, messy):
    # GIVEN the messy submissions landed as JSON
    land(warehouse_url, *write_form(messy.submissions, tmp_path, "json"))
    reference = ReferenceData.from_seeds(SEEDS_DIR)
    factor = {code: unit.factor_to_canonical for code, unit in reference.units.units.items()}
    # WHEN the latest revision's values are summed per unit, period and indicator,
    # converted to the indicator's own unit
    rows = fetch(
        warehouse_url,
        """select reporting_unit_code, period_code, indicator_code, value, unit_code
           from raw.indicator_values v
           where submitted_on = (select max(submitted_on) from raw.submissions s
                                 where s.reporting_unit_code = v.reporting_unit_code
                                   and s.period_code = v.period_code)""",
    )
    totals = defaultdict(Decimal)
    for unit, period, indicator, value, unit_code in rows:
        own_unit = reference.catalogue.indicator_unit(indicator)
        totals[(unit, period, indicator)] += (
            value * factor[unit_code] / factor[own_unit] if unit_code else value
        )
    # THEN they are the totals the generator knows
    assert dict(totals) == messy.manifest.indicator_totals()


def test_generate_command_writes_the_forms_in_turn_the_manifest_and_corrections(tmp_path):
    # GIVEN an output directory, and one for the corrected versions of held submissions
    out, corrections = tmp_path / "out", tmp_path / "corrections"
    # WHEN the command generates messy JSON and CSV only
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--communes",
            "4",
            "--periods",
            "2",
            "--models",
            "2",
            "--out",
            str(out),
            "--forms",
            "json,csv",
            "--seed",
            "3",
            "--messy",
            "--corrections",
            str(corrections),
        ],
    )
    # THEN both forms and the manifest are written, and no workbook
    assert result.exit_code == 0, result.output
    suffixes = {path.suffix for path in out.iterdir()}
    assert suffixes == {".json", ".csv"}
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["communes"], manifest["seed"]) == (4, 3)
    assert f"{len(manifest['submissions'])} submissions" in result.output
    # AND each held submission comes corrected, as JSON
    held = [facts["name"] for facts in manifest["submissions"] if facts["held_rules"]]
    assert held and f"({len(held)} to be held)" in result.output
    assert sorted(path.stem for path in corrections.iterdir()) == sorted(
        facts["name"] for facts in manifest["corrections"]
    )


def _raw_contents(url: str) -> dict[str, list]:
    """Raw rows without lineage (file, sheet, row), sorted; submissions once per identity."""
    contents = {}
    for table in RAW_TABLES:
        columns = [
            name
            for (name,) in fetch(
                url,
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = %s and column_name not in ('file_id', 'sheet', 'row_number') "
                "order by ordinal_position",
                (table.split(".")[1],),
            )
        ]
        contents[table] = sorted(map(repr, fetch(url, f"select {', '.join(columns)} from {table}")))
    # A CSV export has one file per section, and each file names the submissions it holds.
    contents["raw.submissions"] = fetch(
        url,
        """select distinct reporting_unit_code, period_code, submitted_on, reporting_unit_level,
                  reporting_unit_name_sent, unit_match_method, map_version, province_code,
                  period_kind, period_start, period_end, submitter, notes
           from raw.submissions order by 1, 2, 3""",
    )
    contents["quarantine"] = fetch(
        url, "select column_name, reason_code from audit.quarantine order by 1, 2"
    )
    return contents


def test_clean_submissions_pass_every_rule_that_needs_context():
    # GIVEN clean submissions over thirteen periods (back to 2022)
    generated = generate(30, 13, 3, seed=4)
    # WHEN their models and petitions are compared with the period reported
    for facts, sent in zip(generated.manifest.submissions, generated.submissions, strict=True):
        period_end = Period.from_code(facts.period_code).end
        for model in sent.submission["models"]:
            started = datetime.strptime(model["start_date"], "%d/%m/%Y").date()
            # THEN every model started by the period's end, and was recognised in between
            assert started <= period_end, (facts.name, model)
            if "recognition_year" in model:
                assert started.year <= model["recognition_year"] <= period_end.year
        # AND petitions resolved ≤ under authority ≤ received
        received, under_authority, resolved = (
            row["value"] for row in sent.submission["activities"][-3:]
        )
        assert resolved <= under_authority <= received
    # AND nothing is to be held, nothing corrected, no report is of the future
    assert generated.manifest.held() == [] and generated.corrections == []
    assert all(
        Period.from_code(facts.period_code).end <= LAST_PERIOD_END < date.today()
        for facts in generated.manifest.submissions
    )


def test_messy_submissions_break_a_listed_share_of_hold_rules_and_come_corrected():
    # GIVEN messy submissions of sixty communes
    generated = generate(60, 6, 3, seed=2, messy=True)
    manifest = generated.manifest
    held = manifest.held()
    # WHEN the held ones are examined
    # THEN they are the share announced, one rule each, every rule broken at least once
    assert len(held) == math.ceil(HELD_SHARE * len(manifest.submissions))
    assert all(len(facts.held_rules) == 1 for facts in held)
    assert {facts.held_rules[0] for facts in held} == set(HELD_RULES)
    # AND the rules are hold_submission rules of the expectations, by name
    hold_rules = {
        rule.name
        for suite in load_suites(Settings().expectations_dir)
        for rule in suite.rules
        if rule.severity is Severity.HOLD_SUBMISSION
    }
    assert set(HELD_RULES) <= hold_rules
    # AND each is its report's last revision, corrected by a later one that breaks nothing
    last = {(f.reporting_unit_code, f.period_code): f for f in manifest.latest()}
    assert all(last[(f.reporting_unit_code, f.period_code)] == f for f in held)
    assert [(c.reporting_unit_code, c.period_code, c.revision) for c in manifest.corrections] == [
        (f.reporting_unit_code, f.period_code, f.revision + 1) for f in held
    ]
    assert all(c.held_rules == () for c in manifest.corrections)
    assert [c.name for c in generated.corrections] == [c.name for c in manifest.corrections]
    spoiled = {s.name: s.submission for s in generated.submissions}
    for facts, corrected in zip(held, generated.corrections, strict=True):
        assert corrected.submission["models"] != spoiled[facts.name]["models"] or (
            corrected.submission["activities"] != spoiled[facts.name]["activities"]
        )
    # AND the manifest lists them
    listed = json.loads(manifest.to_json())["submissions"]
    assert sum(bool(facts["held_rules"]) for facts in listed) == len(held)
