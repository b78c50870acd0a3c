"""Resolve the administrative units named in submissions to GSO codes.

Submissions name provinces, districts and communes by GSO code or by name, in
any spelling: with or without diacritics, NFC or NFD, either tone placement,
with or without a prefix ("Xã", "P.", "TT.", "H.", "TP."...), "Phường 1" /
"P1" / "P.01". ``AdminMap.match`` resolves them on one map version
(``2025-01``: 63 provinces / 696 districts / 10,051 communes; ``2025-07``:
34 provinces / 3,321 communes) and never guesses: a name that fits several
units raises ``UnitMatchError`` with kind ``ambiguous`` and the candidates.

Matching order: the GSO code; then the name with its diacritics (after
``normalize_text`` and casefolding); only then the diacritics-free key. A
diacritics-free input that equals one unit's name but folds onto others too
is ambiguous. A prefix in the input restricts the unit type ("Phường Tân An"
is not "Xã Tân An"); when no unit of that type fits but exactly one unit of
the same level does, it matches with a ``_prefix_mismatch`` method (units
change type over time: a xã becomes a phường).

The index is built once from the ``admin`` seeds of the reference seeds directory
the settings name (``dbt_project/seeds/reference/admin``, see SOURCES.md there);
lookups are dictionary hits.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from danvan.text import fold_diacritics, normalize_text

__all__ = ["AdminMap", "UnitMatch", "UnitMatchError"]

OLD_MAP = "2025-01"
NEW_MAP = "2025-07"
REFORM_DATE = datetime.date(2025, 7, 1)
LEVELS = ("province", "district", "commune")
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}

# Prefix tokens (diacritics-free) -> the unit types they announce. Abbreviations
# cannot start a name; full words can ("Quan Hóa", "Phương Sơn"), so a full word
# is only taken for a prefix when it is written as one or without diacritics.
_PREFIXES: tuple[tuple[tuple[str, ...], tuple[str, ...], frozenset[str]], ...] = tuple(
    (tuple(folded.split()), tuple(exact.split()), frozenset(types))
    for folded, exact, types in (
        ("thanh pho trung uong", "thành phố trung ương", {"thành phố trung ương"}),
        ("thanh pho", "thành phố", {"thành phố", "thành phố trung ương"}),
        ("thi tran", "thị trấn", {"thị trấn"}),
        ("thi xa", "thị xã", {"thị xã"}),
        ("dac khu", "đặc khu", {"đặc khu"}),
        ("phuong", "phường", {"phường"}),
        ("huyen", "huyện", {"huyện"}),
        ("quan", "quận", {"quận"}),
        ("tinh", "tỉnh", {"tỉnh"}),
        ("xa", "xã", {"xã"}),
        ("tp", "tp", {"thành phố", "thành phố trung ương"}),
        ("tt", "tt", {"thị trấn"}),
        ("tx", "tx", {"thị xã"}),
        ("p", "p", {"phường"}),
        ("f", "f", {"phường"}),  # "F.1": southern shorthand for phường
        ("x", "x", {"xã"}),
        ("q", "q", {"quận"}),
        ("h", "h", {"huyện"}),
        ("t", "t", {"tỉnh"}),
    )
)
_TYPE_LEVEL = {
    "tỉnh": "province",
    "thành phố trung ương": "province",
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "thành phố": "district",
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
    "đặc khu": "commune",
}
_HINT_LEVELS = {types: frozenset(_TYPE_LEVEL[t] for t in types) for _, _, types in _PREFIXES}
# Names people use for provinces besides the official ones, by official search key.
_PROVINCE_ALIASES = {
    "ho chi minh": ("HCM", "TPHCM", "Sài Gòn"),
    "hue": ("Thừa Thiên Huế",),
}
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7"}
_SEPARATORS = re.compile(r"[\W_]+")
_GLUED_NUMBER = re.compile(r"^(p|f|q|phuong|phường|quan|quận)(\d+)$")  # "P1", "Q10"
_MAX_LISTED = 8  # candidates named in an error message


@dataclass(frozen=True)
class UnitMatch:
    """One administrative unit, and how the input matched it."""

    unit_code: str
    unit_name: str
    unit_level: str
    map_version: str
    province_code: str
    method: str  # 'code', 'name', 'name_without_diacritics', or either with '_prefix_mismatch'


class UnitMatchError(ValueError):
    """The input names no unit (``kind='unknown'``) or several (``kind='ambiguous'``)."""

    def __init__(self, kind: str, message: str, candidates: Iterable[UnitMatch] = ()) -> None:
        super().__init__(message)
        self.kind = kind
        self.candidates = tuple(candidates)


@dataclass(frozen=True)
class _Unit:
    map_version: str
    code: str
    level: str
    name: str
    unit_type: str
    province_code: str
    district_code: str

    def as_match(self, method: str) -> UnitMatch:
        return UnitMatch(
            self.code, self.name, self.level, self.map_version, self.province_code, method
        )


def _tokens(text: str) -> list[str]:
    """Casefolded tokens with diacritics; numbers without leading zeros."""
    tokens = [t for t in _SEPARATORS.split(normalize_text(text).casefold()) if t]
    if tokens and (glued := _GLUED_NUMBER.match(tokens[0])):
        tokens[:1] = [glued.group(1), glued.group(2)]
    return [str(int(t)) if t.isascii() and t.isdigit() else t for t in tokens]


def _keys(tokens: list[str]) -> tuple[str, str]:
    """(exact key, diacritics-free key) of a token list."""
    if len(tokens) == 1 and tokens[0] in _ROMAN:  # "Phường IV" = "Phường 4"
        tokens = [_ROMAN[tokens[0]]]
    exact = " ".join(tokens)
    return exact, fold_diacritics(exact)


@dataclass(frozen=True)
class _Reading:
    """One way to read the input: an optional prefix, then a name.

    ``types`` restricts the unit type (from the prefix); ``levels`` only the
    level, for the second try when no unit of the prefix's type fits.
    """

    types: frozenset[str] | None
    levels: frozenset[str] | None
    exact: str
    folded: str

    def widened(self) -> _Reading:
        return _Reading(None, self.levels, self.exact, self.folded)


def _readings(tokens: list[str]) -> list[_Reading]:
    exact, folded = _keys(tokens)
    readings = [_Reading(None, None, exact, folded)]
    folded_tokens = [fold_diacritics(t) for t in tokens]
    for prefix, written, types in _PREFIXES:
        n = len(prefix)
        if len(tokens) <= n or tuple(folded_tokens[:n]) != prefix:
            continue
        head = tuple(tokens[:n])
        if head in (written, prefix):
            readings.append(_Reading(types, _HINT_LEVELS[types], *_keys(tokens[n:])))
    return readings


def _decide(exact: set[_Unit], folded: set[_Unit], marked: bool, suffix: str) -> UnitMatch | None:
    """The one unit the name lookups found, if they found exactly one safely."""
    if len(exact) == 1 and (marked or len(folded) <= 1):
        return next(iter(exact)).as_match("name" + suffix)
    if not exact and len(folded) == 1:
        return next(iter(folded)).as_match("name_without_diacritics" + suffix)
    return None


class AdminMap:
    """The units of both map versions, indexed for matching, and the crosswalk."""

    def __init__(self, units: Iterable[dict[str, str]], crosswalk: Iterable[dict[str, str]]):
        self._units: dict[tuple[str, str], _Unit] = {}
        # (map version, level, scope, stage) -> key -> unit codes; scope is ""
        # (nationwide), a province code or a district code.
        self._index: dict[tuple[str, str, str, str], dict[str, list[str]]] = defaultdict(dict)
        for row in units:
            unit = _Unit(
                row["map_version"],
                row["unit_code"],
                row["unit_level"],
                row["unit_name"],
                row["unit_type"],
                row["province_code"],
                row["district_code"] if row["unit_level"] == "commune" else "",
            )
            self._units[(unit.map_version, unit.code)] = unit
            names = [row["unit_name"], row["unit_short_name"]]
            if unit.level == "province":
                names += _PROVINCE_ALIASES.get(row["search_key"], ())
            keys = [_keys(_tokens(name)) for name in names]
            for scope in {"", unit.province_code, unit.district_code} - {unit.code}:
                by_exact = self._index[(unit.map_version, unit.level, scope, "exact")]
                by_folded = self._index[(unit.map_version, unit.level, scope, "folded")]
                for exact, folded in keys:
                    by_exact.setdefault(exact, []).append(unit.code)
                    by_folded.setdefault(folded, []).append(unit.code)
        present = {(u.map_version, u.level) for u in self._units.values()}
        self.map_versions = tuple(sorted({mv for mv, _ in present}))
        self._levels = {
            mv: tuple(lv for lv in LEVELS if (mv, lv) in present) for mv in self.map_versions
        }
        targets: dict[str, list[tuple[str, float, bool]]] = defaultdict(list)
        for row in crosswalk:
            targets[row["old_commune_code"]].append(
                (
                    row["new_commune_code"],
                    float(row["allocation_share"]),
                    row["is_primary"] == "true",
                )
            )
        self._crosswalk = {
            old: sorted(rows, key=lambda t: (not t[2], t[0])) for old, rows in targets.items()
        }
        self._scopes: dict[tuple[str, str | None, str | None], str] = {}

    @classmethod
    def from_seeds(cls, directory: Path) -> AdminMap:
        """Load ``ref_admin_units.csv`` and ``ref_commune_crosswalk.csv`` from a directory."""
        with (
            (directory / "ref_admin_units.csv").open(encoding="utf-8", newline="") as units,
            (directory / "ref_commune_crosswalk.csv").open(encoding="utf-8", newline="") as xw,
        ):
            return cls(csv.DictReader(units), csv.DictReader(xw))

    def map_version_for(self, on: datetime.date) -> str:
        """The map in force on a date: '2025-01' before 1 July 2025, else '2025-07'.

        Dates before 2025 get the 2025-01 map too, the oldest one held.
        """
        return OLD_MAP if on < REFORM_DATE else NEW_MAP

    def current_communes(self, old_commune_code: str) -> list[tuple[str, float, bool]]:
        """The 2025-07 communes an old commune went to: (code, share, is_primary), primary first."""
        code = old_commune_code.strip()
        code = code.zfill(CODE_WIDTH["commune"]) if code.isdigit() else code
        try:
            return list(self._crosswalk[code])
        except KeyError:
            raise UnitMatchError(
                "unknown", f"'{old_commune_code}' is not a commune code of the {OLD_MAP} map"
            ) from None

    def match(
        self,
        text: str,
        *,
        map_version: str,
        level: str | None = None,
        province: str | None = None,
        district: str | None = None,
    ) -> UnitMatch:
        """The one unit ``text`` names on ``map_version``, within the given scope.

        ``province`` and ``district`` narrow the search and may be codes or names
        themselves; given at the level matched (``province`` with
        ``level='province'``) they must name the unit found. Raises
        ``UnitMatchError`` if no unit or several units fit.
        """
        if map_version not in self._levels:
            raise ValueError(f"unknown map version {map_version!r}; known: {self.map_versions}")
        if level is not None and level not in self._levels[map_version]:
            raise ValueError(f"the {map_version} map has no level {level!r}")
        # A province (district) given for a province (district) is a check, not a scope.
        if level == "province" and province and not district:
            return self._checked(text, map_version, level, province, None)
        if level == "district" and district:
            return self._checked(text, map_version, level, district, province)
        scope, where = self._scope(map_version, province, district)
        levels = self._levels_in(map_version, level, scope_level=where[0] if where else None)
        context = f"on the {map_version} map" + (f" in {where[1]}" if where else "")
        what = level or "unit"
        tokens = _tokens(text)
        if not tokens:
            raise UnitMatchError("unknown", f"no {what} name or code given {context}")

        by_code, written_in_full = self._by_code(map_version, levels, scope, level, text)
        if by_code is not None and written_in_full:
            return by_code.as_match("code")
        readings = _readings(tokens)
        exact = self._lookup(map_version, levels, scope, readings, "exact")
        folded = self._lookup(map_version, levels, scope, readings, "folded")
        if by_code is not None:
            # A short number: code 00001 with its zeros lost, or "Phường 1"?
            named = exact | folded
            if named <= {by_code}:
                return by_code.as_match("code")
            self._ambiguous(text, context, named | {by_code}, "code")
        # Diacritics in the name (not just in its prefix) make an exact match
        # trustworthy even when the diacritics-free key fits other units too.
        name = min((r.exact for r in readings), key=len)
        marked = fold_diacritics(name) != name
        found = _decide(exact, folded, marked, "")
        if found is None and not exact and not folded:
            # No unit of the prefix's type: accept the one unit of its level.
            widened = [r.widened() for r in readings]
            exact = self._lookup(map_version, levels, scope, widened, "exact")
            folded = self._lookup(map_version, levels, scope, widened, "folded")
            found = _decide(exact, folded, marked, "_prefix_mismatch")
        if found is not None:
            return found
        if not exact and not folded:
            raise UnitMatchError("unknown", f"no {what} named or coded '{text}' {context}")
        self._ambiguous(
            text, context, exact | folded, "name" if exact else "name_without_diacritics"
        )

    # -- internals -------------------------------------------------------------

    def _checked(
        self, text: str, map_version: str, level: str, expected: str, province: str | None
    ) -> UnitMatch:
        """Match ``text`` as a ``level`` and require it to be the unit ``expected`` names."""
        found = self.match(text, map_version=map_version, level=level, province=province)
        if self._resolve_scope(expected, map_version, level, province) != found.unit_code:
            raise UnitMatchError(
                "unknown",
                f"'{text}' is {found.unit_name} ({found.unit_code}) on the {map_version} map, "
                f"not the {level} given as '{expected}'",
            )
        return found

    def _ambiguous(self, text: str, context: str, units: set[_Unit], method: str) -> NoReturn:
        candidates = sorted(units, key=lambda u: (LEVELS.index(u.level), u.code))
        listed = ", ".join(self._describe(u) for u in candidates[:_MAX_LISTED])
        more = f" and {len(candidates) - _MAX_LISTED} more" if len(candidates) > _MAX_LISTED else ""
        raise UnitMatchError(
            "ambiguous",
            f"'{text}' is ambiguous {context}: {len(candidates)} candidates: {listed}{more}",
            [u.as_match(method) for u in candidates],
        )

    def _levels_in(
        self, map_version: str, level: str | None, scope_level: str | None
    ) -> tuple[str, ...]:
        if level is not None:
            if scope_level is not None and LEVELS.index(level) <= LEVELS.index(scope_level):
                raise ValueError(f"a {level} cannot lie within a {scope_level}")
            return (level,)
        available = self._levels[map_version]
        if scope_level is None:
            return available
        return tuple(lv for lv in available if LEVELS.index(lv) > LEVELS.index(scope_level))

    def _scope(
        self, map_version: str, province: str | None, district: str | None
    ) -> tuple[str, tuple[str, str] | None]:
        """The index scope (a province or district code) and (its level, its description)."""
        province = province.strip() if province else None
        district = district.strip() if district else None
        if not province and not district:
            return "", None
        key = (map_version, province, district)
        if key not in self._scopes:
            province_code = None
            if province:
                province_code = self._resolve_scope(province, map_version, "province", None)
            if district:
                code = self._resolve_scope(district, map_version, "district", province_code)
            else:
                assert province_code is not None  # no district: the province was given
                code = province_code
            self._scopes[key] = code
        code = self._scopes[key]
        unit = self._units[(map_version, code)]
        return code, (unit.level, f"{unit.name} ({unit.code})")

    def _resolve_scope(self, text: str, map_version: str, level: str, province: str | None) -> str:
        if level not in self._levels[map_version]:
            raise ValueError(f"the {map_version} map has no {level}s to scope by")
        try:
            return self.match(
                text, map_version=map_version, level=level, province=province
            ).unit_code
        except UnitMatchError as error:
            raise UnitMatchError(error.kind, f"{level} scope: {error}", error.candidates) from None

    def _by_code(
        self, map_version: str, levels: tuple[str, ...], scope: str, level: str | None, text: str
    ) -> tuple[_Unit | None, bool]:
        """The unit whose GSO code ``text`` is, and whether it was written in full.

        Spreadsheets drop leading zeros, so a shorter number is tried as a code
        when the level is known.
        """
        raw = normalize_text(text).lstrip("'")
        if not raw.isdigit():
            return None, False
        for lv in levels:
            width = CODE_WIDTH[lv]
            if len(raw) > width or (len(raw) < width and level is None):
                continue
            unit = self._units.get((map_version, raw.zfill(width)))
            if unit and unit.level == lv and self._within(unit, scope):
                return unit, len(raw) == width
        return None, False

    def _within(self, unit: _Unit, scope: str) -> bool:
        return not scope or scope in (unit.province_code, unit.district_code)

    def _get(
        self, map_version: str, level: str, scope: str, stage: str, key: str
    ) -> Iterator[_Unit]:
        codes = self._index.get((map_version, level, scope, stage), {}).get(key, ())
        return (self._units[(map_version, code)] for code in codes)

    def _lookup(
        self,
        map_version: str,
        levels: tuple[str, ...],
        scope: str,
        readings: Iterable[_Reading],
        stage: str,
    ) -> set[_Unit]:
        hits: set[_Unit] = set()
        for reading in readings:
            key = reading.exact if stage == "exact" else reading.folded
            for lv in levels:
                if reading.levels is not None and lv not in reading.levels:
                    continue
                for unit in self._get(map_version, lv, scope, stage, key):
                    if reading.types is None or unit.unit_type in reading.types:
                        hits.add(unit)
        return hits

    def _describe(self, unit: _Unit) -> str:
        parents = [
            self._units[(unit.map_version, code)].name
            for code in (unit.district_code, unit.province_code)
            if code and code != unit.code
        ]
        return f"{unit.name} ({unit.code}{', ' + ', '.join(parents) if parents else ''})"
