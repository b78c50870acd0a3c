"""The data-quality gate: Great Expectations suites from ``expectations/`` run on the warehouse.

A suite file is GX's own JSON (name, expectations with ``severity``) plus a
``meta.danvan`` block naming the table it checks (``layer`` + ``table``) and the
key columns reported for failing rows. ``layer`` is resolved through a mapping
so the marts suites check the shadow build schema before it is published; SQL
of ``unexpected_rows_expectation`` names other tables through the same mapping
(``{staging}.stg_…``, ``{marts}.dim_…``). A suite with ``latest_version_of``
checks only the rows of the latest version of that section of each report: the
rows the marts are built from, so a revised report clears an earlier mistake.
expectations/README.md describes the format.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from psycopg.types.json import Jsonb

from danvan.ingest.format import ROW_SECTIONS
from danvan.warehouse.db import connect

SEVERITIES = ("critical", "warning")
SAMPLE_KEYS = 20
# GX returns at most 200 rows of an unexpected-rows query; column checks are cut to match.
FAILING_ROWS_KEPT = 200
UNEXPECTED_ROWS = "unexpected_rows_expectation"
SECTIONS = tuple(section.name for section in ROW_SECTIONS)
LAYER_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
JOIN = re.compile(r"\bjoin\b", re.IGNORECASE)


class SuiteError(ValueError):
    """A suite file that cannot be run as written."""


@dataclass(frozen=True)
class ExpectationOutcome:
    suite: str
    expectation: str
    table_name: str
    column_name: str | None
    severity: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    sample_keys: list[dict]
    description: str | None = None
    error: str | None = None
    failing_rows: list[dict] = field(default_factory=list, compare=False)

    def render(self) -> str:
        mark = "ok  " if self.success else ("FAIL" if self.severity == "critical" else "warn")
        line = f"{mark} [{self.severity}] {self.suite}: {self.expectation}"
        if self.error:
            line += f" — could not be checked: {self.error}"
        elif not self.success:
            counted = (
                "" if self.unexpected_count is None else f"{self.unexpected_count} unexpected; "
            )
            keys = json.dumps(self.sample_keys, ensure_ascii=False, default=str)
            line += f" — {counted}keys {keys}"
        return line


@dataclass
class ValidationReport:
    run_id: uuid.UUID
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != "critical"]

    @property
    def passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def success(self) -> bool:
        return not self.critical_failures

    def render(self) -> str:
        return "\n".join(outcome.render() for outcome in self.outcomes)


def load_suites(expectations_dir: Path) -> list[dict]:
    suites = [_read_suite(path) for path in sorted(expectations_dir.glob("*.json"))]
    for suite in suites:
        check_suite(suite)
    return suites


def _read_suite(path: Path) -> dict:
    """A suite file; SQL may be written as a list of lines to stay readable in JSON."""
    suite = json.loads(path.read_text(encoding="utf-8"))
    for expectation in suite["expectations"]:
        query = expectation["kwargs"].get("unexpected_rows_query")
        if isinstance(query, list):
            expectation["kwargs"]["unexpected_rows_query"] = "\n".join(query)
    return suite


def check_suite(suite: dict) -> None:
    """Refuse, before any query runs, what GX would only fail on (or silently misread)."""
    settings = suite["meta"]["danvan"]
    section = settings.get("latest_version_of")
    if section is not None and section not in SECTIONS:
        raise SuiteError(f"{suite['name']}: latest_version_of must be one of {SECTIONS}")
    names = [expectation_name(expectation) for expectation in suite["expectations"]]
    if len(set(names)) != len(names):
        raise SuiteError(f"{suite['name']}: two expectations have the same name")
    for expectation, name in zip(suite["expectations"], names, strict=True):
        where = f"{suite['name']}: {name}"
        if expectation.get("severity") not in SEVERITIES:
            raise SuiteError(f"{where}: severity must be one of {SEVERITIES}")
        if expectation["type"] == UNEXPECTED_ROWS:
            _check_query(where, expectation["kwargs"]["unexpected_rows_query"])


def _check_query(where: str, query: str) -> None:
    # GX substitutes {batch} as an aliased subquery unless the query joins; then the query
    # must alias it itself.
    aliased = re.search(r"\{batch\}\s+as\s+\w+", query, re.IGNORECASE) is not None
    if "{batch}" not in query:
        raise SuiteError(f"{where}: the query must read {{batch}}")
    if aliased != bool(JOIN.search(query)):
        raise SuiteError(f"{where}: alias {{batch}} ('{{batch}} as x') if and only if it joins")


def expectation_name(expectation: dict) -> str:
    """Named in ``meta.name`` (required for SQL rules), else described by type and arguments."""
    named = expectation.get("meta", {}).get("name")
    if named:
        return named
    if expectation["type"] == UNEXPECTED_ROWS:
        raise SuiteError("an unexpected_rows_expectation needs a meta.name")
    kwargs = {k: v for k, v in expectation["kwargs"].items() if k != "column"}
    column = expectation["kwargs"].get("column")
    target = f"{column}: " if column else ""
    described = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{target}{expectation['type']}({described})"


def resolve_layers(query: str, schemas: dict[str, str]) -> str:
    """``{staging}``, ``{marts}``… become schema names; ``{batch}`` is left for GX."""

    def schema(match: re.Match) -> str:
        layer = match.group(1)
        if layer == "batch":
            return match.group(0)
        if layer not in schemas:
            raise SuiteError(f"unknown layer {{{layer}}} in query: {query}")
        return schemas[layer]

    return LAYER_PLACEHOLDER.sub(schema, query)


def latest_version_rows(schemas: dict[str, str], layer: str, table: str, section: str) -> str:
    """The rows of ``table`` from the latest version of ``section`` of each unit's report."""
    return (
        f"select section_rows.* from {schemas[layer]}.{table} as section_rows "
        f"join {schemas['intermediate']}.int_section_versions as versions "
        "on versions.file_id = section_rows.file_id "
        "and versions.reporting_unit_code = section_rows.reporting_unit_code "
        "and versions.period_code = section_rows.period_code "
        "and versions.submitted_on = section_rows.submitted_on "
        f"where versions.is_latest and versions.section = '{section}'"
    )


def validate(
    url: str, expectations_dir: Path, schemas: dict[str, str], data_docs_dir: Path | None = None
) -> ValidationReport:
    """Run every suite in one GX context; layers (raw, staging, marts…) map to schemas."""
    suites = load_suites(expectations_dir)
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_sql(
        name="warehouse", connection_string=url.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    report = ValidationReport(run_id=uuid.uuid4())
    batches: dict[str, object] = {}
    for suite_document in suites:
        settings = suite_document["meta"]["danvan"]
        try:
            batch = _batch_definition(source, settings, schemas, batches)
        except Exception as error:  # a missing table fails every expectation of its suite
            report.outcomes += _unchecked(suite_document, f"{type(error).__name__}: {error}")
            continue
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite_document["name"],
                expectations=[
                    _expectation_config(e, schemas) for e in suite_document["expectations"]
                ],
                meta=suite_document.get("meta", {}),
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_document["name"], data=batch, suite=suite)
        )
        result = definition.run(
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": settings["key_columns"],
                "partial_unexpected_count": SAMPLE_KEYS,
                "return_unexpected_index_query": False,
            }
        )
        report.outcomes += [
            _outcome(suite_document, expectation, outcome)
            for expectation, outcome in zip(
                suite_document["expectations"], _in_suite_order(suite, result), strict=True
            )
        ]
    if data_docs_dir is not None:
        _build_data_docs(context, data_docs_dir)
    return report


def _batch_definition(source, settings: dict, schemas: dict[str, str], batches: dict):
    """One GX asset per table (or latest-version query), shared by the suites that check it."""
    layer, table = settings["layer"], settings["table"]
    section = settings.get("latest_version_of")
    name = f"{schemas[layer]}.{table}" + (f"__latest_{section}" if section else "")
    if name not in batches:
        if section:
            query = latest_version_rows(schemas, layer, table, section)
            asset = source.add_query_asset(name=name, query=query)
        else:
            asset = source.add_table_asset(name=name, table_name=table, schema_name=schemas[layer])
        batches[name] = asset.add_batch_definition_whole_table(name)
    return batches[name]


def _in_suite_order(suite, result) -> list:
    """Results in the suite file's order, matched by expectation id rather than position."""
    by_id = {outcome.expectation_config.id: outcome for outcome in result.results}
    return [by_id[expectation.id] for expectation in suite.expectations]


def _expectation_config(expectation: dict, schemas: dict[str, str]) -> dict:
    kwargs = dict(expectation["kwargs"])
    if expectation["type"] == UNEXPECTED_ROWS:
        kwargs["unexpected_rows_query"] = resolve_layers(kwargs["unexpected_rows_query"], schemas)
    meta = expectation.get("meta", {})
    config = {
        "type": expectation["type"],
        "kwargs": kwargs,
        "meta": meta,
        "severity": expectation["severity"],
    }
    if "name" in meta:  # Data Docs then shows the rule's name and why instead of its SQL
        config["description"] = f"{meta['name']}: {meta.get('why', '')}"
    return config


def _outcome(suite_document: dict, expectation: dict, outcome) -> ExpectationOutcome:
    details = outcome.result or {}
    error = _raised(outcome)
    success = bool(outcome.success) and error is None
    if expectation["type"] == UNEXPECTED_ROWS:
        unexpected = details.get("observed_value")
    else:
        unexpected = details.get("unexpected_count")
    failing = [] if success else _failing_rows(expectation, details)
    failing_rows = [_json_safe(row) for row in failing[:FAILING_ROWS_KEPT]]
    return _described(
        suite_document,
        expectation,
        success=success,
        element_count=details.get("element_count"),
        unexpected_count=unexpected,
        sample_keys=failing_rows[:SAMPLE_KEYS],
        error=error,
        failing_rows=failing_rows,
    )


def _unchecked(suite_document: dict, error: str) -> list[ExpectationOutcome]:
    return [
        _described(
            suite_document,
            expectation,
            success=False,
            element_count=None,
            unexpected_count=None,
            sample_keys=[],
            error=error.splitlines()[0],
        )
        for expectation in suite_document["expectations"]
    ]


def _described(suite_document: dict, expectation: dict, **observed) -> ExpectationOutcome:
    settings = suite_document["meta"]["danvan"]
    return ExpectationOutcome(
        suite=suite_document["name"],
        expectation=expectation_name(expectation),
        table_name=f"{settings['layer']}.{settings['table']}",
        column_name=expectation["kwargs"].get("column"),
        severity=expectation["severity"],
        description=expectation.get("meta", {}).get("why"),
        **observed,
    )


def _failing_rows(expectation: dict, details: dict) -> list[dict]:
    """The rows a failed expectation names: query rows, key columns, or what it observed."""
    if expectation["type"] == UNEXPECTED_ROWS:
        return (details.get("details") or {}).get("unexpected_rows") or []
    if details.get("unexpected_index_list"):
        return details["unexpected_index_list"]
    partial = details.get("partial_unexpected_list") or []
    if partial and all(isinstance(value, dict) for value in partial):
        return partial  # compound columns: the values, there is no index
    if "observed_value" in details:  # table-level, e.g. a row count
        return [{"observed_value": details["observed_value"]}]
    return []


def _raised(outcome) -> str | None:
    info = outcome.exception_info or {}
    # One entry per metric when metrics failed, else the flat form.
    entries = info.values() if "raised_exception" not in info else [info]
    messages = [e.get("exception_message") for e in entries if e.get("raised_exception")]
    return messages[0].splitlines()[0] if messages else None


def _json_safe(row: dict) -> dict:
    def plain(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, dt.date | dt.datetime | uuid.UUID):
            return str(value)
        return value

    return {key: plain(value) for key, value in row.items()}


def _build_data_docs(context, data_docs_dir: Path) -> None:
    data_docs_dir.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name="danvan",
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(data_docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    context.build_data_docs(site_names=["danvan"])


def record(
    url: str, report: ValidationReport, *, published: bool, data_docs_path: Path | None
) -> None:
    """Keep every result, and the failing rows with their submission and province, in ``dq``."""
    with connect(url) as conn, conn.transaction():
        conn.execute(
            """insert into dq.validation_runs (run_id, success, published, data_docs_path)
               values (%s, %s, %s, %s)""",
            [
                report.run_id,
                report.success,
                published,
                str(data_docs_path) if data_docs_path else None,
            ],
        )
        with conn.cursor() as cursor:
            cursor.executemany(
                """insert into dq.expectation_results (run_id, suite, expectation, table_name,
                       column_name, severity, success, element_count, unexpected_count, sample_keys,
                       description, error)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    (report.run_id, o.suite, o.expectation, o.table_name, o.column_name, o.severity,
                     o.success, o.element_count, o.unexpected_count, Jsonb(o.sample_keys),
                     o.description, o.error)
                    for o in report.outcomes
                ],
            )  # fmt: skip
            cursor.executemany(
                """insert into dq.failing_rows (run_id, suite, expectation, row_index, file_id,
                       reporting_unit_code, period_code, row_keys)
                   values (%s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    (report.run_id, o.suite, o.expectation, index, _file_id(row),
                     _text(row.get("reporting_unit_code")), _text(row.get("period_code")), Jsonb(row))
                    for o in report.outcomes
                    for index, row in enumerate(o.failing_rows)
                ],
            )  # fmt: skip
        _place_failing_rows(conn, report.run_id)


def _file_id(row: dict) -> int | None:
    value = row.get("file_id")
    return int(value) if value is not None else None


def _text(value) -> str | None:
    return None if value is None else str(value)


def _place_failing_rows(conn, run_id: uuid.UUID) -> None:
    """A failing row's province (on today's map) is its submission's, where the row names one."""
    crosswalk = conn.execute("select to_regclass('reference.ref_provinces_crosswalk')").fetchone()
    if crosswalk[0] is None:  # dbt never seeded the reference data
        return
    conn.execute(
        """update dq.failing_rows as failing
           set province_code = coalesce(crosswalk.new_province_code, submission.province_code)
           from raw.submissions as submission
           left join reference.ref_provinces_crosswalk as crosswalk
               on submission.map_version = '2025-01'
               and crosswalk.old_province_code = submission.province_code
           where failing.run_id = %s
               and failing.file_id = submission.file_id
               and failing.reporting_unit_code = submission.reporting_unit_code""",
        [run_id],
    )


def last_run_text(url: str) -> str:
    with connect(url) as conn:
        run = conn.execute(
            "select run_id, validated_at, success, published from dq.validation_runs "
            "order by validated_at desc limit 1"
        ).fetchone()
        if run is None:
            return "no validation run yet"
        outcomes = [
            ExpectationOutcome(*row)
            for row in conn.execute(
                """select suite, expectation, table_name, column_name, severity, success,
                          element_count, unexpected_count, sample_keys, description, error
                   from dq.expectation_results where run_id = %s
                   order by success, severity, suite, expectation""",
                [run[0]],
            ).fetchall()
        ]
    verdict = "passed" if run[2] else "FAILED"
    header = (
        f"validation run {run[0]} at {run[1]:%Y-%m-%d %H:%M:%S}: {verdict}; published: {run[3]}"
    )
    return "\n".join([header, *(outcome.render() for outcome in outcomes)])
