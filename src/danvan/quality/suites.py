"""The rule files under ``expectations/``: Great Expectations suites with danvan's severities.

A suite file is GX's own JSON (``name``, ``expectations`` with ``type``,
``kwargs``, ``severity``, ``meta``) plus a ``meta.danvan`` block naming the
table it checks (``layer`` + ``table``), which of its rows a night checks
(``scope``) and the key columns reported for failing rows. Severities say what
a failure does (expectations/README.md):

- ``reject_row``: impossible on its own; ingestion quarantines such rows, and a
  landed row breaking it means the landing contract is broken;
- ``hold_submission``: needs context; the failing submission is held, the
  rest is published;
- ``block_publication``: systemic; nothing is published;
- ``warn``: suspicious but possible; published and recorded.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from danvan.ingest.format import SECTIONS_BY_NAME


class Severity(StrEnum):
    REJECT_ROW = "reject_row"
    HOLD_SUBMISSION = "hold_submission"
    BLOCK_PUBLICATION = "block_publication"
    WARN = "warn"


class Scope(StrEnum):
    """Which rows of its table a nightly run checks."""

    RUN_SUBMISSIONS = "run_submissions"  # rows of the submissions this run evaluates
    BUILD_UNITS = "build_units"  # rows of the reporting units this run rebuilds
    BUILD_PROVINCES = "build_provinces"  # rows of the provinces (2025-07) this run rebuilds
    ALL = "all"  # the whole table (cheap checks only)


LAYERS = ("raw", "staging", "intermediate", "marts", "published", "reference", "pipeline")
# Settings a rule may name as {placeholder}: their values come from Settings.
PARAMETERS = ("volume_drop_block_share",)
UNEXPECTED_ROWS = "unexpected_rows_expectation"
# Column-level expectation types the compiler understands (GX semantics: nulls pass).
COLUMN_TYPES = (
    "expect_column_values_to_not_be_null",
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_match_regex",
    "expect_column_pair_values_a_to_be_greater_than_b",
)
TABLE_TYPES = ("expect_table_row_count_to_be_between", "expect_table_row_count_to_equal")
SUPPORTED_TYPES = (UNEXPECTED_ROWS, *COLUMN_TYPES, *TABLE_TYPES)
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
JOIN = re.compile(r"\bjoin\b", re.IGNORECASE)
SUBMISSION_KEY = ("file_id", "reporting_unit_code", "period_code", "submitted_on")


class SuiteError(ValueError):
    """A suite file that cannot be run as written."""


@dataclass(frozen=True)
class Rule:
    """One expectation of a suite."""

    suite: str
    name: str
    type: str
    kwargs: dict[str, Any]
    severity: Severity
    why: str
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def column(self) -> str | None:
        column = self.kwargs.get("column")
        return str(column) if column is not None else None

    @property
    def query(self) -> str:
        return str(self.kwargs["unexpected_rows_query"])


@dataclass(frozen=True)
class Suite:
    name: str
    layer: str
    table: str
    scope: Scope
    key_columns: tuple[str, ...]
    description: str
    rules: tuple[Rule, ...]
    document: dict[str, Any] = field(compare=False, repr=False)

    @property
    def table_name(self) -> str:
        return f"{self.layer}.{self.table}"


def load_suites(expectations_dir: Path) -> list[Suite]:
    return [read_suite(path) for path in sorted(expectations_dir.glob("*.json"))]


def read_suite(path: Path) -> Suite:
    """A suite file; SQL may be written as a list of lines to stay readable in JSON."""
    document = json.loads(path.read_text(encoding="utf-8"))
    for expectation in document["expectations"]:
        query = expectation["kwargs"].get("unexpected_rows_query")
        if isinstance(query, list):
            expectation["kwargs"]["unexpected_rows_query"] = "\n".join(query)
    if document.get("name") != path.stem:
        raise SuiteError(f"{path.name}: the suite's name must be the file name without .json")
    return suite_from_document(document)


def suite_from_document(document: dict[str, Any]) -> Suite:
    """Refuse, before any query runs, what the engine would only fail on (or misread)."""
    name = document["name"]
    settings = document["meta"]["danvan"]
    if settings["layer"] not in LAYERS:
        raise SuiteError(f"{name}: layer must be one of {LAYERS}")
    try:
        scope = Scope(settings.get("scope", Scope.ALL))
    except ValueError:
        raise SuiteError(f"{name}: scope must be one of {[s.value for s in Scope]}") from None
    rules = tuple(_rule(name, expectation) for expectation in document["expectations"])
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise SuiteError(f"{name}: two expectations have the same name")
    for rule in rules:
        if rule.type == UNEXPECTED_ROWS:
            check_query(f"{name}: {rule.name}", rule.query)
        if rule.severity is Severity.HOLD_SUBMISSION:
            _check_hold_rule(name, rule)
    return Suite(
        name=name,
        layer=settings["layer"],
        table=settings["table"],
        scope=scope,
        key_columns=tuple(settings["key_columns"]),
        description=settings.get("description", ""),
        rules=rules,
        document=document,
    )


def _rule(suite: str, expectation: dict[str, Any]) -> Rule:
    kind = expectation["type"]
    if kind not in SUPPORTED_TYPES:
        raise SuiteError(f"{suite}: expectation type {kind} is not one of {SUPPORTED_TYPES}")
    name = expectation_name(expectation)
    try:
        severity = Severity(str(expectation.get("severity")))
    except ValueError:
        raise SuiteError(
            f"{suite}: {name}: severity must be one of {[s.value for s in Severity]}"
        ) from None
    meta = expectation.get("meta", {})
    if not meta.get("why"):
        raise SuiteError(f"{suite}: {name}: meta.why must say why the rule exists")
    return Rule(suite, name, kind, expectation["kwargs"], severity, meta["why"], meta)


def _check_hold_rule(suite: str, rule: Rule) -> None:
    """A hold names the submission, the cell and what the sender must fix, in both languages."""
    where = f"{suite}: {rule.name}"
    if rule.type != UNEXPECTED_ROWS:
        raise SuiteError(f"{where}: a hold_submission rule must be an {UNEXPECTED_ROWS}")
    missing = [key for key in ("section", "column", "tell_vi", "tell_en") if not rule.meta.get(key)]
    if missing:
        raise SuiteError(f"{where}: a hold_submission rule needs meta {', '.join(missing)}")
    section = SECTIONS_BY_NAME.get(rule.meta["section"])
    if section is None or rule.meta["column"] not in section.column_names:
        raise SuiteError(f"{where}: meta.column must be a column of meta.section's format")


def check_query(where: str, query: str) -> None:
    # GX substitutes {batch} as an aliased subquery unless the query joins; then the query
    # must alias it itself. The compiled engine follows the same convention.
    aliased = re.search(r"\{batch\}\s+as\s+\w+", query, re.IGNORECASE) is not None
    if "{batch}" not in query:
        raise SuiteError(f"{where}: the query must read {{batch}}")
    if aliased != bool(JOIN.search(query)):
        raise SuiteError(f"{where}: alias {{batch}} ('{{batch}} as x') if and only if it joins")
    for placeholder in PLACEHOLDER.findall(query):
        if placeholder != "batch" and placeholder not in (*LAYERS, *PARAMETERS):
            raise SuiteError(f"{where}: unknown placeholder {{{placeholder}}}")


def expectation_name(expectation: dict[str, Any]) -> str:
    """Named in ``meta.name`` (required for SQL rules), else described by type and arguments."""
    named = expectation.get("meta", {}).get("name")
    if named:
        return str(named)
    if expectation["type"] == UNEXPECTED_ROWS:
        raise SuiteError("an unexpected_rows_expectation needs a meta.name")
    kwargs = {k: v for k, v in expectation["kwargs"].items() if k != "column"}
    column = expectation["kwargs"].get("column")
    target = f"{column}: " if column else ""
    described = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{target}{expectation['type']}({described})"


def resolve_layers(query: str, schemas: dict[str, str]) -> str:
    """``{staging}``, ``{marts}``… become schema names, parameters their values; ``{batch}``
    is left for the caller."""

    def schema(match: re.Match[str]) -> str:
        layer = match.group(1)
        if layer == "batch":
            return match.group(0)
        if layer not in schemas:
            raise SuiteError(f"unknown layer or parameter {{{layer}}} in query: {query}")
        return schemas[layer]

    return PLACEHOLDER.sub(schema, query)
