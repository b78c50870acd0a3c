"""The reference data submissions are judged against, loaded from one seeds directory.

The directory is ``Settings.reference_seeds_dir`` (dbt's reference seeds), passed in
by the caller; this is the only place that knows its layout. Nothing is loaded at
import, so a test or a deployment may point at other seeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from danvan.ingest.values.units import UNITS_SEED, UnitCatalogue, load_units
from danvan.reference.admin_map import AdminMap
from danvan.reference.catalogue import Catalogue


@dataclass(frozen=True)
class ReferenceData:
    catalogue: Catalogue  # fields, indicators, organisations… by any spelling
    admin_map: AdminMap  # administrative units of both maps, and the crosswalk
    units: UnitCatalogue  # units of measure, and the numbers and quantities read with them

    @classmethod
    def from_seeds(cls, seeds_dir: Path) -> ReferenceData:
        return cls(
            Catalogue.from_seeds(seeds_dir / "catalogue"),
            AdminMap.from_seeds(seeds_dir / "admin"),
            _units(seeds_dir / "catalogue" / UNITS_SEED),
        )


@lru_cache(maxsize=8)
def _units(path: Path) -> UnitCatalogue:
    """The units of a seed file, read once per process: the numbers and quantities they
    have parsed are remembered across batches, as the other value parsers' are."""
    return load_units(path)
