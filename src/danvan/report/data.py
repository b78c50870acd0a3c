"""What the report reads: the guide's report queries, run once for every province, and
the catalogue's names to label them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock
from typing import Any, NamedTuple

import psycopg
from psycopg import Cursor, IsolationLevel, sql
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
REPORT_READERS = 3  # connections running the report's queries side by side
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
    """Run the guide's report queries and the catalogue look-ups, all on one snapshot of the
    warehouse: the queries side by side on ``REPORT_READERS`` connections that share it
    (a national report is a few aggregates of whole marts, each taking one core)."""
    queries = guide_queries()
    ids = [*REPORT_QUERIES, HELD_QUERY]
    with _reading(url, work_mem) as conn, conn.cursor() as cursor:
        snapshot = cursor.execute("select pg_export_snapshot()").fetchone()
        assert snapshot is not None
        pending, taking = iter(ids), Lock()

        def run_pending() -> dict[str, dict[str | None, list[Any]]]:
            found: dict[str, dict[str | None, list[Any]]] = {}
            with _reading(url, work_mem, snapshot[0]) as reader:
                named = reader.cursor(row_factory=namedtuple_row)
                while True:
                    with taking:
                        query_id = next(pending, None)
                    if query_id is None:
                        return found
                    found[query_id] = _by_area(named.execute(queries[query_id]).fetchall())

        with ThreadPoolExecutor(REPORT_READERS, thread_name_prefix="report") as readers:
            shares = [readers.submit(run_pending) for _ in range(REPORT_READERS)]
            if publication is None and _exists(cursor, PUBLICATION_TABLE):
                publication = _latest_publication(cursor)
            catalogues = {
                name: _named(cursor, f"select {key}, {columns} from marts.{table}")
                for name, (table, key, columns) in CATALOGUES.items()
            }
            provinces = dict(
                cursor.execute(
                    """select unit_code, unit_name from marts.dim_admin_unit
                       where map_version = '2025-07' and unit_level = 'province'
                       order by unit_code"""
                ).fetchall()
            )
            periods = {
                code: Period(*rest)
                for code, *rest in cursor.execute(
                    """select period_code, period_kind, period_start, period_end, period_label_vi
                       from marts.dim_period"""
                ).fetchall()
            }
            found = {
                query_id: rows for share in shares for query_id, rows in share.result().items()
            }
        return ReportData(
            rows={query_id: found[query_id] for query_id in ids},
            sql={query_id: queries[query_id] for query_id in ids},
            provinces=provinces,
            periods=periods,
            **catalogues,
            publication=publication,
        )


@contextmanager
def _reading(url: str, work_mem: str, snapshot: str | None = None) -> Iterator[psycopg.Connection]:
    """A read-only repeatable-read transaction, on ``snapshot`` when given (exported by
    another). Its sorts and aggregates of whole national marts stay in memory
    (``work_mem``); no JIT, whose compiling costs more than these queries save."""
    with connect(url) as conn:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        if snapshot is not None:
            conn.execute(sql.SQL("set transaction snapshot {}").format(sql.Literal(snapshot)))
        conn.execute(
            "select set_config('work_mem', %s, true), set_config('jit', 'off', true)", [work_mem]
        )
        yield conn


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
