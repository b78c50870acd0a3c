"""A model's indicator given on several rows of one report: what the warehouse made of it.

The marts combine such rows by the indicator's aggregation rule in the catalogue
(``combine_by_rule`` in dbt's ``int_indicator_values``): an additive indicator
(``sum``) is the total of the rows; any other (``latest``, ``rate``) takes the
row sent last (the last row of the sheet). The sender is told which, and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import psycopg

from danvan.ingest.values.units import UnitCatalogue
from danvan.reference.catalogue import Catalogue

RULE_WORDS = {
    "sum": ("chỉ tiêu cộng dồn: các dòng được cộng lại", "an additive indicator: rows are added"),
    "latest": (
        "chỉ tiêu không cộng dồn (lấy số mới nhất): chỉ lấy dòng sau cùng",
        "not additive (the latest figure counts): only the last row is kept",
    ),
    "rate": (
        "chỉ tiêu là tỉ lệ, không cộng được: chỉ lấy dòng sau cùng",
        "a rate, which cannot be added: only the last row is kept",
    ),
}


@dataclass(frozen=True)
class Repeat:
    """One model's indicator given on several rows of one report, and what was kept."""

    report: tuple[str, str, date]
    sheet: str
    rows: tuple[int, ...]
    kept_row: int | None  # the row taken alone; None: the rows were added
    model: str
    indicator_code: str
    kept: Decimal
    unit_code: str | None
    say_vi: str
    say_en: str


def repeated_figures(
    conn: psycopg.Connection, file_id: int, catalogue: Catalogue, units: UnitCatalogue
) -> list[Repeat]:
    """Each (report, model, indicator) the file gives on more than one row."""
    found = conn.execute(
        """select reporting_unit_code, period_code, submitted_on,
               max(coalesce(model_code, model_name)), indicator_code,
               array_agg(sheet order by sheet desc, row_number desc),
               array_agg(row_number order by sheet desc, row_number desc),
               array_agg(value order by sheet desc, row_number desc), max(unit_code)
           from raw.indicator_values where file_id = %s
           group by reporting_unit_code, period_code, submitted_on,
               coalesce(model_code, model_name_key), indicator_code
           having count(*) > 1
           order by min(sheet), min(row_number)""",
        [file_id],
    ).fetchall()
    return [
        _repeat(
            catalogue, units, (unit, period, sent), model, code, sheets, rows, values, unit_code
        )
        for unit, period, sent, model, code, sheets, rows, values, unit_code in found
    ]


def _repeat(
    catalogue: Catalogue,
    units: UnitCatalogue,
    report: tuple[str, str, date],
    model: str,
    code: str,
    sheets: list[str],
    rows: list[int],
    values: list[Decimal],
    unit_code: str | None,
) -> Repeat:
    entry = catalogue.lookups["indicator"].rows.get(code, {})
    rule = entry.get("aggregation_rule", "sum")
    name = entry.get("name_vi", code)
    unit = units.units[unit_code].name_vi if unit_code in units.units else ""
    added = rule == "sum"
    kept = sum(values, Decimal(0)) if added else values[0]  # rows come last first
    kept_row = None if added else rows[0]
    listed = ", ".join(map(str, sorted(rows)))
    why_vi, why_en = RULE_WORDS.get(rule, RULE_WORDS["latest"])
    outcome_vi = (
        f"đã cộng lại thành {kept} {unit}" if added else f"đã lấy dòng {rows[0]}: {kept} {unit}"
    )
    outcome_en = (
        f"added up to {kept} {unit_code or ''}"
        if added
        else f"row {rows[0]} kept: {kept} {unit_code or ''}"
    )
    return Repeat(
        report,
        sheets[0],
        tuple(sorted(rows)),
        kept_row,
        model,
        code,
        kept,
        unit_code,
        f"Chỉ tiêu '{name}' của mô hình '{model}' được ghi {len(rows)} lần (trang "
        f"'{sheets[0]}', dòng {listed}): {outcome_vi.strip()}, vì đây là {why_vi}. Nếu "
        "không đúng ý, hãy sửa và gửi lại.",
        f"Indicator {code} of model '{model}' is given {len(rows)} times (sheet '{sheets[0]}', "
        f"rows {listed}): {outcome_en.strip()}, as it is {why_en}.",
    )
