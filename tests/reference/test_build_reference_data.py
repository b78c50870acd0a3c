"""The pure parts of scripts/build_reference_data.py (the rest needs PyPI)."""

from __future__ import annotations

import importlib.util
import sys
from decimal import Decimal
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_reference_data.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_reference_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through it
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_prefixes_are_split_and_canonicalised(build) -> None:
    """GIVEN official names with prefixes in various capitalisations
    WHEN they are split
    THEN the prefix comes back in its canonical spelling and the rest unchanged."""
    assert build.split_prefix("Thành Phố Bắc Kạn") == ("Thành phố", "Bắc Kạn")
    assert build.split_prefix("Thị trấn NT Mộc Châu") == ("Thị trấn", "NT Mộc Châu")
    assert build.split_prefix("Đặc khu Lý Sơn") == ("Đặc khu", "Lý Sơn")
    assert build.split_prefix("Cao Bằng") == ("", "Cao Bằng")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Phường VII", "Phường 7"),
        ("Thị trấn N.T Phong Hải", "Thị Trấn Nông Trường Phong Hải"),
        ("Xã Qui Hướng", "Xã Quy Hướng"),
        ("Xã EaBar", "Xã Ea Bar"),
        ("Xã Tam Xuân I", "Xã Tam Xuân 1"),
    ],
)
def test_spelling_variants_meet(build, a: str, b: str) -> None:
    """GIVEN two spellings of one commune seen in the two sources
    WHEN their variant keys are computed
    THEN the keys are equal."""
    assert build.spelling_variant(build.short(a)) == build.spelling_variant(build.short(b))


def test_keys_are_only_used_when_unique_on_both_sides(build) -> None:
    """GIVEN two items on each side, one key shared by two left items
    WHEN tiers are matched
    THEN only the unique key pairs up, and a later tier cannot reuse a right item."""
    left = {1: "a", 2: "b", 3: "b"}
    right = {"x": "a", "y": "b"}
    tiers = [("same", lambda v: v, lambda v: v), ("any", lambda v: 0, lambda v: 0)]
    assert build.match_tiers(left, right, tiers) == {1: ("x", "same")}


def _unit(build, code: str, short: str, map_version: str = "2025-07"):
    return build.Unit(map_version, code, "commune", f"Xã {short}", short, "xã", "48", "48", "")


def test_a_split_commune_gets_equal_shares_and_one_primary(build) -> None:
    """GIVEN an old commune split between three new communes, one keeping its name
    WHEN it is allocated
    THEN shares are equal to six decimals and sum to exactly 1, and the namesake is
    primary and takes the rounding remainder."""
    old = _unit(build, "20932", "Trà Ka", "2025-01")
    new = {c: _unit(build, c, name) for c, name in (("1", "A"), ("2", "Trà Ka"), ("3", "B"))}
    rows, reason = build.allocate(old, build.Assignment(["3", "1", "2"], "converter_name", ""), new)
    assert reason == "its name"
    assert [(r["new_commune_code"], r["is_primary"], r["allocation_share"]) for r in rows] == [
        ("1", "false", "0.333333"),
        ("2", "true", "0.333334"),
        ("3", "false", "0.333333"),
    ]
    assert sum(Decimal(r["allocation_share"]) for r in rows) == 1


def test_the_new_commune_keeping_the_old_code_is_primary(build) -> None:
    """GIVEN an old commune whose GSO code one of its targets kept
    WHEN it is allocated
    THEN that target is primary, before any namesake or lower code."""
    old = _unit(build, "00007", "Cống Vị", "2025-01")
    new = {c: _unit(build, c, name) for c, name in (("00004", "Cống Vị"), ("00007", "X"))}
    rows, reason = build.allocate(
        old, build.Assignment(["00004", "00007"], "converter_name", ""), new
    )
    assert reason == "its code"
    assert [r["new_commune_code"] for r in rows if r["is_primary"] == "true"] == ["00007"]
