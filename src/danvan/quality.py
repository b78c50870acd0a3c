"""The data-quality gate: Great Expectations suites from ``expectations/`` run on the warehouse.

A suite file is GX's own JSON (name, expectations with ``severity``) plus a
``meta.danvan`` block naming the table it checks (``layer`` + ``table``) and the
key columns reported for failing rows. ``layer`` is resolved through a mapping
so the marts suites check the shadow build schema before it is published.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from psycopg.types.json import Jsonb

from danvan.warehouse.db import connect

SAMPLE_KEYS = 20


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

    def render(self) -> str:
        mark = "ok  " if self.success else ("FAIL" if self.severity == "critical" else "warn")
        line = f"{mark} [{self.severity}] {self.suite}: {self.expectation}"
        if not self.success:
            line += f" — {self.unexpected_count} unexpected; keys {json.dumps(self.sample_keys, ensure_ascii=False, default=str)}"
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
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(expectations_dir.glob("*.json"))
    ]


def expectation_name(expectation: dict) -> str:
    kwargs = {k: v for k, v in expectation["kwargs"].items() if k != "column"}
    column = expectation["kwargs"].get("column")
    target = f"{column}: " if column else ""
    described = ", ".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{target}{expectation['type']}({described})"


def validate(
    url: str, expectations_dir: Path, schemas: dict[str, str], data_docs_dir: Path | None = None
) -> ValidationReport:
    """Run every suite; layers (raw, staging, marts…) map to actual schemas via ``schemas``."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_sql(
        name="warehouse", connection_string=url.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    report = ValidationReport(run_id=uuid.uuid4())
    for suite_document in load_suites(expectations_dir):
        settings = suite_document["meta"]["danvan"]
        schema = schemas[settings["layer"]]
        table = settings["table"]
        keys = settings["key_columns"]
        asset = source.add_table_asset(
            name=f"{schema}.{table}", table_name=table, schema_name=schema
        )
        batch = asset.add_batch_definition_whole_table(f"{schema}.{table}")
        suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite_document["name"],
                expectations=[_expectation_config(e) for e in suite_document["expectations"]],
                meta=suite_document.get("meta", {}),
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite_document["name"], data=batch, suite=suite)
        )
        result = definition.run(
            result_format={
                "result_format": "COMPLETE",
                "unexpected_index_column_names": keys,
                "partial_unexpected_count": SAMPLE_KEYS,
                "return_unexpected_index_query": False,
            }
        )
        for expectation, outcome in zip(
            suite_document["expectations"], result.results, strict=True
        ):
            details = outcome.result or {}
            sample = [
                {key: row.get(key) for key in keys}
                for row in (details.get("unexpected_index_list") or [])[:SAMPLE_KEYS]
            ]
            report.outcomes.append(
                ExpectationOutcome(
                    suite=suite_document["name"],
                    expectation=expectation_name(expectation),
                    table_name=f"{settings['layer']}.{table}",
                    column_name=expectation["kwargs"].get("column"),
                    severity=expectation.get("severity", "critical"),
                    success=bool(outcome.success),
                    element_count=details.get("element_count"),
                    unexpected_count=details.get("unexpected_count"),
                    sample_keys=sample,
                )
            )
    if data_docs_dir is not None:
        _build_data_docs(context, data_docs_dir)
    return report


def _expectation_config(expectation: dict) -> dict:
    return {
        "type": expectation["type"],
        "kwargs": expectation["kwargs"],
        "meta": expectation.get("meta", {}),
        "severity": expectation.get("severity", "critical"),
    }


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
    """Keep every result in the ``dq`` schema so BI can chart quality over time."""
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
                       column_name, severity, success, element_count, unexpected_count, sample_keys)
                   values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                [
                    (report.run_id, o.suite, o.expectation, o.table_name, o.column_name, o.severity,
                     o.success, o.element_count, o.unexpected_count, Jsonb(o.sample_keys))
                    for o in report.outcomes
                ],
            )  # fmt: skip


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
                          element_count, unexpected_count, sample_keys
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
