"""What the report reads: the guide's report queries, run once for every province, and
the catalogue's names to label them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from psycopg import Cursor
from psycopg.rows import namedtuple_row

from danvan.report.guide import guide_queries
from danvan.warehouse.db import connect

NATION = "VN"
# The guide's queries the pages are drawn from (docs/analyst-guide.md).
REPORT_QUERIES = (
    "report-models-by-province",
    "report-models-by-year",
    "report-models-as-reported",
    "report-recognitions",
    "report-replication",
    "report-headline-indicators",
    "report-contributions",
    "report-petitions",
    "report-completeness",
    "report-missing-reports",
    "report-targets",
    "report-quarantined-rows",
)
HELD_QUERY = "report-held-submissions"
PUBLICATION_TABLE = "marts.dim_publication"
# Names the pages label codes with: attribute → (mart, code, name_vi, name_en, unit_vi, unit_en,
# sort order).
CATALOGUES = {
    "fields": ("dim_field", "field_code", "name_vi, name_en, null, null, sort_order"),
    "indicators": (
        "dim_indicator", "indicator_code", "name_vi, name_en, unit_name_vi, unit_name_en, 0"
    ),
    "contribution_types": (
        "dim_contribution_type", "contribution_type_code",
        "name_vi, name_en, unit_name_vi, unit_name_en, 0",
    ),
    "contribution_sources": (
        "dim_contribution_source", "contribution_source_code", "name_vi, name_en, null, null, 0"
    ),
    "targets": ("dim_target", "target_code", "description_vi, description_en, null, null, 0"),
}  # fmt: skip


@dataclass(frozen=True)
class Publication:
    """A published state of the marts: its number and when it was published."""

    number: int
    published_at: datetime


class Period(NamedTuple):
    kind: str
    start: date
    end: date
    label_vi: str


class Named(NamedTuple):
    name_vi: str
    name_en: str
    unit_vi: str | None = None
    unit_en: str | None = None
    sort_order: int = 0


@dataclass
class ReportData:
    """Every figure of the report, by query and area (a province code of today's map, or VN)."""

    rows: dict[str, dict[str | None, list[Any]]]
    sql: dict[str, str]
    provinces: dict[str, str]  # today's map: code → name
    fields: dict[str, Named]
    indicators: dict[str, Named]
    contribution_types: dict[str, Named]
    contribution_sources: dict[str, Named]
    periods: dict[str, Period]
    targets: dict[str, Named]
    publication: Publication | None

    def of(self, query_id: str, area: str | None) -> list[Any]:
        return self.rows[query_id].get(area, [])

    def areas_with(self, query_id: str) -> list[str | None]:
        return [area for area in self.rows[query_id] if area != NATION]


def read_report_data(url: str, publication: Publication | None, work_mem: str) -> ReportData:
    """Run the guide's report queries and the catalogue look-ups in one read-only transaction.
    Its sorts and aggregates of whole national marts stay in memory (``work_mem``); no JIT,
    whose compiling costs more than these queries save."""
    queries = guide_queries()
    with connect(url) as conn:
        conn.read_only = True
        conn.execute(
            "select set_config('work_mem', %s, true), set_config('jit', 'off', true)", [work_mem]
        )
        with conn.cursor(row_factory=namedtuple_row) as named, conn.cursor() as cursor:
            ids = [*REPORT_QUERIES, HELD_QUERY]
            rows = {
                query_id: _by_area(named.execute(queries[query_id]).fetchall()) for query_id in ids
            }
            if publication is None and _exists(cursor, PUBLICATION_TABLE):
                publication = _latest_publication(cursor)
            return ReportData(
                rows=rows,
                sql={query_id: queries[query_id] for query_id in (*REPORT_QUERIES, HELD_QUERY)},
                provinces=dict(
                    cursor.execute(
                        """select unit_code, unit_name from marts.dim_admin_unit
                           where map_version = '2025-07' and unit_level = 'province'
                           order by unit_code"""
                    ).fetchall()
                ),
                periods={
                    code: Period(*rest)
                    for code, *rest in cursor.execute(
                        """select period_code, period_kind, period_start, period_end, period_label_vi
                           from marts.dim_period"""
                    ).fetchall()
                },
                **{
                    name: _named(cursor, f"select {key}, {columns} from marts.{table}")
                    for name, (table, key, columns) in CATALOGUES.items()
                },
                publication=publication,
            )


def _exists(cursor: Cursor[Any], table: str) -> bool:
    found = cursor.execute("select to_regclass(%s) is not null", [table]).fetchone()
    return found is not None and bool(found[0])


def _latest_publication(cursor: Cursor[Any]) -> Publication | None:
    found = cursor.execute(
        f"""select publication_id, published_at from {PUBLICATION_TABLE}
            order by publication_id desc limit 1"""
    ).fetchone()
    return Publication(*found) if found else None


def _by_area(rows: list[Any]) -> dict[str | None, list[Any]]:
    grouped: dict[str | None, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, "area_code", NATION)].append(row)
    return dict(grouped)


def _named(cursor: Cursor[Any], sql: str) -> dict[str, Named]:
    return {code: Named(*rest) for code, *rest in cursor.execute(sql).fetchall()}
