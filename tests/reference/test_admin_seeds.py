"""The administrative reference seeds: both maps complete, the crosswalk sound."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

import yaml

from danvan.text import search_key

OLD, NEW = "2025-01", "2025-07"
WIDTH = {"province": 2, "district": 3, "commune": 5}


def test_unit_counts_are_exactly_the_official_ones(units) -> None:
    """GIVEN ref_admin_units.csv
    WHEN units are counted per map version and level
    THEN 2025-01 has 63 / 696 / 10,051 and 2025-07 has 34 / 0 / 3,321."""
    counts = Counter((u["map_version"], u["unit_level"]) for u in units)
    assert counts == {
        (OLD, "province"): 63,
        (OLD, "district"): 696,
        (OLD, "commune"): 10_051,
        (NEW, "province"): 34,
        (NEW, "commune"): 3_321,
    }


def test_codes_are_unique_padded_and_every_parent_exists(units) -> None:
    """GIVEN every unit
    WHEN codes and parents are checked
    THEN codes are unique per map version and zero-padded to their level's width,
    each commune's parent is a district (2025-01) or province (2025-07) of its map,
    and province/district codes agree with the parent chain."""
    by_key = {(u["map_version"], u["unit_code"]): u for u in units}
    assert len(by_key) == len(units)
    for u in units:
        assert len(u["unit_code"]) == WIDTH[u["unit_level"]] and u["unit_code"].isdigit(), u
        if u["unit_level"] == "province":
            assert u["parent_code"] == "" and u["province_code"] == u["unit_code"], u
            continue
        parent = by_key[(u["map_version"], u["parent_code"])]
        expected = (
            "district" if u["map_version"] == OLD and u["unit_level"] == "commune" else ("province")
        )
        assert parent["unit_level"] == expected, u
        assert parent["province_code"] == u["province_code"], u
        if u["map_version"] == NEW:
            assert u["district_code"] == "", u
        elif u["unit_level"] == "commune":
            assert u["district_code"] == u["parent_code"], u


def test_names_types_and_search_keys_are_consistent(units) -> None:
    """GIVEN every unit
    WHEN its name, short name, type and search key are compared
    THEN the name is the short name behind a prefix, the type suits the level,
    and search_key is danvan.text.search_key of the short name."""
    types = {
        "province": {"tỉnh", "thành phố trung ương"},
        "district": {"huyện", "quận", "thị xã", "thành phố"},
        "commune": {"xã", "phường", "thị trấn", "đặc khu"},
    }
    for u in units:
        assert u["unit_name"].endswith(" " + u["unit_short_name"]), u
        assert u["unit_type"] in types[u["unit_level"]], u
        assert u["search_key"] == search_key(u["unit_short_name"]), u
    new_types = Counter(u["unit_type"] for u in units if u["map_version"] == NEW)
    assert new_types["đặc khu"] == 13


def test_every_old_commune_has_one_primary_target_and_shares_summing_to_one(
    units, crosswalk
) -> None:
    """GIVEN the commune crosswalk
    WHEN its rows are grouped by old commune
    THEN every 2025-01 commune has at least one row, exactly one primary row,
    shares that sum to exactly 1, a primary share no smaller than the others,
    and only 2025-07 communes as targets, with the right province codes."""
    old = {
        u["unit_code"]: u for u in units if (u["map_version"], u["unit_level"]) == (OLD, "commune")
    }
    new = {
        u["unit_code"]: u for u in units if (u["map_version"], u["unit_level"]) == (NEW, "commune")
    }
    rows = defaultdict(list)
    for r in crosswalk:
        rows[r["old_commune_code"]].append(r)
    assert set(rows) == set(old)
    for code, targets in rows.items():
        assert [r["is_primary"] for r in targets].count("true") == 1, code
        assert sum(Decimal(r["allocation_share"]) for r in targets) == 1, code
        primary = next(r for r in targets if r["is_primary"] == "true")
        assert all(
            Decimal(primary["allocation_share"]) >= Decimal(r["allocation_share"]) for r in targets
        ), code
        assert len({r["new_commune_code"] for r in targets}) == len(targets), code
        for r in targets:
            assert r["old_province_code"] == old[code]["province_code"]
            assert r["new_province_code"] == new[r["new_commune_code"]]["province_code"]


def test_crosswalk_follows_the_province_merges(read, crosswalk) -> None:
    """GIVEN the province crosswalk (63 old provinces, each into one of 34 new ones)
    WHEN commune crosswalk rows are checked against it
    THEN every old commune lands in the new province its old province became."""
    provinces = read("ref_provinces_crosswalk.csv")
    merge = {p["old_province_code"]: p["new_province_code"] for p in provinces}
    assert len(merge) == 63 and len(set(merge.values())) == 34
    assert merge["49"] == "48"  # Quảng Nam -> Đà Nẵng
    assert merge["89"] == merge["91"] == "91"  # An Giang + Kiên Giang -> An Giang
    assert merge["92"] == merge["93"] == merge["94"] == "92"  # Cần Thơ, Hậu Giang, Sóc Trăng
    assert all(merge[r["old_province_code"]] == r["new_province_code"] for r in crosswalk)


def test_tra_ka_moves_from_quang_nam_to_da_nang(units, crosswalk) -> None:
    """GIVEN Xã Trà Ka (huyện Bắc Trà My, tỉnh Quảng Nam) on the 2025-01 map
    WHEN it is followed through the crosswalk
    THEN it is under Quảng Nam on 2025-01 and its target is under Đà Nẵng on 2025-07."""
    by_key = {(u["map_version"], u["unit_code"]): u for u in units}
    (tra_ka,) = [u for u in units if u["map_version"] == OLD and u["unit_name"] == "Xã Trà Ka"]
    assert by_key[(OLD, tra_ka["district_code"])]["unit_name"] == "Huyện Bắc Trà My"
    assert by_key[(OLD, tra_ka["province_code"])]["unit_name"] == "Tỉnh Quảng Nam"
    targets = [r for r in crosswalk if r["old_commune_code"] == tra_ka["unit_code"]]
    assert targets
    for r in targets:
        target = by_key[(NEW, r["new_commune_code"])]
        assert by_key[(NEW, target["province_code"])]["unit_name"] == "Thành phố Đà Nẵng"


def test_manual_rules_are_applied_and_name_their_units(read, units, crosswalk) -> None:
    """GIVEN the reviewed manual rules
    WHEN they are compared with the units and the generated crosswalk
    THEN each names its units correctly, states a confidence and a note, and the
    crosswalk has exactly those targets for those communes, marked 'manual'."""
    names = {(u["map_version"], u["unit_code"]): u["unit_name"] for u in units}
    rules = read("ref_commune_crosswalk_manual.csv")
    assert 0 < len(rules) <= 50
    expected = defaultdict(set)
    for r in rules:
        assert names[(OLD, r["old_commune_code"])] == r["old_commune_name"]
        assert names[(NEW, r["new_commune_code"])] == r["new_commune_name"]
        assert r["confidence"] in {"high", "medium", "low"} and r["note"]
        expected[r["old_commune_code"]].add(r["new_commune_code"])
    got = defaultdict(set)
    for r in crosswalk:
        if r["match_method"] == "manual":
            got[r["old_commune_code"]].add(r["new_commune_code"])
    assert got == expected


def test_seed_properties_document_every_file_and_column(seeds_dir, read) -> None:
    """GIVEN _admin__seeds.yml and the CSV seeds beside it
    WHEN they are compared
    THEN every seed and column is described, every column has a type (codes stay
    text), and the provenance in meta matches ref_admin_sources.csv."""
    properties = yaml.safe_load((seeds_dir / "_admin__seeds.yml").read_text(encoding="utf-8"))
    seeds = {s["name"]: s for s in properties["seeds"]}
    assert set(seeds) == {p.stem for p in seeds_dir.glob("*.csv")}
    versions = {(s["package"], s["version"]) for s in read("ref_admin_sources.csv")}
    for name, seed in seeds.items():
        header = list(read(f"{name}.csv")[0])
        assert [c["name"] for c in seed["columns"]] == header, name
        assert all(c["description"] for c in seed["columns"]), name
        assert set(seed["config"]["column_types"]) == set(header), name
        for column in header:
            if column.endswith("_code"):
                assert seed["config"]["column_types"][column] == "text", (name, column)
        assert {(s["package"], s["version"]) for s in seed["config"]["meta"]["sources"]} <= versions
