"""``danvan quality --audit``: every suite run by Great Expectations itself, beside the engine.

Nights check the suites through the compiled engine (engine.py). The audit
runs the same files through Great Expectations 1.x — an ephemeral context, a
SQL data source on the warehouse (psycopg 3), a table asset per suite (a query asset
holding the engine's own row filter where a suite checks only a night's rows)
— on the published marts and the other layers' tables, and compares every
rule: the same pass or fail, and the same number of failing rows where both
count them. GX also writes its Data Docs into the run directory, made readable
offline (data_docs.py). GX is imported here only, when the audit runs: the
import alone costs seconds.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg.conninfo import conninfo_to_dict

from danvan.night import rule_scope
from danvan.publication.tables import PUBLIC_SCHEMA
from danvan.quality.data_docs import make_offline
from danvan.quality.engine import Outcome, RunScope, run_suites, scoped_rows
from danvan.quality.suites import (
    TABLE_TYPES,
    UNEXPECTED_ROWS,
    Rule,
    Scope,
    Severity,
    Suite,
    load_suites,
    resolve_layers,
)
from danvan.settings import Settings
from danvan.warehouse.db import connect

if TYPE_CHECKING:
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.data_context.data_context.abstract_data_context import (
        AbstractDataContext,
    )
    from great_expectations.datasource.fluent.sql_datasource import SQLDatasource

AUDIT_PREFIX = "audit-"
DATA_DOCS = "data_docs"
DATA_DOCS_SITE = "danvan"


class AuditError(RuntimeError):
    """The warehouse holds nothing an audit could check."""


@dataclass(frozen=True)
class GxOutcome:
    """What Great Expectations found for one rule."""

    success: bool
    unexpected_count: int | None
    error: str | None = None


@dataclass(frozen=True)
class RuleAudit:
    engine: Outcome
    gx: GxOutcome

    @property
    def passed(self) -> bool:
        return self.engine.success and self.gx.success

    @property
    def agree(self) -> bool:
        """Same verdict, same failing rows where both count them; a rule either could not
        check agrees with nothing."""
        if self.engine.error or self.gx.error or self.engine.success != self.gx.success:
            return False
        counts = (self.engine.unexpected_count, self.gx.unexpected_count)
        return None in counts or counts[0] == counts[1]

    def render(self) -> str:
        mark = "ok  " if self.passed else "FAIL"
        verdict = "agree" if self.agree else "DISAGREE"
        line = f"  {mark} {verdict:<8} [{self.engine.severity}] {self.engine.rule}"
        if self.passed and self.agree:
            return line
        return f"{line} — engine: {_engine_text(self.engine)}; GX: {_gx_text(self.gx)}"


def _engine_text(outcome: Outcome) -> str:
    if outcome.error:
        return f"could not check ({outcome.error})"
    return _verdict(outcome.success, outcome.unexpected_count)


def _gx_text(outcome: GxOutcome) -> str:
    if outcome.error:
        return f"could not check ({outcome.error})"
    return _verdict(outcome.success, outcome.unexpected_count)


def _verdict(success: bool, unexpected: int | None) -> str:
    word = "passed" if success else "failed"
    return word if unexpected is None else f"{word}, {unexpected} failing rows"


@dataclass(frozen=True)
class SuiteAudit:
    suite: Suite
    rules: list[RuleAudit]

    @property
    def passed(self) -> int:
        return sum(rule.passed for rule in self.rules)

    @property
    def agreeing(self) -> int:
        return sum(rule.agree for rule in self.rules)

    def render(self) -> str:
        suite = self.suite
        lines = [
            f"{suite.name} ({suite.table_name}, {suite.scope}): {self.passed} passed, "
            f"{len(self.rules) - self.passed} failed; GX and the engine agree on "
            f"{self.agreeing} of {len(self.rules)}"
        ]
        lines += [rule.render() for rule in self.rules]
        return "\n".join(lines)


@dataclass(frozen=True)
class AuditReport:
    run_id: uuid.UUID
    suites: list[SuiteAudit]
    data_docs_index: Path
    engine_seconds: float
    gx_import_seconds: float
    gx_seconds: float

    @property
    def rules(self) -> list[RuleAudit]:
        return [rule for suite in self.suites for rule in suite.rules]

    @property
    def success(self) -> bool:
        return all(rule.passed and rule.agree for rule in self.rules)

    def render(self) -> str:
        rules = self.rules
        failed = sum(not rule.passed for rule in rules)
        disagreeing = sum(not rule.agree for rule in rules)
        return "\n".join(
            [
                f"audit of the published marts (scope of run {self.run_id}) with Great "
                f"Expectations beside the engine: {len(self.suites)} suites, {len(rules)} rules",
                *(suite.render() for suite in self.suites),
                f"{len(rules) - failed} of {len(rules)} rules passed; GX and the engine "
                f"disagree on {disagreeing}",
                f"engine {self.engine_seconds:.2f} s; Great Expectations {self.gx_seconds:.2f} s "
                f"(+ {self.gx_import_seconds:.2f} s to import it)",
                f"Data Docs: {self.data_docs_index}",
            ]
        )


def audit_scope(settings: Settings, conn: psycopg.Connection) -> RunScope:
    """The last build's scope, with the marts read where BI reads them: published."""
    row = conn.execute(
        "select build.run_id from audit.current_build as build "
        "where exists (select 1 from audit.publications)"
    ).fetchone()
    if row is None:
        raise AuditError(
            "chưa có lần công bố nào để kiểm tra / nothing has been published yet: "
            "run `danvan nightly` first"
        )
    scope = rule_scope(settings, conn, row[0])
    return replace(scope, schemas={**scope.schemas, "marts": PUBLIC_SCHEMA})


def audit(settings: Settings, url: str) -> AuditReport:
    """Every suite through the engine and through GX, on the same rows; Data Docs written."""
    suites = load_suites(settings.expectations_dir)
    with connect(url, autocommit=True) as conn:
        scope = audit_scope(settings, conn)
        started = time.perf_counter()
        engine_outcomes = run_suites(conn, suites, scope)
        engine_seconds = time.perf_counter() - started
    started = time.perf_counter()
    great_expectations = import_great_expectations()
    gx_import_seconds = time.perf_counter() - started
    docs_dir = new_audit_dir(settings) / DATA_DOCS
    started = time.perf_counter()
    context = great_expectations.get_context(mode="ephemeral")
    gx_outcomes = validate_with_gx(context, url, suites, scope)
    gx_seconds = time.perf_counter() - started
    index = build_data_docs(context, docs_dir)
    by_rule = {(outcome.suite, outcome.rule): outcome for outcome in engine_outcomes}
    audits = [
        SuiteAudit(suite, [_compared(suite, rule, by_rule, gx_outcomes) for rule in suite.rules])
        for suite in suites
    ]
    return AuditReport(scope.run_id, audits, index, engine_seconds, gx_import_seconds, gx_seconds)


def _compared(
    suite: Suite,
    rule: Rule,
    engine: dict[tuple[str, str], Outcome],
    gx: dict[tuple[str, str], GxOutcome],
) -> RuleAudit:
    return RuleAudit(engine[suite.name, rule.name], gx[suite.name, rule.name])


def import_great_expectations() -> Any:
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations

    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    return great_expectations


def new_audit_dir(settings: Settings) -> Path:
    """A directory of its own under the runs directory, named so the last sorts last."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = settings.run_dir / f"{AUDIT_PREFIX}{stamp}"
    path.mkdir(parents=True)
    return path


def last_data_docs(settings: Settings) -> Path | None:
    indexes = sorted(settings.run_dir.glob(f"{AUDIT_PREFIX}*/{DATA_DOCS}/index.html"))
    return indexes[-1] if indexes else None


def validate_with_gx(
    context: AbstractDataContext, url: str, suites: Iterable[Suite], scope: RunScope
) -> dict[tuple[str, str], GxOutcome]:
    """Each suite as a GX validation definition on its rows; every rule's outcome."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # The generic SQL data source: GX's Postgres one refuses a URL without a host (a socket),
    # and behaves the same otherwise (GX picks its Postgres dialect from the connection).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*a more specific PostgresDatasource")
        source = context.data_sources.add_sql(
            name="warehouse", connection_string=sqlalchemy_url(url)
        )
    outcomes: dict[tuple[str, str], GxOutcome] = {}
    for suite in suites:
        try:
            batch = _asset(source, suite, scope).add_batch_definition_whole_table(suite.name)
        except Exception as error:  # GX raises its own errors for a table it cannot reach
            outcomes |= {(suite.name, r.name): _gx_error(error) for r in suite.rules}
            continue
        expectations = [gx_expectation(rule, scope.schemas) for rule in suite.rules]
        gx_suite = context.suites.add(
            gx.ExpectationSuite(
                name=suite.name, expectations=expectations, meta=suite.document["meta"]
            )
        )
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=gx_suite)
        )
        result = definition.run(result_format="SUMMARY")
        for rule_result in result.results:
            rule = _rule_of(suite, rule_result)
            outcomes[suite.name, rule.name] = gx_outcome(rule, rule_result)
    return outcomes


def _asset(source: SQLDatasource, suite: Suite, scope: RunScope) -> Any:
    """The whole table, or the engine's own filter of the rows a night checks."""
    schema = scope.schemas[suite.layer]
    if suite.scope is Scope.ALL:
        with warnings.catch_warnings():
            # GX 1.x would rather have one data source per schema; one for all is what we mean.
            warnings.filterwarnings("ignore", "`schema_name` is deprecated", DeprecationWarning)
            return source.add_table_asset(
                name=suite.name, table_name=suite.table, schema_name=schema
            )
    return source.add_query_asset(name=suite.name, query=scoped_rows(suite, scope))


def gx_expectation(rule: Rule, schemas: dict[str, str]) -> dict[str, Any]:
    """A rule as GX reads it: layers and parameters filled in (GX fills ``{batch}``), GX's
    own severities, and the rule's name and danvan severity kept in ``meta``."""
    kwargs = dict(rule.kwargs)
    if rule.type == UNEXPECTED_ROWS:
        kwargs["unexpected_rows_query"] = resolve_layers(rule.query, schemas)
    return {
        "type": rule.type,
        "kwargs": kwargs,
        "severity": "warning" if rule.severity is Severity.WARN else "critical",
        "meta": {**rule.meta, "danvan": {"rule": rule.name, "severity": rule.severity.value}},
    }


def _rule_of(suite: Suite, result: ExpectationValidationResult) -> Rule:
    config = result.expectation_config
    assert config is not None
    name = (config.meta or {})["danvan"]["rule"]
    return next(rule for rule in suite.rules if rule.name == name)


def gx_outcome(rule: Rule, result: ExpectationValidationResult) -> GxOutcome:
    """GX's verdict and, except for row-count rules, how many rows failed."""
    if result.exception_info and result.exception_info.get("raised_exception"):
        message = str(result.exception_info.get("exception_message") or "error")
        return GxOutcome(success=False, unexpected_count=None, error=message.splitlines()[0])
    details = result.result or {}
    if rule.type in TABLE_TYPES:
        unexpected = None
    elif rule.type == UNEXPECTED_ROWS:
        unexpected = int(details["observed_value"])
    else:
        unexpected = int(details.get("unexpected_count") or 0)
    return GxOutcome(success=bool(result.success), unexpected_count=unexpected)


def _gx_error(error: Exception) -> GxOutcome:
    message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return GxOutcome(success=False, unexpected_count=None, error=message)


def sqlalchemy_url(url: str) -> str:
    """A libpq URL or key/value string as SQLAlchemy's psycopg (3) URL; a socket directory
    goes in the query, where libpq reads it."""
    from sqlalchemy.engine import URL

    parts = {key: str(value) for key, value in conninfo_to_dict(url).items()}
    host = parts.pop("host", None)
    port = parts.pop("port", None)
    if host is not None and host.startswith("/"):
        parts["host"] = host
        host = None
        if port is not None:
            parts["port"] = port
            port = None
    return URL.create(
        "postgresql+psycopg",
        username=parts.pop("user", None),
        password=parts.pop("password", None),
        host=host,
        port=int(port) if port is not None else None,
        database=parts.pop("dbname", None),
        query=parts,
    ).render_as_string(hide_password=False)


def build_data_docs(context: AbstractDataContext, docs_dir: Path) -> Path:
    """GX's Data Docs of the suites and their results, with no asset fetched from the web."""
    docs_dir.mkdir(parents=True, exist_ok=True)
    context.add_data_docs_site(
        site_name=DATA_DOCS_SITE,
        site_config={
            "class_name": "SiteBuilder",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir),
            },
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        },
    )
    context.build_data_docs(site_names=[DATA_DOCS_SITE])
    make_offline(docs_dir)
    return docs_dir / "index.html"
