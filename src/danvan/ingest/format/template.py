"""The Excel workbook a commune officer fills in: prefilled, with dropdowns and instructions.

``write_template`` fills the header with the unit (by GSO code, on the map in
force at the end of the period) and the period, lists the unit's known models
(``known_models``: from the published marts, else from ``raw``), and turns the
catalogue seeds into dropdowns. Every dropdown value reads back through the
same catalogue, so a filled template lands with no manual step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from danvan.ingest.format.writers import MAX_TEMPLATE_ROWS, DependentChoices, write_workbook
from danvan.ingest.landing.measures import Measures
from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values.errors import ValueParseError
from danvan.ingest.values.periods import parse_period
from danvan.reference.admin_map import UnitMatchError
from danvan.reference.catalogue import Catalogue
from danvan.warehouse.db import connect

# Spellings written into the template, by language; the readers accept both.
LEVEL_NAMES = {
    "vi": {"commune": "xã", "district": "huyện", "province": "tỉnh", "central": "trung ương"},
    "en": {
        "commune": "commune",
        "district": "district",
        "province": "province",
        "central": "central",
    },
}
STATUS_NAMES = {
    "vi": {"active": "đang thực hiện", "discontinued": "dừng"},
    "en": {"active": "active", "discontinued": "discontinued"},
}
BOOLEAN_NAMES = {"vi": {True: "có", False: "không"}, "en": {True: "yes", False: "no"}}
# Organisations are listed in one cell separated by these, so no spelling may contain one.
LIST_SEPARATORS = re.compile(r"[;|,\n]")
CATALOGUE_COLUMNS = {
    "field": "field",
    "indicator": "indicator",
    "lead_organizations": "organization",
    "contribution_type": "contribution_type",
    "source": "contribution_source",
    "activity": "activity",
}
# Dropdowns that suggest rather than restrict: several organisations per cell, new models.
SUGGESTED_COLUMNS = frozenset({"lead_organizations", "model_code", "parent_model_code"})

KNOWN_MODELS_QUERIES = (
    """select model_code, model_name, field_code, topic, lead_organization_codes,
              host_commune_code, village, start_date, model_status as status, households,
              members, parent_model_key as parent_model_code, recognition_level,
              recognition_year, is_typical
       from marts.dim_model where reporting_unit_code = %s""",
    """select distinct on (coalesce(model_code, model_name_key))
              model_code, model_name, field_code, topic, lead_organization_codes,
              host_commune_code, village, start_date, status, households, members,
              parent_model_code, recognition_level, recognition_year, is_typical
       from raw.models where reporting_unit_code = %s
       order by coalesce(model_code, model_name_key), submitted_on desc, file_id desc""",
)


KnownModel = dict[str, Any]  # a model as last reported, by raw column name


class TemplateError(ValueError):
    """The unit or period asked for cannot be put in a template."""


@dataclass(frozen=True)
class Template:
    path: Path
    unit_code: str
    unit_name: str
    period_code: str
    models: int


def catalogue_spelling(catalogue: Catalogue, list_name: str, code: str, language: str) -> str:
    """How a catalogue value is written in the template (a name that reads back as ``code``)."""
    row = catalogue.lookups[list_name].rows[code]
    name = row["name_vi"] if language == "vi" else row["name_en"]
    spellings = [name, *row.get("aliases", "").split("|"), code]
    if list_name == "organization":
        spellings = [s for s in spellings if not LIST_SEPARATORS.search(s)]
    return next(s for s in spellings if s)


def template_choices(reference: ReferenceData, language: str) -> dict[str, list[str]]:
    """Column name -> the values its dropdown lists."""
    catalogue = reference.catalogue
    choices = {
        column: [
            catalogue_spelling(catalogue, list_name, code, language)
            for code in catalogue.lookups[list_name].codes
        ]
        for column, list_name in CATALOGUE_COLUMNS.items()
    }
    choices["unit"] = [
        unit.name_vi if language == "vi" else unit.code for unit in reference.units.units.values()
    ]
    choices["status"] = list(STATUS_NAMES[language].values())
    choices["is_typical"] = list(BOOLEAN_NAMES[language].values())
    choices["recognition_level"] = list(LEVEL_NAMES[language].values())
    return choices


# The unit dropdown of a row lists the units its indicator (or contribution type) allows.
UNIT_PARENTS = (
    ("indicators", "indicator", "indicator"),
    ("contributions", "contribution_type", "contribution_type"),
)


def unit_choices(
    reference: ReferenceData, language: str
) -> dict[tuple[str, str], DependentChoices]:
    """(section, "unit") -> the units each indicator or contribution type allows, its own
    unit first, spelled as the unit dropdown spells them."""
    catalogue, units = reference.catalogue, reference.units
    measures = Measures(catalogue, units)
    choices = {}
    for section, parent, list_name in UNIT_PARENTS:
        by_parent = {}
        for code in catalogue.lookups[list_name].codes:
            rule = measures.rule(list_name, code)
            allowed = sorted(
                rule.allowed_units,
                key=lambda unit: (unit != rule.canonical_unit, list(units.units).index(unit)),
            )
            spelling = catalogue_spelling(catalogue, list_name, code, language)
            by_parent[spelling] = [
                units.units[unit].name_vi if language == "vi" else unit for unit in allowed
            ]
        choices[(section, "unit")] = DependentChoices(parent, by_parent)
    return choices


def known_models(url: str, unit_code: str) -> list[KnownModel]:
    """The unit's models as last reported: the published marts, else the raw rows."""
    with connect(url) as conn:
        for query in KNOWN_MODELS_QUERIES:
            try:
                cursor = conn.execute(query, [unit_code])
            except psycopg.errors.UndefinedTable:
                conn.rollback()
                continue
            names = [column.name for column in cursor.description or ()]
            models = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
            return sorted(models, key=lambda model: model["model_name"])
    return []


def write_template(
    unit: str,
    period: str,
    path: Path | None,
    *,
    seeds_dir: Path,
    language: str = "vi",
    models: Sequence[KnownModel] = (),
) -> Template:
    """A workbook for ``unit`` (GSO code or unambiguous name) and ``period``, with ``models``."""
    try:
        reporting_period = parse_period(period)
    except ValueParseError as error:
        raise TemplateError(str(error)) from error
    reference = ReferenceData.from_seeds(seeds_dir)
    admin_map, catalogue = reference.admin_map, reference.catalogue
    map_version = admin_map.map_version_for(reporting_period.end)
    try:
        match = admin_map.match(unit, map_version=map_version)
    except UnitMatchError as error:
        raise TemplateError(str(error)) from error
    header = {
        "reporting_unit_code": match.unit_code,
        "reporting_unit_name": match.unit_name,
        "reporting_unit_level": LEVEL_NAMES[language][match.unit_level],
        "map_version": map_version,
        "period": reporting_period.label_vi if language == "vi" else reporting_period.code,
    }
    if match.unit_level != "province":
        province = admin_map.match(match.province_code, map_version=map_version, level="province")
        header["province"] = province.unit_name
    rows = [_model_row(model, match.unit_code, catalogue, language) for model in models]
    choices = template_choices(reference, language)
    if codes := [row["model_code"] for row in rows if row["model_code"]]:
        choices["model_code"] = codes
    path = path or Path(f"{match.unit_code}_{reporting_period.code}.xlsx")
    write_workbook(
        {"submission": header, "models": rows},
        path,
        language=language,
        choices=choices,
        suggested=SUGGESTED_COLUMNS,
        template_rows=MAX_TEMPLATE_ROWS,
        dependent=unit_choices(reference, language),
    )
    return Template(path, match.unit_code, match.unit_name, reporting_period.code, len(rows))


def _model_row(
    model: KnownModel, unit_code: str, catalogue: Catalogue, language: str
) -> dict[str, Any]:
    """A known model as the Models sheet shows it, in the template's spellings."""
    organizations = model["lead_organization_codes"] or []
    return {
        "model_code": model["model_code"],
        "model_name": model["model_name"],
        "field": catalogue_spelling(catalogue, "field", model["field_code"], language),
        "topic": model["topic"],
        "lead_organizations": "; ".join(
            catalogue_spelling(catalogue, "organization", code, language) for code in organizations
        ),
        "host_commune": None
        if model["host_commune_code"] == unit_code
        else model["host_commune_code"],
        "village": model["village"],
        "start_date": model["start_date"].strftime("%d/%m/%Y") if model["start_date"] else None,
        "status": STATUS_NAMES[language].get(model["status"]),
        "households": model["households"],
        "members": model["members"],
        "parent_model_code": model["parent_model_code"],
        "recognition_level": LEVEL_NAMES[language].get(model["recognition_level"]),
        "recognition_year": model["recognition_year"],
        "is_typical": BOOLEAN_NAMES[language].get(model["is_typical"]),
    }
