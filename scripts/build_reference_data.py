"""Build the administrative reference seeds: the 2025-01 and 2025-07 maps and the crosswalk.

Run from anywhere with the project venv:

    .venv/bin/python scripts/build_reference_data.py

For each pinned source package the script creates a throwaway venv with uv,
downloads the package's wheel (to record its sha256), installs that wheel, and
runs a small extractor with the throwaway venv's python, which prints the
package's data as JSON. Nothing from the sources is imported into this process.

Outputs, under ``dbt_project/seeds/reference/admin/``:

- ``ref_admin_units.csv``: every province, district and commune of both maps;
- ``ref_provinces_crosswalk.csv``: old province -> new province;
- ``ref_commune_crosswalk.csv``: old commune -> new commune(s), with shares;
- ``ref_admin_sources.csv``: provenance (package, version, wheel sha256);
- ``_admin__seeds.yml`` and ``SOURCES.md``: dbt properties and documentation.

``ref_commune_crosswalk_manual.csv`` is reviewed by hand and only read here.

Rows are sorted and nothing depends on time or randomness, so re-running with
the same pins rewrites byte-identical files. To move to a newer package
release, change its pin in ``SOURCES``, re-run, and review the diff.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from danvan.text import normalize_text, search_key  # noqa: E402

OUT_DIR = REPO / "dbt_project" / "seeds" / "reference" / "admin"
MANUAL_FILE = "ref_commune_crosswalk_manual.csv"

OLD_MAP = "2025-01"
NEW_MAP = "2025-07"
EXPECTED_COUNTS = {
    (OLD_MAP, "province"): 63,
    (OLD_MAP, "district"): 696,
    (OLD_MAP, "commune"): 10_051,
    (NEW_MAP, "province"): 34,
    (NEW_MAP, "commune"): 3_321,
}
CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}
SHARE_SCALE = 10**6  # shares are written with six decimals and sum to exactly 1

_EXTRACT_PROVINCES = """
import importlib.metadata, json, sys
import vietnam_provinces as vp
with open(vp.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as f:
    provinces = json.load(f)
json.dump({"version": importlib.metadata.version("vietnam-provinces"),
           "data_version": vp.__data_version__, "provinces": provinces},
          sys.stdout, ensure_ascii=False)
"""

_EXTRACT_CONVERTER = """
import importlib.metadata, json, sys
from vietnam_address_converter import data
mapping = data.mapping
json.dump({"version": importlib.metadata.version("vietnam-address-converter"),
           "data_version": mapping["meta"]["version"], "meta": mapping["meta"],
           "rows": [{"old": r["old"], "new": r["new"]} for r in mapping["rows"]]},
          sys.stdout, ensure_ascii=False)
"""


@dataclass(frozen=True)
class Source:
    key: str
    distribution: str
    version: str
    used_for: str
    extractor: str


SOURCES = (
    Source(
        "map_2025_01",
        "vietnam-provinces",
        "0.6.0",
        "2025-01 map: 63 provinces, 696 districts, 10,051 communes (GSO codes)",
        _EXTRACT_PROVINCES,
    ),
    Source(
        "map_2025_07",
        "vietnam-provinces",
        "2025.10.1",
        "2025-07 map: 34 provinces, 3,321 communes (GSO codes)",
        _EXTRACT_PROVINCES,
    ),
    Source(
        "converter",
        "vietnam-address-converter",
        "1.0.5",
        "old -> new commune mapping rows, by name",
        _EXTRACT_CONVERTER,
    ),
)


@dataclass(frozen=True)
class Fetched:
    source: Source
    wheel: str
    sha256: str
    data_version: str
    payload: dict


# --------------------------------------------------------------------------- fetching


def _run(cmd: list[str | Path], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in cmd], check=True, text=True, **kwargs)


def _uv() -> str:
    beside = Path(sys.executable).with_name("uv")
    found = shutil.which("uv") or (str(beside) if beside.exists() else None)
    if found is None:
        sys.exit("uv not found: install it in the project venv or on PATH")
    return found


def fetch(source: Source, work: Path) -> Fetched:
    """Install one pinned wheel in a throwaway venv and run its extractor there."""
    uv = _uv()
    venv = work / source.key
    wheels = work / f"{source.key}-wheel"
    _run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, venv])
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    requirement = f"{source.distribution}=={source.version}"
    pip = [python, "-m", "pip"]
    _run([*pip, "download", "-qq", "--no-deps", "--only-binary=:all:", "-d", wheels, requirement])
    (wheel,) = wheels.glob("*.whl")
    sha256 = hashlib.sha256(wheel.read_bytes()).hexdigest()
    _run([uv, "pip", "install", "--quiet", "--python", python, wheel])
    out = _run([python, "-c", source.extractor], capture_output=True).stdout
    payload = json.loads(out)
    if payload["version"] != source.version:
        sys.exit(f"{requirement}: the venv reports version {payload['version']}")
    return Fetched(source, wheel.name, sha256, str(payload["data_version"]), payload)


# --------------------------------------------------------------------------- units

# Official prefixes: casefolded as matched, and as written.
_PREFIXES = (
    ("thành phố", "Thành phố"),
    ("thị trấn", "Thị trấn"),
    ("thị xã", "Thị xã"),
    ("đặc khu", "Đặc khu"),
    ("phường", "Phường"),
    ("huyện", "Huyện"),
    ("quận", "Quận"),
    ("tỉnh", "Tỉnh"),
    ("xã", "Xã"),
)


def split_prefix(name: str) -> tuple[str, str]:
    """'Thành Phố Bắc Kạn' -> ('Thành phố', 'Bắc Kạn'); no prefix -> ('', name)."""
    name = normalize_text(name)
    lowered = name.casefold()
    for key, canonical in _PREFIXES:
        if lowered.startswith(key + " "):
            return canonical, name[len(key) + 1 :]
    return "", name


@dataclass(frozen=True)
class Unit:
    map_version: str
    unit_code: str
    unit_level: str
    unit_name: str
    unit_short_name: str
    unit_type: str
    parent_code: str
    province_code: str
    district_code: str

    @property
    def search_key(self) -> str:
        return search_key(self.unit_short_name)


def _unit(
    map_version: str, level: str, code: int, raw_name: str, unit_type: str, prefix: str, **parents
) -> Unit:
    # Names go through normalize_text (NFC, single spaces, one tone placement:
    # the sources mix "Hoà" and "Hòa"); case slips are fixed ("Thành Phố Bắc
    # Kạn", "Xã é Tòng") and a missing prefix is supplied.
    found_prefix, short = split_prefix(raw_name)
    short = short[:1].upper() + short[1:]
    if found_prefix and found_prefix != prefix:
        sys.exit(f"{map_version} {level} {code} {raw_name!r}: prefix disagrees with {prefix!r}")
    return Unit(
        map_version=map_version,
        unit_code=str(code).zfill(CODE_WIDTH[level]),
        unit_level=level,
        unit_name=f"{prefix} {short}",
        unit_short_name=short,
        unit_type=unit_type,
        parent_code=parents.get("parent_code", ""),
        province_code=parents.get("province_code", str(code).zfill(2)),
        district_code=parents.get("district_code", ""),
    )


def _type_from_prefix(raw_name: str, level: str) -> tuple[str, str]:
    prefix, _ = split_prefix(raw_name)
    if not prefix:
        sys.exit(f"{raw_name!r}: no administrative prefix")
    if level == "province":
        return ("thành phố trung ương" if prefix == "Thành phố" else "tỉnh"), prefix
    return prefix.lower(), prefix


def build_old_units(payload: dict) -> list[Unit]:
    # vietnam-provinces 0.6.0 gives every commune division_type 'xã' and every
    # district 'huyện', so the type is read from the official name's prefix.
    units: list[Unit] = []
    for p in payload["provinces"]:
        pcode = str(p["code"]).zfill(2)
        units.append(
            _unit(
                OLD_MAP, "province", p["code"], p["name"], *_type_from_prefix(p["name"], "province")
            )
        )
        for d in p["districts"]:
            dcode = str(d["code"]).zfill(3)
            dtype, dprefix = _type_from_prefix(d["name"], "district")
            units.append(
                _unit(
                    OLD_MAP,
                    "district",
                    d["code"],
                    d["name"],
                    dtype,
                    dprefix,
                    parent_code=pcode,
                    province_code=pcode,
                    district_code=dcode,
                )
            )
            for w in d["wards"]:
                wtype, wprefix = _type_from_prefix(w["name"], "commune")
                units.append(
                    _unit(
                        OLD_MAP,
                        "commune",
                        w["code"],
                        w["name"],
                        wtype,
                        wprefix,
                        parent_code=dcode,
                        province_code=pcode,
                        district_code=dcode,
                    )
                )
    return units


def build_new_units(payload: dict) -> list[Unit]:
    prefix_of = {
        "tỉnh": "Tỉnh",
        "thành phố trung ương": "Thành phố",
        "xã": "Xã",
        "phường": "Phường",
        "đặc khu": "Đặc khu",
    }
    units: list[Unit] = []
    for p in payload["provinces"]:
        pcode = str(p["code"]).zfill(2)
        ptype = p["division_type"]
        units.append(_unit(NEW_MAP, "province", p["code"], p["name"], ptype, prefix_of[ptype]))
        for w in p["wards"]:
            wtype = w["division_type"]
            units.append(
                _unit(
                    NEW_MAP,
                    "commune",
                    w["code"],
                    w["name"],
                    wtype,
                    prefix_of[wtype],
                    parent_code=pcode,
                    province_code=pcode,
                )
            )
    return units


def check_units(units: list[Unit]) -> None:
    counts = Counter((u.map_version, u.unit_level) for u in units)
    if dict(counts) != EXPECTED_COUNTS:
        sys.exit(f"unit counts {dict(counts)} differ from the expected {EXPECTED_COUNTS}")
    codes = Counter((u.map_version, u.unit_code) for u in units)
    duplicated = [key for key, n in codes.items() if n > 1]
    if duplicated:
        sys.exit(f"duplicate unit codes: {duplicated}")
    for u in units:
        if u.parent_code and (u.map_version, u.parent_code) not in codes:
            sys.exit(f"{u}: parent missing")


# --------------------------------------------------------------------------- name matching

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7"}
_NONG_TRUONG = re.compile(r"\bn ?t\b")  # "NT" / "N.T" abbreviate "Nông trường"
_QUI = re.compile(r"\bqui\b")


def exact_key(name: str) -> str:
    """Case-free key that keeps diacritics (tone placement unified)."""
    return normalize_text(name).casefold()


def spelling_variant(name: str) -> str:
    """Key that also unifies the spelling variants seen between the sources.

    "Phường VII" = "Phường 7", "N.T Phong Hải" = "Nông trường Phong Hải",
    "Qui" = "Quy", "EaBar" = "Ea Bar".
    """
    tokens = search_key(name).split()
    if tokens and tokens[-1] in _ROMAN:
        tokens[-1] = _ROMAN[tokens[-1]]
    joined = _QUI.sub("quy", _NONG_TRUONG.sub("nong truong", " ".join(tokens)))
    return joined.replace(" ", "")


def short(name: str) -> str:
    return split_prefix(name)[1]


# Strictest first: a looser key is only tried for what the stricter ones left.
NAME_KEYS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("exact name", exact_key),
    ("exact name without prefix", lambda n: exact_key(short(n))),
    ("name without diacritics", search_key),
    ("name without diacritics or prefix", lambda n: search_key(short(n))),
    ("spelling variant", lambda n: spelling_variant(short(n))),
)

Tier = tuple[str, Callable[[object], object], Callable[[object], object]]


def name_tiers(left_scope, left_name, right_scope, right_name, where: str) -> list[Tier]:
    return [
        (
            f"{label} {where}",
            lambda x, k=key: (left_scope(x), k(left_name(x))),
            lambda y, k=key: (right_scope(y), k(right_name(y))),
        )
        for label, key in NAME_KEYS
    ]


def match_tiers(left: dict, right: dict, tiers: Iterable[Tier]) -> dict[object, tuple[object, str]]:
    """Pair left and right items whose key is unique on both sides, tier by tier."""
    matched: dict[object, tuple[object, str]] = {}
    used: set[object] = set()
    for label, left_key, right_key in tiers:
        by_left: dict[object, list] = defaultdict(list)
        by_right: dict[object, list] = defaultdict(list)
        for lid, item in left.items():
            if lid not in matched:
                by_left[left_key(item)].append(lid)
        for rid, item in right.items():
            if rid not in used:
                by_right[right_key(item)].append(rid)
        for key, lids in by_left.items():
            rids = by_right.get(key, ())
            if len(lids) == 1 and len(rids) == 1:
                matched[lids[0]] = (rids[0], label)
                used.add(rids[0])
    return matched


def resolve_names(names: dict, units: dict[str, Unit], scope, unit_scope, what: str) -> dict:
    """Map every converter name (id -> {"name", ...}) to a GSO unit code, or stop."""
    tiers = name_tiers(scope, lambda x: x["name"], unit_scope, lambda u: u.unit_name, "")
    matched = match_tiers(names, units, tiers)
    missing = sorted({names[k]["name"] for k in names if k not in matched})
    if missing:
        sys.exit(f"{what}: converter names not found in the GSO data: {missing[:20]}")
    return {k: code for k, (code, _) in matched.items()}


# --------------------------------------------------------------------------- converter


@dataclass
class ConverterCommune:
    name: str
    province: str  # GSO 2025-01 province code
    district: str  # GSO 2025-01 district code
    targets: list[str] = field(default_factory=list)  # GSO 2025-07 commune codes


def read_converter(
    rows: list[dict], units: list[Unit]
) -> tuple[dict[str, str], dict[tuple[str, str, str], ConverterCommune]]:
    """Resolve the converter's names to GSO codes.

    Returns old province -> new province, and the converter's old communes
    (keyed by its own codes) with their new GSO commune codes.
    """
    by_level = defaultdict(dict)
    for u in units:
        by_level[(u.map_version, u.unit_level)][u.unit_code] = u
    old_p, old_d = by_level[(OLD_MAP, "province")], by_level[(OLD_MAP, "district")]
    new_p, new_c = by_level[(NEW_MAP, "province")], by_level[(NEW_MAP, "commune")]

    def named(side: str, level: str, parent: Callable[[dict], object] = lambda r: None):
        return {
            (parent(r), r[side][f"{level}_code"]): {
                "name": r[side][f"{level}_name"],
                "parent": parent(r),
            }
            for r in rows
            if r[side][f"{level}_name"]
        }

    provinces_old = resolve_names(
        named("old", "province"), old_p, lambda x: None, lambda u: None, "old provinces"
    )
    provinces_new = resolve_names(
        named("new", "province"), new_p, lambda x: None, lambda u: None, "new provinces"
    )

    def old_prov_of(row: dict) -> str:
        return provinces_old[(None, row["old"]["province_code"])]

    def new_prov_of(row: dict) -> str:
        return provinces_new[(None, row["new"]["province_code"])]

    districts = resolve_names(
        named("old", "district", old_prov_of),
        old_d,
        lambda x: x["parent"],
        lambda u: u.parent_code,
        "old districts",
    )
    wards_new = resolve_names(
        named("new", "ward", new_prov_of),
        new_c,
        lambda x: x["parent"],
        lambda u: u.parent_code,
        "new communes",
    )

    province_map: dict[str, set[str]] = defaultdict(set)
    communes: dict[tuple[str, str, str], ConverterCommune] = {}
    for r in rows:
        old, new = r["old"], r["new"]
        province_map[old_prov_of(r)].add(new_prov_of(r))
        if not old["ward_name"]:  # island districts without communes
            continue
        district = districts[(old_prov_of(r), old["district_code"])]
        key = (old["province_code"], old["district_code"], old["ward_code"])
        commune = communes.setdefault(
            key, ConverterCommune(old["ward_name"], old_prov_of(r), district)
        )
        target = wards_new[(new_prov_of(r), new["ward_code"])]
        if target not in commune.targets:
            commune.targets.append(target)
    split_provinces = {p: sorted(n) for p, n in province_map.items() if len(n) != 1}
    if split_provinces or set(province_map) != set(old_p):
        sys.exit(f"old provinces must each go whole into one new province: {split_provinces}")
    return {p: next(iter(n)) for p, n in province_map.items()}, communes


# --------------------------------------------------------------------------- crosswalk


@dataclass
class Assignment:
    """Where one old commune went: its new communes and how that was decided."""

    targets: list[str]
    method: str
    detail: str
    primary: str | None = None  # set by a manual rule; otherwise chosen by rule


@dataclass(frozen=True)
class ManualRule:
    old_code: str
    new_code: str
    is_primary: bool
    note: str


def read_manual(path: Path, old: dict[str, Unit], new: dict[str, Unit]) -> list[ManualRule]:
    """Read the reviewed rules; the names in the file must agree with the codes."""
    rules = []
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            o, n = old.get(row["old_commune_code"]), new.get(row["new_commune_code"])
            if o is None or n is None:
                sys.exit(f"{path.name}:{line}: unknown commune code")
            if exact_key(o.unit_name) != exact_key(row["old_commune_name"]) or exact_key(
                n.unit_name
            ) != exact_key(row["new_commune_name"]):
                sys.exit(
                    f"{path.name}:{line}: names do not match codes ({o.unit_name}, {n.unit_name})"
                )
            if row["is_primary"] not in ("true", "false"):
                sys.exit(f"{path.name}:{line}: is_primary must be true or false")
            rules.append(
                ManualRule(o.unit_code, n.unit_code, row["is_primary"] == "true", row["note"])
            )
    primaries = Counter(r.old_code for r in rules if r.is_primary)
    if any(primaries[code] != 1 for code in {r.old_code for r in rules}):
        sys.exit(f"{path.name}: every old commune needs exactly one primary rule")
    return rules


class Successors:
    """GSO's own continuity: a 2025-07 commune has the code of one of the
    communes it was formed from, and often the name of one of them."""

    def __init__(self, new: dict[str, Unit], province_map: dict[str, str]) -> None:
        self.new = new
        self.province_map = province_map
        self.by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
        for n in new.values():
            self.by_name[(n.province_code, exact_key(n.unit_short_name))].append(n.unit_code)

    def of(self, u: Unit, allowed: set[str]) -> tuple[str, str] | None:
        """(new commune, method) continuing ``u`` among ``allowed``, if any."""
        if u.unit_code in self.new and u.unit_code in allowed:
            return u.unit_code, "code_continuity"
        key = (self.province_map[u.province_code], exact_key(u.unit_short_name))
        namesakes = self.by_name.get(key, [])
        if len(namesakes) == 1 and namesakes[0] in allowed:
            return namesakes[0], "name_continuity"
        return None


@dataclass
class Assignments:
    by_old: dict[str, Assignment]
    unused: list[ConverterCommune]  # converter communes that no 2025-01 commune matched
    agreement: dict[str, tuple[int, int]]  # continuity method -> (agrees, checked)


def assign(
    old: dict[str, Unit],
    new: dict[str, Unit],
    province_map: dict[str, str],
    converter: dict[tuple[str, str, str], ConverterCommune],
    manual: list[ManualRule],
) -> Assignments:
    """Decide the new communes of every old commune."""
    tiers = name_tiers(
        lambda u: u.district_code,
        lambda u: u.unit_name,
        lambda c: c.district,
        lambda c: c.name,
        "in its district",
    ) + name_tiers(
        lambda u: u.province_code,
        lambda u: u.unit_name,
        lambda c: c.province,
        lambda c: c.name,
        "elsewhere in its province",
    )
    matched = match_tiers(old, converter, tiers)
    result = {
        code: Assignment(list(converter[key].targets), "converter_name", label)
        for code, (key, label) in matched.items()
    }
    used = {key for key, _ in matched.values()}

    # GSO lists a few names twice in one district ("Xã Đông Khê" in Thanh Hóa
    # city) where the converter has one commune, and a commune merged into its
    # namesake of another type ("Xã Đạ M'ri" into "Thị trấn Đạ M'ri") is listed
    # by GSO but not by the converter: such rows take the namesake's targets.
    by_name = defaultdict(list)
    for key, c in converter.items():
        by_name[(c.district, search_key(short(c.name)))].append(key)
    for code, u in sorted(old.items()):
        keys = by_name.get((u.district_code, u.search_key), [])
        if code not in result and len(keys) == 1:
            label = "same name as another commune in its district"
            result[code] = Assignment(list(converter[keys[0]].targets), "converter_name", label)
            used.add(keys[0])

    # A commune the converter does not list was reorganised in early 2025 and
    # the converter knows only its successor. It goes to the new commune that
    # continues it by code or name, provided that new commune took in communes
    # of the same old district. The same test on converter-matched communes
    # measures how often that continuity agrees with the converter.
    pool: dict[str, set[str]] = defaultdict(set)
    for code, a in result.items():
        pool[old[code].district_code].update(a.targets)
    for c in converter.values():
        pool[c.district].update(c.targets)
    successors = Successors(new, province_map)
    agreement: dict[str, list[int]] = {"code_continuity": [0, 0], "name_continuity": [0, 0]}
    for code, u in sorted(old.items()):
        found = successors.of(u, pool[u.district_code])
        if found is None:
            continue
        target, method = found
        if code in result:
            agreement[method][0] += target in result[code].targets
            agreement[method][1] += 1
        else:
            result[code] = Assignment([target], method, method.replace("_", " "))

    # Manual rules win over everything above.
    rules = defaultdict(list)
    for r in manual:
        rules[r.old_code].append(r)
    for code, rs in rules.items():
        primary = next(r.new_code for r in rs if r.is_primary)
        result[code] = Assignment([r.new_code for r in rs], "manual", rs[0].note, primary)

    unused = [c for key, c in sorted(converter.items()) if key not in used]
    return Assignments(result, unused, {m: (a, n) for m, (a, n) in agreement.items()})


def primary_target(old: Unit, targets: list[str], new: dict[str, Unit]) -> tuple[str, str]:
    """The target that continues the old commune: by GSO code, by name, or lowest code."""
    if old.unit_code in targets:
        return old.unit_code, "its code"
    namesakes = [t for t in targets if new[t].search_key == old.search_key]
    if namesakes:
        return namesakes[0], "its name"
    return targets[0], "lowest code"


def allocate(old: Unit, a: Assignment, new: dict[str, Unit]) -> tuple[list[dict[str, str]], str]:
    """Crosswalk rows of one old commune, and why its primary target is primary.

    Shares are equal: no source gives the area or population of the pieces of
    a split commune. The primary target is the one named by a manual rule, else
    the one ``primary_target`` picks; it receives the rounding remainder, so
    its share is never the smallest.
    """
    targets = sorted(set(a.targets))
    primary, reason = (a.primary, "manual rule") if a.primary else primary_target(old, targets, new)
    base = SHARE_SCALE // len(targets)
    rows = []
    for t in targets:
        units = base + (SHARE_SCALE - base * len(targets) if t == primary else 0)
        rows.append(
            {
                "old_commune_code": old.unit_code,
                "old_province_code": old.province_code,
                "new_commune_code": t,
                "new_province_code": new[t].province_code,
                "is_primary": "true" if t == primary else "false",
                "allocation_share": f"{units // SHARE_SCALE}.{units % SHARE_SCALE:06d}",
                "match_method": a.method,
            }
        )
    return rows, reason


# --------------------------------------------------------------------------- outputs

UNIT_COLUMNS = (
    "map_version",
    "unit_code",
    "unit_level",
    "unit_name",
    "unit_short_name",
    "unit_type",
    "parent_code",
    "province_code",
    "district_code",
    "search_key",
)
CROSSWALK_COLUMNS = (
    "old_commune_code",
    "old_province_code",
    "new_commune_code",
    "new_province_code",
    "is_primary",
    "allocation_share",
    "match_method",
)


def write_csv(path: Path, columns: Iterable[str], rows: Iterable[dict[str, str]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


@dataclass
class Coverage:
    old_communes: int
    new_communes: int
    by_method: Counter = field(default_factory=Counter)
    by_detail: Counter = field(default_factory=Counter)
    split_primary: Counter = field(default_factory=Counter)
    unreached: list[str] = field(default_factory=list)
    agreement: dict[str, tuple[int, int]] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        m = self.by_method
        split = sum(self.split_primary.values())
        out = [
            f"old communes (2025-01): {self.old_communes:,}, every one mapped",
            f"  by the converter's old -> new rows, matched by name: {m['converter_name']:,}",
            *(f"    {label}: {n:,}" for label, n in sorted(self.by_detail.items())),
            f"  not in the converter, to the new commune keeping its GSO code: "
            f"{m['code_continuity']:,}",
            f"  not in the converter, to the new commune keeping its name: "
            f"{m['name_continuity']:,}",
            f"  by a manual rule: {m['manual']:,}",
            f"  split between two or more new communes: {split:,}"
            f" (primary target chosen by {self._split_reasons()})",
            f"new communes (2025-07) reached: {self.new_communes - len(self.unreached):,}"
            f" of {self.new_communes:,}; not reached (no 2025-01 commune went there):",
            *(f"  {name}" for name in self.unreached),
        ]
        for method, (agrees, checked) in sorted(self.agreement.items()):
            out.append(
                f"{method.replace('_', ' ')} agrees with the converter for "
                f"{agrees:,} of {checked:,} converter-mapped communes "
                f"({agrees / checked:.1%})"
            )
        out.append(f"converter communes matching no 2025-01 commune: {len(self.unused)}")
        out += [f"  {name}" for name in self.unused]
        return out

    def _split_reasons(self) -> str:
        return ", ".join(f"{reason}: {n:,}" for reason, n in sorted(self.split_primary.items()))


def build(fetched: dict[str, Fetched], out_dir: Path, manual_path: Path) -> Coverage:
    units = build_old_units(fetched["map_2025_01"].payload) + build_new_units(
        fetched["map_2025_07"].payload
    )
    check_units(units)
    units.sort(key=lambda u: (u.map_version, LEVEL_ORDER[u.unit_level], u.unit_code))
    old = {u.unit_code: u for u in units if (u.map_version, u.unit_level) == (OLD_MAP, "commune")}
    new = {u.unit_code: u for u in units if (u.map_version, u.unit_level) == (NEW_MAP, "commune")}
    provinces = {(u.map_version, u.unit_code): u for u in units if u.unit_level == "province"}
    province_map, converter = read_converter(fetched["converter"].payload["rows"], units)
    manual = read_manual(manual_path, old, new)
    assigned = assign(old, new, province_map, converter, manual)

    missing = sorted(set(old) - set(assigned.by_old))
    if missing:
        names = [f"{c} {old[c].unit_name} ({old[c].district_code})" for c in missing]
        sys.exit("old communes without a new commune; add manual rules:\n  " + "\n  ".join(names))

    coverage = Coverage(len(old), len(new), agreement=assigned.agreement)
    crosswalk: list[dict[str, str]] = []
    for code in sorted(old):
        a = assigned.by_old[code]
        rows, reason = allocate(old[code], a, new)
        crosswalk += rows
        coverage.by_method[a.method] += 1
        if a.method == "converter_name":
            coverage.by_detail[a.detail] += 1
        if len(rows) > 1:
            coverage.split_primary[reason] += 1
    reached = {r["new_commune_code"] for r in crosswalk}
    coverage.unreached = [f"{c} {new[c].unit_name}" for c in sorted(set(new) - reached)]
    coverage.unused = [
        f"{provinces[(OLD_MAP, c.province)].unit_short_name} / {c.name}" for c in assigned.unused
    ]

    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(
        out_dir / "ref_admin_units.csv",
        UNIT_COLUMNS,
        (
            {
                **{c: getattr(u, c) for c in UNIT_COLUMNS if c != "search_key"},
                "search_key": u.search_key,
            }
            for u in units
        ),
    )
    write_csv(out_dir / "ref_commune_crosswalk.csv", CROSSWALK_COLUMNS, crosswalk)
    write_csv(
        out_dir / "ref_provinces_crosswalk.csv",
        ("old_province_code", "old_province_name", "new_province_code", "new_province_name"),
        (
            {
                "old_province_code": o,
                "old_province_name": provinces[(OLD_MAP, o)].unit_name,
                "new_province_code": n,
                "new_province_name": provinces[(NEW_MAP, n)].unit_name,
            }
            for o, n in sorted(province_map.items())
        ),
    )
    write_csv(
        out_dir / "ref_admin_sources.csv",
        ("source_key", "package", "version", "wheel", "wheel_sha256", "data_version", "used_for"),
        (
            {
                "source_key": f.source.key,
                "package": f.source.distribution,
                "version": f.source.version,
                "wheel": f.wheel,
                "wheel_sha256": f.sha256,
                "data_version": f.data_version,
                "used_for": f.source.used_for,
            }
            for f in fetched.values()
        ),
    )
    (out_dir / "_admin__seeds.yml").write_text(render_properties(fetched), encoding="utf-8")
    (out_dir / "SOURCES.md").write_text(render_sources(fetched, coverage), encoding="utf-8")
    return coverage


# --------------------------------------------------------------------------- documentation

UNIT_DOCS = {
    "map_version": "2025-01 = the 63-province map in force until 2025-06-30; "
    "2025-07 = the 34-province map in force from 2025-07-01.",
    "unit_code": "GSO code as text, zero-padded: province 2 digits, district 3, commune 5. "
    "Unique within a map version; the same code can name different units on the two maps.",
    "unit_level": "province, district (2025-01 only) or commune.",
    "unit_name": "Official name with its prefix, e.g. 'Xã Trà Ka', through "
    "danvan.text.normalize_text (tone placement unified: 'Hoà' -> 'Hòa').",
    "unit_short_name": "The name without its prefix, e.g. 'Trà Ka'.",
    "unit_type": "tỉnh, thành phố trung ương; huyện, quận, thị xã, thành phố; "
    "xã, phường, thị trấn, đặc khu.",
    "parent_code": "Commune -> district -> province on 2025-01; commune -> province on "
    "2025-07; null for provinces.",
    "province_code": "The province the unit belongs to (itself for a province).",
    "district_code": "The district of a 2025-01 commune (itself for a district); "
    "null on 2025-07 and for provinces.",
    "search_key": "danvan.text.search_key(unit_short_name): lower case, no diacritics, "
    "letters and digits in single spaces.",
}
CROSSWALK_DOCS = {
    "old_commune_code": "2025-01 commune (ref_admin_units, map_version 2025-01).",
    "old_province_code": "2025-01 province of the old commune.",
    "new_commune_code": "2025-07 commune that took in all or part of the old commune.",
    "new_province_code": "2025-07 province of the new commune.",
    "is_primary": "Exactly one row per old commune is true: the target for things that cannot "
    "be divided (a model, a submission).",
    "allocation_share": "Share of the old commune's additive figures given to this new "
    "commune; the shares of one old commune sum to 1.",
    "match_method": "converter_name, code_continuity, name_continuity or manual (see SOURCES.md).",
}
MANUAL_DOCS = {
    "old_commune_code": "2025-01 commune the rule is for.",
    "old_commune_name": "Its official name; the build checks it against the code.",
    "new_commune_code": "2025-07 commune it goes to (one row per target).",
    "new_commune_name": "Its official name; the build checks it against the code.",
    "is_primary": "true for exactly one row of each old commune.",
    "confidence": "high, medium or low: how strong the evidence in the note is.",
    "note": "The evidence for the rule.",
}
PROVINCE_DOCS = {
    "old_province_code": "2025-01 province.",
    "old_province_name": "Its official name.",
    "new_province_code": "2025-07 province it became part of (whole: no province was split).",
    "new_province_name": "Its official name.",
}
SOURCE_DOCS = {
    "source_key": "map_2025_01, map_2025_07 or converter.",
    "package": "PyPI distribution the data came from.",
    "version": "Its exact version.",
    "wheel": "The wheel file the data was read from.",
    "wheel_sha256": "sha256 of that wheel.",
    "data_version": "The data version the package declares.",
    "used_for": "What the build takes from it.",
}


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML scalar


def _seed_yaml(
    name: str,
    description: str,
    docs: dict[str, str],
    types: dict[str, str],
    sources: list[Fetched],
    tests: dict[str, list[str]],
) -> list[str]:
    out = [f"  - name: {name}", f"    description: {_yaml(description)}", "    config:"]
    out.append("      persist_docs: {relation: true, columns: true}")
    out.append("      column_types:")
    out += [f"        {col}: {types.get(col, 'text')}" for col in docs]
    out.append("      meta:")
    out.append("        sources:")
    for f in sources:
        out += [
            f"          - package: {f.source.distribution}",
            f"            version: {_yaml(f.source.version)}",
            f"            wheel_sha256: {f.sha256}",
        ]
    out.append("    columns:")
    for col, doc in docs.items():
        out += [f"      - name: {col}", f"        description: {_yaml(doc)}"]
        if tests.get(col):
            out.append("        data_tests:")
            out += [f"          - {t}" for t in tests[col]]
    return out


def _accepted(values: Iterable[str]) -> str:
    return "accepted_values: {arguments: {values: [" + ", ".join(_yaml(v) for v in values) + "]}}"


def render_properties(fetched: dict[str, Fetched]) -> str:
    maps = [fetched["map_2025_01"], fetched["map_2025_07"]]
    everything = list(fetched.values())
    not_null = ["not_null"]
    lines = [
        "# Generated by scripts/build_reference_data.py; edit the script, not this file.",
        "version: 2",
        "",
        "seeds:",
    ]
    lines += _seed_yaml(
        "ref_admin_units",
        "Every province, district and commune of the 2025-01 map (63 / 696 / 10,051) and of "
        "the 2025-07 map (34 / 3,321), one row per unit per map version.",
        UNIT_DOCS,
        {},
        maps,
        {
            "map_version": [*not_null, _accepted([OLD_MAP, NEW_MAP])],
            "unit_code": not_null,
            "unit_level": [*not_null, _accepted(LEVEL_ORDER)],
            "unit_name": not_null,
            "unit_short_name": not_null,
            "unit_type": not_null,
            "province_code": not_null,
            "search_key": not_null,
        },
    )
    lines += _seed_yaml(
        "ref_commune_crosswalk",
        "Old commune (2025-01) -> new commune(s) (2025-07). Every old commune has at least "
        "one row, exactly one primary row, and shares summing to 1; a split commune's "
        "shares are equal (see SOURCES.md).",
        CROSSWALK_DOCS,
        {"is_primary": "boolean", "allocation_share": "numeric(7,6)"},
        everything,
        {
            "old_commune_code": not_null,
            "old_province_code": not_null,
            "new_commune_code": not_null,
            "new_province_code": not_null,
            "is_primary": not_null,
            "allocation_share": not_null,
            "match_method": [
                *not_null,
                _accepted(["converter_name", "code_continuity", "name_continuity", "manual"]),
            ],
        },
    )
    lines += _seed_yaml(
        "ref_commune_crosswalk_manual",
        "Reviewed rules for the old communes the converter cannot map; read by the build "
        "and kept by hand. Already applied in ref_commune_crosswalk.",
        MANUAL_DOCS,
        {"is_primary": "boolean"},
        [fetched["converter"]],
        {"old_commune_code": not_null, "new_commune_code": not_null},
    )
    lines += _seed_yaml(
        "ref_provinces_crosswalk",
        "Old province (2025-01) -> the new province (2025-07) it became part of.",
        PROVINCE_DOCS,
        {},
        everything,
        {"old_province_code": [*not_null, "unique"], "new_province_code": not_null},
    )
    lines += _seed_yaml(
        "ref_admin_sources",
        "Provenance of the administrative reference seeds: package, version, wheel sha256.",
        SOURCE_DOCS,
        {},
        everything,
        {"source_key": [*not_null, "unique"]},
    )
    return "\n".join(lines) + "\n"


def render_sources(fetched: dict[str, Fetched], coverage: Coverage) -> str:
    source_rows = "\n".join(
        f"| `{f.source.key}` | `{f.source.distribution}` | {f.source.version} | {f.data_version} "
        f"| `{f.wheel}` | `{f.sha256}` |"
        for f in fetched.values()
    )
    report = "\n".join(coverage.lines())
    return f"""<!-- Generated by scripts/build_reference_data.py; edit the script, not this file. -->
# Administrative reference seeds

The administrative map of Vietnam before and after the reform of 1 July 2025, and the
crosswalk between them. Every file here except `{MANUAL_FILE}` is written by
`scripts/build_reference_data.py`.

| file | what it holds |
|---|---|
| `ref_admin_units.csv` | every unit of both maps: 2025-01 (63 provinces / 696 districts / 10,051 communes) and 2025-07 (34 provinces / 3,321 communes) |
| `ref_commune_crosswalk.csv` | old commune -> new commune(s), with `is_primary` and `allocation_share` |
| `{MANUAL_FILE}` | the reviewed rules for old communes the converter cannot map (kept by hand) |
| `ref_provinces_crosswalk.csv` | old province -> new province |
| `ref_admin_sources.csv` | provenance: package, version, wheel and its sha256 |
| `_admin__seeds.yml` | dbt properties: descriptions, column types (codes are text), tests, provenance in `meta` |

## Sources

| key | package | version | data version | wheel | sha256 |
|---|---|---|---|---|---|
{source_rows}

- `vietnam-provinces` 0.6.0 gives the January-2025 map with GSO codes. Its `division_type`
  field is unreliable (every commune is "xã", every district "huyện"), so `unit_type` is read
  from the official name's prefix. Case slips are fixed ("Thành Phố Bắc Kạn", "Xã é Tòng").
- Both packages mix the two tone-placement conventions ("Hoà" / "Hòa"); every name goes
  through `danvan.text.normalize_text`, so the seeds use one ("Hòa", "Thủy").
- `vietnam-provinces` 2025.x gives today's map; province names come without a prefix there,
  so "Tỉnh" is supplied ("Tỉnh Cao Bằng").
- `vietnam-address-converter` carries an old -> new table by name (`mapping.rows`, its own
  codes, not GSO's), describing the map as it stood just before the reform. Its names are
  matched to the GSO units.

## Regenerating

```
.venv/bin/python scripts/build_reference_data.py
```

It needs `uv` (beside the venv's python or on PATH) and access to PyPI. For each source it
creates a throwaway venv, downloads the pinned wheel (its sha256 is recorded), installs it and
runs a small extractor with that venv's python. Output is sorted and independent of time, so
a re-run with the same pins rewrites identical files. To take a newer release, change its pin
in `SOURCES` in the script, re-run, and review the diff and the coverage report.

## How the crosswalk is built

1. The converter's province, district and new-commune names are resolved to GSO codes within
   their parent unit; the build stops if one is not found. Every old province goes whole into
   one new province.
2. Each 2025-01 commune is matched to one converter commune by name, within its district, then
   elsewhere in its province, trying in turn: the exact name; the name without its prefix
   (type changes such as xã -> phường); without diacritics; and spelling variants ("Phường VII"
   = "Phường 7", "N.T" = "Nông trường", "Qui" = "Quy", "EaBar" = "Ea Bar"). A key is used only
   when it is unique on both sides. A commune the converter lists under a namesake of another
   type in the same district ("Xã Đạ M'ri" merged into "Thị trấn Đạ M'ri") takes the
   namesake's targets (`converter_name`).
3. A commune the converter does not list was reorganised in early 2025, after the 2025-01
   map; the converter only knows its successor. GSO gives each 2025-07 commune the code of one
   of the communes it was formed from, and often its name: such a commune goes to the new
   commune with its code (`code_continuity`), else with its name (`name_continuity`), if that
   new commune took in communes of the same old district. The agreement figures below measure
   both rules against the converter.
4. `{MANUAL_FILE}` overrides all of the above (`manual`). Each rule states its evidence and a
   confidence; the low-confidence ones should be checked against the 2025 resolutions of the
   Standing Committee of the National Assembly.

**Allocation rule.** No source gives the area or population of the pieces of a split
commune, so its figures are shared equally between its new communes (`allocation_share` = 1/n,
six decimals). Use `allocation_share` for additive figures (money, km, households) and
`is_primary` for things that cannot be divided (a model, a submission). The primary target is
the new commune that kept the old commune's GSO code, else the one that kept its name, else
(a tie-break, not a claim about size) the lowest code; it takes the rounding remainder, so its
share is never the smallest.

## Coverage

```
{report}
```

The five đặc khu above were island districts without communes on the 2025-01 map (Bạch Long
Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo): a report from one of those districts goes to the đặc
khu of the same name, which the commune crosswalk cannot express.
"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=OUT_DIR, help="output directory (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="danvan-admin-") as tmp:
        fetched = {}
        for source in SOURCES:
            print(f"fetching {source.distribution}=={source.version} ...", flush=True)
            fetched[source.key] = fetch(source, Path(tmp))
    coverage = build(fetched, args.out, OUT_DIR / MANUAL_FILE)
    print("\n".join(coverage.lines()))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
