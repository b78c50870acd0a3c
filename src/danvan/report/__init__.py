"""The publication report: static, offline, bilingual HTML pages of the published marts.

The nightly flow calls ``build_report`` after each publication; ``danvan report`` calls
it by hand. Its figures come from the analyst guide's SQL (``danvan.report.guide``).
"""

from danvan.report.build import build_report
from danvan.report.data import Publication

__all__ = ["Publication", "build_report"]
