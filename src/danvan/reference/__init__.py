"""Reference data the warehouse resolves submissions against: the administrative map
(``admin_map``) and the catalogue of fields, indicators, organisations… (``catalogue``).
Both load from the seeds directory they are given (``Settings.reference_seeds_dir``)."""

from danvan.reference.admin_map import AdminMap, UnitMatch, UnitMatchError

__all__ = ["AdminMap", "UnitMatch", "UnitMatchError"]
