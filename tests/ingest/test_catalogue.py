"""The catalogue seeds are consistent with each other and cover what reports quote."""

from __future__ import annotations

import csv
import re
import unicodedata
from decimal import Decimal
from functools import cache

import pytest
import yaml

from danvan.ingest.reference_data import ReferenceData
from danvan.settings import Settings
from danvan.text import fold_diacritics, header_key

SEEDS_DIR = Settings().reference_seeds_dir
CATALOGUE = SEEDS_DIR / "catalogue"
UNITS = ReferenceData.from_seeds(SEEDS_DIR).units

COLUMNS = {
    "ref_units_of_measure": [
        "unit_code",
        "dimension",
        "canonical_unit_code",
        "factor_to_canonical",
        "name_vi",
        "name_en",
        "aliases",
    ],
    "ref_fields": ["field_code", "sort_order", "name_vi", "name_en", "aliases"],
    "ref_topics": ["topic_code", "field_code", "name_vi", "name_en", "aliases"],
    "ref_organization_types": ["organization_type_code", "name_vi", "name_en", "aliases"],
    "ref_indicators": [
        "indicator_code",
        "name_vi",
        "name_en",
        "canonical_unit_code",
        "allowed_unit_codes",
        "aggregation_rule",
        "field_code",
        "min_value",
        "max_value",
        "aliases",
    ],
    "ref_activities": [
        "activity_code",
        "name_vi",
        "name_en",
        "unit_code",
        "aggregation_rule",
        "min_value",
        "max_value",
        "aliases",
    ],
    "ref_contribution_types": [
        "contribution_type_code",
        "name_vi",
        "name_en",
        "canonical_unit_code",
        "min_value",
        "max_value",
        "aliases",
    ],
    "ref_contribution_sources": ["contribution_source_code", "name_vi", "name_en", "aliases"],
}
AGGREGATION_RULES = {"sum", "latest", "rate"}

# Every indicator docs/programme.md quotes: (what the report says, code, unit, aggregation).
PROGRAMME_INDICATORS = [
    ("19,300 models built and replicated; 119 models in 2023", "models_built", "model", "sum"),
    ("models replicated to other villages", "models_replicated", "model", "sum"),
    ("38 recognised at provincial level", "models_recognised", "model", "sum"),
    ("20 typical models selected for replication", "typical_models_selected", "model", "sum"),
    ("110 effective models", "effective_models", "model", "latest"),
    ("7.1 km of new internal canals", "canals_built_km", "km", "sum"),
    ("dredge 36.2 km of canals", "canals_dredged_km", "km", "sum"),
    ("clean 1.2 km of alleys and drains", "alleys_drains_cleaned_km", "km", "sum"),
    ("renovate 916 m of rural roads", "roads_renovated_km", "km", "sum"),
    ("length of roads built", "roads_built_km", "km", "sum"),
    ("length of roads widened", "roads_widened_km", "km", "sum"),
    ("~70 roads widened to 5 m or more", "roads_widened", "road", "sum"),
    ("renovate 34 mixed gardens", "mixed_gardens_renovated", "garden", "sum"),
    ("750 home gardens", "home_gardens_renovated", "garden", "sum"),
    ("help 45 model gardens", "model_gardens_built", "garden", "sum"),
    ("12 model residential areas", "model_residential_areas_built", "residential_area", "sum"),
    ("more than 1,000 households donated land", "households_donating_land", "households", "sum"),
    ("m² of land donated", "land_donated_m2", "m2", "sum"),
    (
        "10 of 10 villages meet the model new-rural standard",
        "villages_new_rural_model",
        "village",
        "latest",
    ),
    ("replicated to all 8 villages", "villages_covered", "village", "latest"),
    ("12 households", "households_participating", "households", "latest"),
    (">1 ha of black turmeric", "area_cultivated_ha", "ha", "latest"),
    ("3 products", "products_developed", "product", "latest"),
    ("one certified OCOP", "ocop_products", "product", "latest"),
    ("OCOP 3-star", "ocop_stars", "star", "latest"),
    ("~60 million VND profit in 2023", "profit_vnd", "VND", "sum"),
    ("4 houses repaired or built", "houses_built_or_repaired", "house", "sum"),
    ("number of houses built", "houses_built", "house", "sum"),
    ("houses repaired", "houses_repaired", "house", "sum"),
    (
        "poor households helped to repair or build houses",
        "poor_households_helped",
        "households",
        "sum",
    ),
    ("better-off households help poor households", "households_helped", "households", "sum"),
    ("20 members, then 169 members", "team_members", "members", "latest"),
    (">300 patrols", "patrols", "patrol", "sum"),
    ("37 cases detected", "cases_detected", "case", "sum"),
    ("supported police in 73 cases", "cases_supported_police", "case", "sum"),
    ("65 rural bridges", "bridges_built", "bridge", "sum"),
    ("rural road lighting, street lights", "lights_installed", "light", "sum"),
    (">200 meals at a hospital", "meals_served", "meal", "sum"),
    (
        "100% of inter-hamlet roads concreted",
        "inter_hamlet_roads_concreted_rate",
        "percent",
        "rate",
    ),
    ("97% of alleys concreted", "alleys_concreted_rate", "percent", "rate"),
    ("9 cooperatives", "cooperatives", "cooperative", "latest"),
    ("29 cooperative groups", "cooperative_groups", "cooperative_group", "latest"),
    ("multidimensional poverty 2.34%", "multidimensional_poverty_rate", "percent", "rate"),
]

# Unit-level activities docs/programme.md quotes (Ninh Bình city), as the submission format names them.
PROGRAMME_ACTIVITIES = [
    ("407 conferences", "conferences", "conference"),
    ("21,377 participants", "conference_participants", "persons"),
    ("133 training sessions", "trainings", "training_session"),
    ("27,554 cadres trained", "trainees", "persons"),
    ("received >4,900 citizens", "citizens_received", "persons"),
    (">3,750 petitions", "petitions_received", "petition"),
    ("392 under its authority", "petitions_under_authority", "petition"),
    ("resolved 389", "petitions_resolved", "petition"),
    ("11 collectives commended", "commendations_collective", "collective"),
    ("8 individuals commended", "commendations_individual", "persons"),
]

# Kinds of models docs/programme.md names, by the spelling a submission would use.
PROGRAMME_TOPICS = [
    ("cầu nông thôn", "rural_bridges"),
    ("giao thông nông thôn", "rural_roads"),
    ("hiến đất", "land_donation"),
    ("kênh mương", "canals_irrigation"),
    ("nông thôn mới", "new_rural_development"),
    ("cải tạo vườn tạp", "gardens"),
    ("vietgap", "farming_production"),
    ("ocop", "ocop_products"),
    ("hợp tác xã", "cooperatives"),
    ("nhà đại đoàn kết", "houses_for_poor"),
    ("hộ khá giúp hộ nghèo", "poverty_reduction"),
    ("bữa cơm nghĩa tình", "charity_meals"),
    ("tiếng kẻng văn minh", "environment"),
    ("thắp sáng đường quê", "road_lighting"),
    ("khu dân cư kiểu mẫu", "model_residential_areas"),
    ("tổ 5 trong 1", "self_governing_security"),
    ("lực lượng vũ trang giúp dân", "armed_forces_support"),
    ("tiếp công dân", "citizen_reception"),
    ("xây dựng chi bộ", "party_building"),
]

PROGRAMME_ORGANIZATIONS = [
    ("Đảng ủy", "party_committee"),
    ("Ban Dân vận", "mass_mobilisation_committee"),
    ("UBND", "peoples_committee"),
    ("MTTQ", "fatherland_front"),
    ("Hội LHPN", "womens_union"),
    ("Đoàn Thanh niên", "youth_union"),
    ("Hội Nông dân", "farmers_association"),
    ("Hội Cựu chiến binh", "veterans_association"),
    ("Công đoàn", "trade_union"),
    ("Công an", "police"),
    ("Ban CHQS", "military"),
    ("Doanh nghiệp", "enterprise"),
    ("Khối dân vận", "mass_mobilisation_bloc"),
    ("Cơ quan nhà nước", "state_agency"),
    ("Khác", "other"),
]


@cache
def rows(seed: str) -> list[dict[str, str]]:
    with (CATALOGUE / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def codes(seed: str) -> list[str]:
    return [row[COLUMNS[seed][0]] for row in rows(seed)]


def by_code(seed: str) -> dict[str, dict[str, str]]:
    return {row[COLUMNS[seed][0]]: row for row in rows(seed)}


def spellings(seed: str, row: dict[str, str]) -> list[str]:
    return [row[COLUMNS[seed][0]], row["name_vi"], row["name_en"], *row["aliases"].split("|")]


def resolve(seed: str, text: str) -> str | None:
    matches = {
        row[COLUMNS[seed][0]]
        for row in rows(seed)
        if header_key(text) in {header_key(s) for s in spellings(seed, row)}
    }
    assert len(matches) <= 1, matches
    return next(iter(matches), None)


def test_units_seed_is_the_one_values_reads():
    assert set(UNITS.units) == set(codes("ref_units_of_measure"))


@pytest.mark.parametrize("seed", sorted(COLUMNS))
def test_seed_has_its_columns_and_unique_codes(seed):
    with (CATALOGUE / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == COLUMNS[seed]
    seed_codes = codes(seed)
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", code) for code in seed_codes)
    assert len(seed_codes) == len(set(seed_codes))


@pytest.mark.parametrize("seed", sorted(COLUMNS))
def test_aliases_are_lower_case_nfc_and_listed_with_and_without_diacritics(seed):
    for row in rows(seed):
        aliases = row["aliases"].split("|")
        assert aliases, row
        for alias in aliases:
            assert alias
            assert alias == alias.strip() == " ".join(alias.split())
            assert alias == unicodedata.normalize("NFC", alias).lower(), alias
            assert fold_diacritics(alias) in aliases, alias


@pytest.mark.parametrize("seed", sorted(set(COLUMNS) - {"ref_units_of_measure"}))
def test_no_spelling_names_two_codes(seed):
    # GIVEN every code, name and alias of a seed, compared as ingestion compares them
    owner: dict[str, str] = {}
    for row in rows(seed):
        code = row[COLUMNS[seed][0]]
        for spelling in spellings(seed, row):
            key = header_key(spelling)
            # THEN no spelling points at two codes
            if key:
                assert owner.setdefault(key, code) == code, (spelling, owner[key], code)


def test_every_unit_spelling_resolves_to_its_unit():
    # Units keep punctuation (m² is not m), so they are matched by the values resolver.
    for row in rows("ref_units_of_measure"):
        for spelling in [row["unit_code"], row["name_vi"], *row["aliases"].split("|")]:
            assert UNITS.resolve(spelling).code == row["unit_code"], spelling


def test_units_read_into_their_canonical_unit():
    units = by_code("ref_units_of_measure")
    for code, row in units.items():
        canonical = units[row["canonical_unit_code"]]
        assert canonical["dimension"] == row["dimension"]
        assert canonical["canonical_unit_code"] == canonical["unit_code"]
        assert Decimal(canonical["factor_to_canonical"]) == 1
        assert Decimal(row["factor_to_canonical"]) > 0
        quantity = UNITS.parse_quantity("1", code)
        assert (quantity.value, quantity.unit) == (
            Decimal(row["factor_to_canonical"]),
            canonical["unit_code"],
        )
    assert {row["dimension"] for row in units.values()} == {
        "money",
        "length",
        "area",
        "labour",
        "rate",
        "count",
    }


@pytest.mark.parametrize(
    ("code", "dimension", "canonical", "factor"),
    [
        ("VND", "money", "VND", "1"),
        ("billion_VND", "money", "VND", "1000000000"),
        ("million_VND", "money", "VND", "1000000"),
        ("km", "length", "km", "1"),
        ("m", "length", "km", "0.001"),
        ("m2", "area", "m2", "1"),
        ("ha", "area", "m2", "10000"),
        ("km2", "area", "m2", "1000000"),
        ("sao_bac_bo", "area", "m2", "360"),
        ("sao_trung_bo", "area", "m2", "500"),
        ("cong_nam_bo", "area", "m2", "1000"),
        ("labour_days", "labour", "labour_days", "1"),
        ("percent", "rate", "percent", "1"),
        ("persons", "count", "persons", "1"),
        ("members", "count", "persons", "1"),
        ("households", "count", "households", "1"),
        ("occasion", "count", "occasion", "1"),
    ],
)
def test_unit_factors(code, dimension, canonical, factor):
    row = by_code("ref_units_of_measure")[code]
    assert (row["dimension"], row["canonical_unit_code"]) == (dimension, canonical)
    assert Decimal(row["factor_to_canonical"]) == Decimal(factor)


def test_fields_are_the_four_headline_categories():
    fields = by_code("ref_fields")
    assert list(fields) == ["economy", "culture_society", "defence_security", "party_building"]
    assert [int(row["sort_order"]) for row in fields.values()] == [1, 2, 3, 4]
    for spelling, code in [
        ("Kinh tế", "economy"),
        ("Văn hóa – Xã hội", "culture_society"),
        ("văn hoá - xã hội", "culture_society"),
        ("VH-XH", "culture_society"),
        ("Quốc phòng – An ninh", "defence_security"),
        ("QP-AN", "defence_security"),
        ("Xây dựng Đảng và hệ thống chính trị", "party_building"),
        ("XDĐ", "party_building"),
        ("xay dung dang", "party_building"),
    ]:
        assert resolve("ref_fields", spelling) == code, spelling


def test_topics_belong_to_a_field_and_every_field_has_topics():
    fields = set(codes("ref_fields"))
    topic_fields = {row["field_code"] for row in rows("ref_topics")}
    assert topic_fields == fields


@pytest.mark.parametrize(("spelling", "code"), PROGRAMME_TOPICS)
def test_every_kind_of_model_has_a_topic(spelling, code):
    assert resolve("ref_topics", spelling) == code


@pytest.mark.parametrize(("spelling", "code"), PROGRAMME_ORGANIZATIONS)
def test_every_kind_of_organisation_has_a_type(spelling, code):
    assert resolve("ref_organization_types", spelling) == code


def test_indicators_units_rules_and_fields_are_consistent():
    units = by_code("ref_units_of_measure")
    fields = set(codes("ref_fields"))
    for code, row in by_code("ref_indicators").items():
        canonical = row["canonical_unit_code"]
        allowed = row["allowed_unit_codes"].split("|")
        # GIVEN an indicator THEN its units exist, include the canonical one and convert to it
        assert canonical in units, code
        assert canonical in allowed, code
        for unit in allowed:
            assert unit in units, (code, unit)
            assert units[unit]["dimension"] == units[canonical]["dimension"], (code, unit)
            if unit == "occasion":  # the counter word of events: one of what is counted
                continue
            assert units[unit]["canonical_unit_code"] == units[canonical]["canonical_unit_code"]
        assert row["aggregation_rule"] in AGGREGATION_RULES, code
        # AND a rate is a percentage that is never summed
        assert (row["aggregation_rule"] == "rate") == (canonical == "percent"), code
        assert row["field_code"] in fields | {""}, code


@pytest.mark.parametrize(
    ("statement", "code", "unit", "rule"),
    PROGRAMME_INDICATORS,
    ids=[code for _, code, _, _ in PROGRAMME_INDICATORS],
)
def test_every_indicator_programme_quotes_is_catalogued(statement, code, unit, rule):
    # GIVEN a figure a provincial report quotes
    row = by_code("ref_indicators").get(code)
    # THEN the catalogue has its indicator, in the right unit and aggregation
    assert row is not None, statement
    assert (row["canonical_unit_code"], row["aggregation_rule"]) == (unit, rule), statement


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Số cầu xây mới", "bridges_built"),
        ("so cau xay moi", "bridges_built"),
        ("nạo vét kênh mương", "canals_dredged_km"),
        ("Tỷ lệ hộ nghèo đa chiều", "multidimensional_poverty_rate"),
        ("tỉ lệ hộ nghèo", "multidimensional_poverty_rate"),
        ("Số lượt tuần tra", "patrols"),
        ("lợi nhuận", "profit_vnd"),
        ("sản phẩm OCOP", "ocop_products"),
        ("Diện tích đất hiến", "land_donated_m2"),
    ],
)
def test_indicator_spellings_resolve(spelling, code):
    assert resolve("ref_indicators", spelling) == code


@pytest.mark.parametrize(("statement", "code", "unit"), PROGRAMME_ACTIVITIES)
def test_every_activity_programme_quotes_is_catalogued(statement, code, unit):
    row = by_code("ref_activities").get(code)
    assert row is not None, statement
    assert row["unit_code"] == unit
    assert row["aggregation_rule"] == "sum"


def test_activities_count_known_units():
    units = by_code("ref_units_of_measure")
    assert set(codes("ref_activities")) == {code for _, code, _ in PROGRAMME_ACTIVITIES}
    for row in rows("ref_activities"):
        assert units[row["unit_code"]]["dimension"] == "count"


def test_contribution_types_and_their_units():
    units = by_code("ref_units_of_measure")
    types = by_code("ref_contribution_types")
    assert {code: row["canonical_unit_code"] for code, row in types.items()} == {
        "money": "VND",
        "land": "m2",
        "labour": "labour_days",
        "materials": "VND",  # valued in đồng: materials share no physical unit
    }
    for row in types.values():
        unit = units[row["canonical_unit_code"]]
        assert unit["canonical_unit_code"] == unit["unit_code"]
    for spelling, code in [("tiền", "money"), ("ngày công", "labour"), ("hiện vật", "materials")]:
        assert resolve("ref_contribution_types", spelling) == code


def test_contribution_sources():
    assert codes("ref_contribution_sources") == [
        "state_budget",
        "residents",
        "enterprises",
        "philanthropists",
        "organizations",
        "other",
    ]
    for spelling, code in [
        ("Ngân sách nhà nước", "state_budget"),
        ("NSNN", "state_budget"),
        ("nhân dân đóng góp", "residents"),
        ("Doanh nghiệp", "enterprises"),
        ("Mạnh thường quân", "philanthropists"),
        ("nha hao tam", "philanthropists"),
        ("đoàn thể", "organizations"),
        ("nguồn khác", "other"),
    ]:
        assert resolve("ref_contribution_sources", spelling) == code, spelling


def test_every_seed_and_column_is_described_in_both_languages():
    properties = yaml.safe_load((CATALOGUE / "_catalogue__seeds.yml").read_text(encoding="utf-8"))
    seeds = {seed["name"]: seed for seed in properties["seeds"]}
    assert set(seeds) == {path.stem for path in CATALOGUE.glob("*.csv")} == set(COLUMNS)
    for name, seed in seeds.items():
        assert seed["description"].strip(), name
        assert seed["config"]["meta"]["description_vi"].strip(), name
        assert set(seed["config"]["column_types"]) == set(COLUMNS[name]), name
        columns = {column["name"]: column for column in seed["columns"]}
        assert list(columns) == COLUMNS[name], name
        for column in columns.values():
            assert column["description"].strip(), (name, column["name"])
            assert column["config"]["meta"]["description_vi"].strip(), (name, column["name"])
