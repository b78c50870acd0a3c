"""The nightly gate: every landed submission is held or admitted, one sender at a time.

A rule that needs context (``hold_submission`` in expectations/) is checked on
the submissions the night evaluates; a submission that breaks one is held,
with the sheet, row, column and value, and what to fix, in Vietnamese and
English (audit.holds). Two files giving the same section of one report for the
same date are held together. Everything else is approved (or accepted, where
an operator must approve its level) and built into the marts, while held
submissions keep the report's earlier approved version in the marts. A held
submission that a later one of the same report replaces is superseded.
"""

from __future__ import annotations

import string
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg

from danvan.gate.states import (
    Reason,
    State,
    SubmissionKey,
    register_landed,
    transition,
    transition_each,
)
from danvan.ingest.format import SECTIONS_BY_NAME, SUBMISSION
from danvan.quality.engine import Outcome, RunScope, batch_query, json_safe, rule_query
from danvan.quality.suites import Rule, Severity, Suite
from danvan.warehouse.db import LARGE_BATCH, plan_as_batch

GATE_ACTOR = "nightly gate"
# How many cells each rule names per held submission (all its submissions are held).
FINDINGS_PER_SUBMISSION = 50
CONFLICT_RULE = "one file per report section and date"


@dataclass(frozen=True)
class Finding:
    """One reason a submission is held: the rule and the cell it points at."""

    key: SubmissionKey
    suite: str
    rule: str
    sheet: str | None
    row_number: int | None
    column_name: str | None
    column_header: str | None
    value_text: str | None
    reason: Reason


@dataclass
class GateReport:
    run_id: uuid.UUID
    evaluated: int = 0
    approved: int = 0
    awaiting_approval: int = 0
    superseded: int = 0
    held: list[SubmissionKey] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    held_by_province: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "evaluated": self.evaluated,
            "approved": self.approved,
            "awaiting_approval": self.awaiting_approval,
            "held": len(self.held),
            "superseded": self.superseded,
            "held_by_province": self.held_by_province,
        }


def admit(
    conn: psycopg.Connection,
    scope: RunScope,
    suites: Iterable[Suite],
    approval_levels: frozenset[str] = frozenset(),
) -> GateReport:
    """Evaluate every landed submission (in one transaction): held, or approved/accepted."""
    run_id = scope.run_id
    report = GateReport(run_id)
    with conn.transaction():
        register_landed(conn, run_id)
        report.evaluated = _mark_run_submissions(conn, run_id)
        # the hold rules join this run's submissions: plan them on its real size (a
        # national export's rules run in hours on a nested loop planned for a few rows)
        conn.execute("analyze audit.run_submissions")
        if report.evaluated >= LARGE_BATCH:
            plan_as_batch(conn, transaction_only=True)
        findings = _conflicts(conn, run_id)
        for suite in suites:
            for rule in suite.rules:
                if rule.severity is Severity.HOLD_SUBMISSION:
                    outcome, found = _check_hold_rule(conn, suite, rule, scope)
                    report.outcomes.append(outcome)
                    findings += found
        findings += _report_siblings(conn, run_id, findings)
        report.findings = findings
        held = {finding.key for finding in findings}
        _record_findings(conn, run_id, findings)
        report.held = transition(
            conn,
            held,
            State.HELD,
            actor=GATE_ACTOR,
            reason=_hold_reason(findings),
            run_id=run_id,
        )
        passed = [key for key in _run_submissions(conn, run_id) if key not in held]
        needs_approval = _levels(conn, passed, approval_levels)
        report.awaiting_approval = len(
            transition(
                conn,
                needs_approval,
                State.ACCEPTED,
                actor=GATE_ACTOR,
                reason=Reason(
                    "passed every rule; its level needs an operator's approval",
                    "đạt mọi quy tắc; cấp báo cáo này cần người vận hành duyệt",
                ),
                run_id=run_id,
            )
        )
        report.approved = len(
            transition(
                conn,
                [key for key in passed if key not in set(needs_approval)],
                State.APPROVED,
                actor=GATE_ACTOR,
                reason=Reason("passed every rule", "đạt mọi quy tắc kiểm tra"),
                run_id=run_id,
            )
        )
        report.superseded = len(supersede_replaced(conn, run_id))
        report.held_by_province = _held_by_province(conn, report.held)
    return report


def _mark_run_submissions(conn: psycopg.Connection, run_id: uuid.UUID) -> int:
    return conn.execute(
        """insert into audit.run_submissions
               (run_id, file_id, reporting_unit_code, period_code, submitted_on)
           select %s, file_id, reporting_unit_code, period_code, submitted_on
           from audit.submission_states where state = 'landed'
           on conflict do nothing""",
        [run_id],
    ).rowcount


def _run_submissions(conn: psycopg.Connection, run_id: uuid.UUID) -> list[SubmissionKey]:
    rows = conn.execute(
        """select file_id, reporting_unit_code, period_code, submitted_on
           from audit.run_submissions where run_id = %s""",
        [run_id],
    ).fetchall()
    return [SubmissionKey(*row) for row in rows]


def _conflicts(conn: psycopg.Connection, run_id: uuid.UUID) -> list[Finding]:
    """Two files giving the same section of one report for the same date: the newcomer is
    held (both are, when both are new), naming the other file."""
    rows = conn.execute(
        """with new as (  -- this run's submissions, then the other files of each report
               select states.file_id, states.reporting_unit_code, states.period_code,
                   states.submitted_on, file.sections
               from audit.run_submissions as run
               inner join audit.submission_states as states
                   on (states.file_id, states.reporting_unit_code, states.period_code,
                       states.submitted_on) = (run.file_id, run.reporting_unit_code,
                       run.period_code, run.submitted_on)
               inner join raw.files as file on file.file_id = states.file_id
               where run.run_id = %s
                   and states.state in ('landed', 'accepted', 'approved', 'published')
           )
           select new.file_id, new.reporting_unit_code, new.period_code, new.submitted_on,
               other_file.file_name, other.state, string_agg(distinct section, ', ')
           from new
           inner join audit.submission_states as other
               on other.reporting_unit_code = new.reporting_unit_code
               and other.period_code = new.period_code
               and other.submitted_on = new.submitted_on
               and other.file_id <> new.file_id
               and other.state in ('landed', 'accepted', 'approved', 'published')
           inner join raw.files as other_file on other_file.file_id = other.file_id
           cross join lateral unnest(new.sections) as section
           where section <> 'submission' and section = any(other_file.sections)
           group by new.file_id, new.reporting_unit_code, new.period_code, new.submitted_on,
               other_file.file_name, other.state""",
        [run_id],
    ).fetchall()
    findings = []
    for file_id, unit, period, submitted_on, other_file, other_state, sections in rows:
        key = SubmissionKey(file_id, unit, period, submitted_on)
        sent = f"{submitted_on:%d/%m/%Y}"
        findings.append(
            Finding(
                key,
                "gate",
                CONFLICT_RULE,
                None,
                None,
                "submitted_on",
                SUBMISSION.column("submitted_on").header_vi,
                sent,
                Reason(
                    f"file '{other_file}' ({other_state}) gives the same report ({unit}, "
                    f"{period}, sent {sent}) with different content ({sections}); re-send "
                    "the correct one with a later date sent, or ask the operator to withdraw "
                    "the wrong file",
                    f"tệp '{other_file}' cũng gửi báo cáo này ({unit}, kỳ {period}, ngày gửi "
                    f"{sent}) với nội dung khác ({sections}); hãy gửi lại bản đúng với ngày "
                    "gửi mới hơn, hoặc đề nghị quản trị viên rút tệp sai",
                ),
            )
        )
    return findings


def _report_siblings(
    conn: psycopg.Connection, run_id: uuid.UUID, findings: list[Finding]
) -> list[Finding]:
    """A report sent as several files (CSV exports send one per section) is held whole:
    the other files' submissions of the same unit, period and date are held with it."""
    held = {finding.key for finding in findings}
    first: dict[tuple[str, str, date], Finding] = {}
    for finding in findings:
        first.setdefault(_version(finding.key), finding)
    siblings = []
    for key in _run_submissions(conn, run_id):
        cause = first.get(_version(key))
        if cause is not None and key not in held:
            siblings.append(
                Finding(
                    key,
                    cause.suite,
                    cause.rule,
                    cause.sheet,
                    cause.row_number,
                    cause.column_name,
                    cause.column_header,
                    cause.value_text,
                    Reason(
                        f"held with the rest of this report (file {cause.key.file_id}): "
                        f"{cause.reason.en}",
                        f"tạm giữ cùng phần còn lại của báo cáo (tệp {cause.key.file_id}): "
                        f"{cause.reason.vi}",
                    ),
                )
            )
            held.add(key)
    return siblings


def _version(key: SubmissionKey) -> tuple[str, str, date]:
    """A report version: one unit's report for one period as sent on one date."""
    return (key.reporting_unit_code, key.period_code, key.submitted_on)


def _check_hold_rule(
    conn: psycopg.Connection, suite: Suite, rule: Rule, scope: RunScope
) -> tuple[Outcome, list[Finding]]:
    query = rule_query(rule, batch_query(suite, scope), scope.schemas)
    cursor = conn.execute(
        f"""select *, row_number() over (
                partition by file_id, reporting_unit_code, period_code, submitted_on
            ) as finding_rank
            from ({query}) as failing"""
    )
    names = [column.name for column in cursor.description or []]
    findings: list[Finding] = []
    failing_rows: list[dict[str, Any]] = []
    count = 0
    for values in cursor:
        count += 1
        *cells, rank = values  # finding_rank comes last
        row = dict(zip(names[:-1], map(json_safe, cells), strict=True))
        if rank <= FINDINGS_PER_SUBMISSION:
            findings.append(_finding(suite, rule, row))
            failing_rows.append(row)
    outcome = Outcome(
        suite=suite.name,
        rule=rule.name,
        table_name=suite.table_name,
        column_name=rule.meta["column"],
        severity=rule.severity,
        success=count == 0,
        element_count=None,
        unexpected_count=count,
        description=rule.why,
        failing_rows=failing_rows[:200],
    )
    return outcome, findings


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def _finding(suite: Suite, rule: Rule, row: dict[str, Any]) -> Finding:
    column = rule.meta["column"]
    value = row.get(rule.meta.get("value_from", column))
    values = _Blank({name: "" if v is None else v for name, v in row.items()})
    formatter = string.Formatter()
    return Finding(
        key=SubmissionKey(
            int(row["file_id"]),
            str(row["reporting_unit_code"]),
            str(row["period_code"]),
            _date(row["submitted_on"]),
        ),
        suite=suite.name,
        rule=rule.name,
        sheet=row.get("source_sheet"),
        row_number=row.get("source_row"),
        column_name=column,
        column_header=section_header(rule.meta["section"], column),
        value_text=None if value is None else str(value),
        reason=Reason(
            formatter.vformat(rule.meta["tell_en"], (), values),
            formatter.vformat(rule.meta["tell_vi"], (), values),
        ),
    )


def _date(value: object) -> date:
    """Rows come back JSON-safe: dates as ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _record_findings(conn: psycopg.Connection, run_id: uuid.UUID, findings: list[Finding]) -> None:
    with conn.cursor().copy(
        """copy audit.holds (file_id, reporting_unit_code, period_code, submitted_on, run_id,
               suite, rule, sheet, row_number, column_name, column_header, value_text,
               reason_en, reason_vi)
           from stdin"""
    ) as copy:
        for finding in findings:
            copy.write_row(
                (
                    *finding.key.as_tuple(),
                    run_id,
                    finding.suite,
                    finding.rule,
                    finding.sheet,
                    finding.row_number,
                    finding.column_name,
                    finding.column_header,
                    finding.value_text,
                    finding.reason.en,
                    finding.reason.vi,
                )
            )


def _hold_reason(findings: list[Finding]) -> Reason:
    rules = Counter(finding.rule for finding in findings)
    listed = "; ".join(f"{rule} ({count})" for rule, count in rules.most_common())
    return Reason(f"held: {listed}", f"tạm giữ: {listed}")


def _levels(
    conn: psycopg.Connection, keys: list[SubmissionKey], levels: frozenset[str]
) -> list[SubmissionKey]:
    """The submissions whose reporting unit's level needs an operator's approval."""
    if not levels or not keys:
        return []
    rows = conn.execute(
        """select file_id, reporting_unit_code, period_code, submitted_on
           from raw.submissions where reporting_unit_level = any(%s)""",
        [sorted(levels)],
    ).fetchall()
    wanted = {SubmissionKey(*row) for row in rows}
    return [key for key in keys if key in wanted]


def supersede_replaced(conn: psycopg.Connection, run_id: uuid.UUID | None) -> list[SubmissionKey]:
    """Held submissions whose every section a later admitted submission of the same report
    replaces: the sender corrected them."""
    rows = conn.execute(
        """select held.file_id, held.reporting_unit_code, held.period_code, held.submitted_on,
               min(newer.file_id)
           from audit.submission_states as held
           inner join raw.files as held_file on held_file.file_id = held.file_id
           cross join lateral unnest(held_file.sections) as section
           inner join audit.submission_states as newer
               on newer.reporting_unit_code = held.reporting_unit_code
               and newer.period_code = held.period_code
               and newer.state in ('approved', 'published')
           inner join raw.files as newer_file on newer_file.file_id = newer.file_id
           where held.state = 'held'
               and section <> 'submission'
               and section = any(newer_file.sections)
               and (newer.submitted_on, newer_file.loaded_at)
                   > (held.submitted_on, held_file.loaded_at)
           group by held.file_id, held.reporting_unit_code, held.period_code, held.submitted_on,
               held_file.sections
           having count(distinct section)
               = cardinality(array_remove(held_file.sections, 'submission'))"""
    ).fetchall()
    return transition_each(
        conn,
        [
            (
                SubmissionKey(file_id, unit, period, submitted_on),
                Reason(
                    f"replaced by a later submission of the same report (file {newer_file_id})",
                    f"đã được thay bằng báo cáo gửi sau của cùng kỳ (tệp {newer_file_id})",
                ),
            )
            for file_id, unit, period, submitted_on, newer_file_id in rows
        ],
        State.SUPERSEDED,
        actor=GATE_ACTOR,
        run_id=run_id,
    )


def _held_by_province(conn: psycopg.Connection, held: list[SubmissionKey]) -> dict[str, int]:
    """Held submissions by province of today's map (old provinces merged whole)."""
    if not held:
        return {}
    crosswalk = conn.execute("select to_regclass('reference.ref_provinces_crosswalk')").fetchone()
    files = sorted({key.file_id for key in held})
    if crosswalk is None or crosswalk[0] is None:
        query = """select file_id, reporting_unit_code, period_code, submitted_on, province_code
                   from raw.submissions where file_id = any(%s)"""
    else:
        query = """select submission.file_id, submission.reporting_unit_code,
                       submission.period_code, submission.submitted_on,
                       coalesce(crosswalk.new_province_code, submission.province_code)
                   from raw.submissions as submission
                   left join reference.ref_provinces_crosswalk as crosswalk
                       on submission.map_version = '2025-01'
                       and crosswalk.old_province_code = submission.province_code
                   where submission.file_id = any(%s)"""
    provinces = {
        SubmissionKey(*row[:4]): row[4] or "?" for row in conn.execute(query, [files]).fetchall()
    }
    return dict(Counter(provinces.get(key, "?") for key in held).most_common())


def section_header(section: str, column: str) -> str:
    """The column's header in the Vietnamese form senders fill in."""
    return SECTIONS_BY_NAME[section].column(column).header_vi
