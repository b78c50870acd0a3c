"""The analyst guide's SQL, the one place the report's figures come from.

docs/analyst-guide.md shows every query as a fenced ```sql block whose first line
names it (``-- id: report-petitions``). Analysts read and copy them there; the
report runs them from there; tests/marts/test_analyst_guide.py checks each one's
answer. Changing a figure means changing the guide.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import psycopg

from danvan.settings import PROJECT_ROOT

GUIDE_PATH = PROJECT_ROOT / "docs" / "analyst-guide.md"
_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.S | re.M)
_ID = re.compile(r"-- id: (\S+)\n")


class GuideError(ValueError):
    """The guide's SQL blocks are not as the report and its tests expect."""


def parse_guide(text: str) -> dict[str, str]:
    """Every named query of a guide's text, in order of appearance."""
    queries: dict[str, str] = {}
    for block in _BLOCK.findall(text):
        match = _ID.match(block)
        if not match:
            raise GuideError(f"a guide query must start with '-- id: <name>':\n{block}")
        if match.group(1) in queries:
            raise GuideError(f"duplicate guide query id {match.group(1)}")
        queries[match.group(1)] = block
    return queries


@cache
def guide_queries(path: Path = GUIDE_PATH) -> dict[str, str]:
    """The named queries of docs/analyst-guide.md (read once per process)."""
    return parse_guide(path.read_text(encoding="utf-8"))


def sequential_scans(conn: psycopg.Connection, query: str, min_rows: float = 0) -> list[str]:
    """The ``marts`` tables of at least ``min_rows`` rows (as the planner estimates them;
    a table never analysed counts) that the plan of ``query`` reads whole."""
    (plans,) = conn.execute(f"explain (verbose, format json) {query}").fetchone()  # type: ignore[misc]
    scans: list[str] = []
    pending = [plans[0]["Plan"]]
    while pending:
        node = pending.pop()
        pending += node.get("Plans", [])
        if node["Node Type"] == "Seq Scan" and node.get("Schema") == "marts":
            table = node["Relation Name"]
            (rows,) = conn.execute(  # type: ignore[misc]
                "select reltuples from pg_class where oid = to_regclass(%s)", [f"marts.{table}"]
            ).fetchone()
            if rows < 0 or rows >= min_rows:
                scans.append(table)
    return scans
