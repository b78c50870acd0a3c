"""Look up catalogue codes (fields, indicators, organisations…) from any spelling.

The catalogue is the ``catalogue`` seeds of the reference seeds directory
(``dbt_project/seeds/reference/catalogue``): each row has a code, Vietnamese and
English names and pipe-separated aliases.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from danvan.text import header_key

CATALOGUE_SEEDS = {
    "field": ("ref_fields.csv", "field_code"),
    "indicator": ("ref_indicators.csv", "indicator_code"),
    "contribution_type": ("ref_contribution_types.csv", "contribution_type_code"),
    "contribution_source": ("ref_contribution_sources.csv", "contribution_source_code"),
    "organization": ("ref_organization_types.csv", "organization_type_code"),
    "activity": ("ref_activities.csv", "activity_code"),
}


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Lookup:
    """Spelling → code for one catalogue list."""

    name: str
    codes: tuple[str, ...]
    by_key: dict[str, str]
    rows: dict[str, dict[str, str]]

    def resolve(self, text: str) -> str | None:
        return self.by_key.get(header_key(text))


def _load_lookup(name: str, path: Path, code_column: str) -> Lookup:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_key: dict[str, str] = {}
    for row in rows:
        code = row[code_column]
        spellings = [code, row.get("name_vi", ""), row.get("name_en", "")]
        spellings += (row.get("aliases") or "").split("|")
        for spelling in spellings:
            key = header_key(spelling)
            if not key:
                continue
            if by_key.setdefault(key, code) != code:
                raise CatalogueError(
                    f"{path.name}: '{spelling}' names both {by_key[key]} and {code}"
                )
    return Lookup(
        name, tuple(row[code_column] for row in rows), by_key, {r[code_column]: r for r in rows}
    )


class Catalogue:
    def __init__(self, lookups: dict[str, Lookup]) -> None:
        self.lookups = lookups

    @classmethod
    def from_seeds(cls, catalogue_dir: Path) -> Catalogue:
        return cls(
            {
                name: _load_lookup(name, catalogue_dir / file_name, code_column)
                for name, (file_name, code_column) in CATALOGUE_SEEDS.items()
            }
        )

    def resolve(self, list_name: str, text: str) -> str | None:
        return self.lookups[list_name].resolve(text)

    def examples(self, list_name: str, count: int = 6) -> str:
        codes = self.lookups[list_name].codes
        more = ", …" if len(codes) > count else ""
        return ", ".join(codes[:count]) + more

    def indicator_unit(self, indicator_code: str) -> str:
        return self.lookups["indicator"].rows[indicator_code]["canonical_unit_code"]
