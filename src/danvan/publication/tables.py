"""The public tables as dbt declares them: columns, keys, foreign keys, slices, descriptions.

Read from the manifest dbt writes for the run, so the published schema follows
the dbt project (contracts, constraints, ``meta.slice``) without a second list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PUBLIC_SCHEMA = "marts"
HISTORY_SCHEMA = "marts_history"
BUILD_SCHEMA = "marts_build"
PUBLICATION_TABLE = "dim_publication"
# The column province readers are scoped by: today's province (old ones merged whole).
PROVINCE_COLUMN = "province_code_2025_07"


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    to_columns: tuple[str, ...]


@dataclass(frozen=True)
class Slice:
    """A table rebuilt slice by slice: by reporting unit or by province."""

    scope: str
    column: str


@dataclass(frozen=True)
class PublicTable:
    name: str
    columns: tuple[str, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    slice: Slice | None
    province_column: str | None  # rows are scoped by province for province readers


def public_tables(manifest_path: Path) -> list[PublicTable]:
    """Every model built into the shadow schema, in dependency order (dimensions first)."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model"
        and node["schema"] == BUILD_SCHEMA
        and node["config"].get("materialized") in ("table", "incremental")
    }
    names = {unique_id: node["name"] for unique_id, node in nodes.items()}
    ordered: list[str] = []

    def visit(unique_id: str) -> None:
        if unique_id in ordered:
            return
        for parent in nodes[unique_id]["depends_on"]["nodes"]:
            if parent in nodes:
                visit(parent)
        ordered.append(unique_id)

    for unique_id in sorted(nodes):
        visit(unique_id)
    return [_table(nodes[unique_id], names) for unique_id in ordered]


def _table(node: dict[str, Any], names: dict[str, str]) -> PublicTable:
    columns = tuple(node["columns"])
    primary_key: tuple[str, ...] = ()
    foreign_keys = []
    for constraint in node.get("constraints", []):
        if constraint["type"] == "primary_key":
            primary_key = tuple(constraint["columns"])
        elif constraint["type"] == "foreign_key":
            foreign_keys.append(
                ForeignKey(
                    tuple(constraint["columns"]),
                    _referenced_table(constraint["to"]),
                    tuple(constraint["to_columns"]),
                )
            )
    declared = node["config"].get("meta", {}).get("slice")
    province = PROVINCE_COLUMN if PROVINCE_COLUMN in columns else None
    return PublicTable(
        name=node["name"],
        columns=columns,
        primary_key=primary_key,
        foreign_keys=tuple(foreign_keys),
        slice=Slice(declared["scope"], declared["column"]) if declared else None,
        province_column=province,
    )


def _referenced_table(to: str) -> str:
    """The table a foreign key names: ``ref('dim_model')`` or a rendered relation such as
    ``"danvan"."marts_build"."dim_model"``."""
    if to.startswith("ref("):
        return to[4:-1].strip().strip("'\"")
    return to.split(".")[-1].strip('"')
