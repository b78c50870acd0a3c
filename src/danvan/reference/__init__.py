"""Reference data the warehouse resolves submissions against."""

from danvan.reference.admin_map import AdminMap, UnitMatch, UnitMatchError, default_seeds_dir

__all__ = ["AdminMap", "UnitMatch", "UnitMatchError", "default_seeds_dir"]
