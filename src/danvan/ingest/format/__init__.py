"""The submission format: its definition and what is derived from it.

``definition`` (sections, columns, kinds: one definition behind the JSON, CSV and
Excel forms), ``schema`` (the published JSON Schema and documentation tables),
``writers`` (a submission written in each form) and ``template`` (the prefilled
Excel workbook a commune fills in). The definition's names are importable from
here.
"""

from danvan.ingest.format.definition import (
    ACTIVITIES,
    ACTIVITY_CODES,
    CONTRIBUTIONS,
    CSV_IDENTITY_COLUMNS,
    FORMAT_VERSION,
    INDICATORS,
    MODELS,
    ROW_SECTIONS,
    SECTIONS,
    SECTIONS_BY_NAME,
    SUBMISSION,
    Column,
    Kind,
    Section,
)

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_CODES",
    "CONTRIBUTIONS",
    "CSV_IDENTITY_COLUMNS",
    "FORMAT_VERSION",
    "INDICATORS",
    "MODELS",
    "ROW_SECTIONS",
    "SECTIONS",
    "SECTIONS_BY_NAME",
    "SUBMISSION",
    "Column",
    "Kind",
    "Section",
]
