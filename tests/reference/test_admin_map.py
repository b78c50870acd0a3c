"""The unit matcher: codes and names in any spelling, never a silent wrong match."""

from __future__ import annotations

import contextlib
import datetime
import time
import unicodedata
from collections import Counter

import pytest

from danvan.reference import AdminMap, UnitMatchError
from danvan.text import fold_diacritics

OLD, NEW = "2025-01", "2025-07"

# Ambiguity measured over every official commune name, scoped by province only
# (Phường 1 exists in many districts of one city; "Tan Lap" folds onto several
# names). Measured: 2025-01 4.0% with diacritics, 5.5% without; 2025-07 0.0%
# with diacritics, 0.5% without. The bounds leave a little room for data updates.
AMBIGUOUS_BOUND = {
    (OLD, "diacritics"): 0.045,
    (OLD, "nfd"): 0.045,
    (OLD, "ascii"): 0.060,
    (NEW, "diacritics"): 0.001,
    (NEW, "nfd"): 0.001,
    (NEW, "ascii"): 0.010,
}


@pytest.mark.parametrize("map_version", [OLD, NEW])
def test_every_official_commune_name_matches_or_is_explicitly_ambiguous(
    admin_map: AdminMap, units, map_version: str
) -> None:
    """GIVEN every commune of a map, written with diacritics, without, and in NFD
    WHEN each is matched within its province
    THEN each result is the right commune, or an 'ambiguous' error whose candidates
    include the right commune; no result is wrong, and ambiguity stays in bounds."""
    communes = [u for u in units if (u["map_version"], u["unit_level"]) == (map_version, "commune")]
    outcomes: Counter = Counter()
    wrong = []
    for u in communes:
        spellings = {
            "diacritics": u["unit_name"],
            "ascii": fold_diacritics(u["unit_name"]),
            "nfd": unicodedata.normalize("NFD", u["unit_name"]),
        }
        for spelling, text in spellings.items():
            try:
                got = admin_map.match(
                    text, map_version=map_version, level="commune", province=u["province_code"]
                )
            except UnitMatchError as error:
                codes = {c.unit_code for c in error.candidates}
                if error.kind == "ambiguous" and u["unit_code"] in codes and len(codes) > 1:
                    outcomes[(spelling, "ambiguous")] += 1
                else:
                    wrong.append((text, u["unit_code"], str(error)))
                continue
            if got.unit_code == u["unit_code"]:
                outcomes[(spelling, "matched")] += 1
            else:
                wrong.append((text, u["unit_code"], got))
    assert wrong == []
    for spelling in ("diacritics", "ascii", "nfd"):
        rate = outcomes[(spelling, "ambiguous")] / len(communes)
        print(f"{map_version} {spelling}: ambiguous {rate:.2%} of {len(communes)}")
        assert rate <= AMBIGUOUS_BOUND[(map_version, spelling)]


def test_matching_ten_thousand_names_takes_well_under_a_second(admin_map: AdminMap, units) -> None:
    """GIVEN 10,000 commune names without diacritics
    WHEN they are matched within their provinces
    THEN it takes less than a second."""
    communes = [u for u in units if (u["map_version"], u["unit_level"]) == (OLD, "commune")]
    names = [(fold_diacritics(u["unit_short_name"]), u["province_code"]) for u in communes][:10_000]
    start = time.perf_counter()
    for text, province in names:
        with contextlib.suppress(UnitMatchError):
            admin_map.match(text, map_version=OLD, level="commune", province=province)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Xã Trà Ka",
        "Trà Ka",
        "xa tra ka",
        "TRÀ KA",
        "X. Trà Ka",
        "  Xã   Trà  Ka ",
        unicodedata.normalize("NFD", "Xã Trà Ka"),
        "20932",
    ],
)
def test_a_commune_is_found_in_any_spelling(admin_map: AdminMap, text: str) -> None:
    """GIVEN Xã Trà Ka written with or without prefix, diacritics, in NFD, or as its code
    WHEN it is matched in Quảng Nam (given by name without diacritics) on 2025-01
    THEN the result is commune 20932 of province 49."""
    got = admin_map.match(text, map_version=OLD, province="Quang Nam")
    assert (got.unit_code, got.unit_level, got.province_code) == ("20932", "commune", "49")


@pytest.mark.parametrize(
    ("text", "district", "code"),
    [
        ("Phường 1", "Quận 3", "27160"),
        ("P1", "Q.3", "27160"),
        ("P.01", "Q3", "27160"),
        ("phuong 01", "quan 3", "27160"),
        ("F.1", "770", "27160"),
        ("1", "Quận 3", "27160"),
    ],
)
def test_numbered_wards(admin_map: AdminMap, text: str, district: str, code: str) -> None:
    """GIVEN a numbered ward as 'Phường 1', 'P1', 'P.01', 'F.1' or a bare number
    WHEN it is matched as a commune within Quận 3 of Hồ Chí Minh city
    THEN it is Phường 1 of Quận 3."""
    got = admin_map.match(
        text, map_version=OLD, level="commune", province="TP. Hồ Chí Minh", district=district
    )
    assert got.unit_code == code


@pytest.mark.parametrize(
    ("text", "code", "level"),
    [
        ("TP. Hà Tĩnh", "436", "district"),
        ("Thành phố Hà Tĩnh", "436", "district"),
        ("Tỉnh Hà Tĩnh", "42", "province"),
        ("T. Hà Tĩnh", "42", "province"),
        ("H. Bắc Trà My", "515", "district"),
        ("Huyện Bắc Trà My", "515", "district"),
        ("TX Điện Bàn", "507", "district"),
        ("Thị xã Điện Bàn", "507", "district"),
        ("Quận 3", "770", "district"),
        ("Thừa Thiên Huế", "46", "province"),
        ("49", "49", "province"),
    ],
)
def test_prefixes_choose_the_level(admin_map: AdminMap, text: str, code: str, level: str) -> None:
    """GIVEN a province or district written with a full or abbreviated prefix
    WHEN it is matched nationwide on 2025-01 without a level
    THEN the prefix picks the unit, even where the bare name fits two levels."""
    got = admin_map.match(text, map_version=OLD)
    assert (got.unit_code, got.unit_level) == (code, level)


def test_a_bare_name_on_two_levels_is_ambiguous(admin_map: AdminMap) -> None:
    """GIVEN 'Hà Tĩnh', the name of a province and of its capital city
    WHEN it is matched on 2025-01 without a level
    THEN it is ambiguous, and the message names the input and both candidates."""
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("Hà Tĩnh", map_version=OLD)
    error = caught.value
    assert error.kind == "ambiguous"
    assert {c.unit_code for c in error.candidates} == {"42", "436"}
    assert "'Hà Tĩnh'" in str(error)
    assert "Tỉnh Hà Tĩnh (42)" in str(error) and "Thành phố Hà Tĩnh (436" in str(error)


def test_the_prefix_separates_namesakes(admin_map: AdminMap) -> None:
    """GIVEN Huyện Gia Lâm, which has both Thị trấn Yên Viên and Xã Yên Viên
    WHEN each is matched with its prefix, and the bare name without one
    THEN the prefix decides; the bare name is ambiguous between the two."""
    scope = {"map_version": OLD, "province": "Hà Nội", "district": "Gia Lâm"}
    assert admin_map.match("Thị trấn Yên Viên", **scope).unit_code == "00526"
    assert admin_map.match("TT. Yen Vien", **scope).unit_code == "00526"
    assert admin_map.match("Xã Yên Viên", **scope).unit_code == "00532"
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("Yên Viên", **scope)
    assert {c.unit_code for c in caught.value.candidates} == {"00526", "00532"}


def test_a_diacritics_free_name_that_folds_onto_two_units_is_ambiguous(
    admin_map: AdminMap,
) -> None:
    """GIVEN Thị xã Sa Pa, which has Phường Sa Pa and Phường Sa Pả
    WHEN 'Sa Pả' and the diacritics-free 'Sa Pa' are matched
    THEN 'Sa Pả' is Phường Sa Pả; 'Sa Pa' is ambiguous, since it may be either
    written without diacritics."""
    scope = {"map_version": OLD, "province": "Lào Cai", "district": "Sa Pa", "level": "commune"}
    assert admin_map.match("Sa Pả", **scope).unit_code == "03002"
    for text in ("Sa Pa", "Phường Sa Pa"):  # diacritics on the prefix prove nothing
        with pytest.raises(UnitMatchError) as caught:
            admin_map.match(text, **scope)
        assert caught.value.kind == "ambiguous"
        assert {c.unit_code for c in caught.value.candidates} == {"03001", "03002"}


def test_old_tone_placement_and_methods(admin_map: AdminMap) -> None:
    """GIVEN names in the old tone placement, and names without diacritics
    WHEN they are matched
    THEN they find the unit, and the method tells how."""
    got = admin_map.match("Xã Hoà An", map_version=NEW, province="Cao Bằng")
    assert (got.unit_code, got.method) == ("01654", "name")
    got = admin_map.match("Thuỷ Nguyên", map_version=OLD, level="district")
    assert (got.unit_name, got.method) == ("Thành phố Thủy Nguyên", "name")
    got = admin_map.match("Ninh Kieu", map_version=NEW, province="Can Tho")
    assert (got.unit_name, got.method) == ("Phường Ninh Kiều", "name_without_diacritics")
    assert admin_map.match("21548", map_version=NEW).method == "code"
    assert admin_map.match("Đặc khu Lý Sơn", map_version=NEW).unit_code == "21548"


def test_a_prefix_of_the_wrong_type_matches_only_a_unique_unit(admin_map: AdminMap) -> None:
    """GIVEN 'Phường Trà Ka' (Trà Ka is a xã) and 'Huyện Trà Ka' (a district prefix)
    WHEN they are matched in Quảng Nam
    THEN the first matches the only Trà Ka, flagged as a prefix mismatch; the
    second names no district and is unknown."""
    got = admin_map.match("Phường Trà Ka", map_version=OLD, province="Quảng Nam")
    assert (got.unit_code, got.method) == ("20932", "name_prefix_mismatch")
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("Huyện Trà Ka", map_version=OLD, province="Quảng Nam")
    assert caught.value.kind == "unknown"


def test_unknown_names_and_codes_out_of_scope(admin_map: AdminMap) -> None:
    """GIVEN a name no unit has, a code outside the scope, and an unknown scope
    WHEN they are matched
    THEN each raises 'unknown' with a message naming the input and the map."""
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("Xã Không Có", map_version=OLD, province="Quảng Nam")
    assert caught.value.kind == "unknown" and caught.value.candidates == ()
    assert "'Xã Không Có'" in str(caught.value) and "2025-01" in str(caught.value)
    assert "Tỉnh Quảng Nam (49)" in str(caught.value)
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("20932", map_version=OLD, province="Đà Nẵng")
    assert caught.value.kind == "unknown" and "'20932'" in str(caught.value)
    with pytest.raises(UnitMatchError, match="province scope") as caught:
        admin_map.match("Trà Ka", map_version=OLD, province="Atlantis")
    assert caught.value.kind == "unknown"
    with pytest.raises(ValueError, match="no districts"):
        admin_map.match("Trà Giáp", map_version=NEW, district="Bắc Trà My")
    with pytest.raises(ValueError, match="map version"):
        admin_map.match("Trà Ka", map_version="2020")


def test_map_version_for_dates() -> None:
    """GIVEN dates around the reform of 1 July 2025
    WHEN the map in force is asked for
    THEN it is 2025-01 up to 30 June 2025 and 2025-07 from 1 July."""
    admin_map = AdminMap([], [])
    assert admin_map.map_version_for(datetime.date(2019, 3, 1)) == OLD
    assert admin_map.map_version_for(datetime.date(2025, 6, 30)) == OLD
    assert admin_map.map_version_for(datetime.date(2025, 7, 1)) == NEW


def test_current_communes(admin_map: AdminMap, crosswalk) -> None:
    """GIVEN Xã Trà Ka and a commune split between several new communes
    WHEN their current communes are asked for
    THEN Trà Ka goes wholly to one commune of Đà Nẵng; the split commune lists its
    targets primary first with shares summing to 1; an unknown code is an error."""
    ((code, share, primary),) = admin_map.current_communes("20932")
    assert (share, primary) == (1.0, True)
    assert admin_map.match(code, map_version=NEW).province_code == "48"
    split = Counter(r["old_commune_code"] for r in crosswalk).most_common(1)[0][0]
    targets = admin_map.current_communes(split)
    assert len(targets) > 1 and targets[0][2] and not any(t[2] for t in targets[1:])
    assert sum(t[1] for t in targets) == pytest.approx(1.0)
    with pytest.raises(UnitMatchError):
        admin_map.current_communes("99999")


def test_a_scope_at_the_matched_level_is_a_consistency_check(admin_map: AdminMap) -> None:
    """GIVEN a province (district) matched with its own province (district) also given,
    as a submission that fills both columns does
    WHEN they agree, and when they do not
    THEN the unit is returned; a contradiction raises 'unknown' naming both."""
    got = admin_map.match("Quảng Nam", map_version=OLD, level="province", province="49")
    assert got.unit_code == "49"
    got = admin_map.match(
        "H. Bắc Trà My", map_version=OLD, level="district", province="Quảng Nam", district="515"
    )
    assert got.unit_code == "515"
    with pytest.raises(UnitMatchError) as caught:
        admin_map.match("Quảng Nam", map_version=OLD, level="province", province="Đà Nẵng")
    assert caught.value.kind == "unknown"
    assert "Tỉnh Quảng Nam (49)" in str(caught.value) and "'Đà Nẵng'" in str(caught.value)
