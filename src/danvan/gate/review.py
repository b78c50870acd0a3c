"""What operators see and decide about submissions: list, show, release, reject, approve,
withdraw. Every decision is an event with the operator's name and reason, and takes
effect in the next nightly run (which rebuilds the units concerned)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg

from danvan.gate.admit import supersede_replaced
from danvan.gate.states import Reason, State, SubmissionKey, transition
from danvan.warehouse.db import PIPELINE_LOCK_ID

PROVINCE_2025_07 = """coalesce((
    select crosswalk.new_province_code from reference.ref_provinces_crosswalk as crosswalk
    where submission.map_version = '2025-01'
        and crosswalk.old_province_code = submission.province_code
), submission.province_code)"""


class ReviewError(RuntimeError):
    """A decision that cannot be taken, said plainly."""


@dataclass(frozen=True)
class SubmissionFilter:
    province: str | None = None
    unit: str | None = None
    period: str | None = None
    state: str | None = None
    file_id: int | None = None


@dataclass(frozen=True)
class SubmissionRow:
    key: SubmissionKey
    file_name: str
    reporting_unit_level: str
    province_code_2025_07: str | None
    state: str
    reason_en: str | None
    reason_vi: str | None
    changed_at: datetime
    changed_by: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_id": self.key.file_id,
            "reporting_unit_code": self.key.reporting_unit_code,
            "period_code": self.key.period_code,
            "submitted_on": self.key.submitted_on.isoformat(),
            "file_name": self.file_name,
            "reporting_unit_level": self.reporting_unit_level,
            "province_code_2025_07": self.province_code_2025_07,
            "state": self.state,
            "reason_vi": self.reason_vi,
            "reason_en": self.reason_en,
            "changed_at": self.changed_at.isoformat(),
            "changed_by": self.changed_by,
        }

    def render(self) -> str:
        key = self.key
        line = (
            f"{key.file_id:>6}  {key.reporting_unit_code:<12} {key.period_code:<9} "
            f"{key.submitted_on:%d/%m/%Y}  {self.state:<10} {self.province_code_2025_07 or '-':<3} "
            f"{self.file_name}"
        )
        if self.reason_vi:
            line += f"\n        {self.reason_vi}"
        return line


def list_submissions(
    conn: psycopg.Connection, where: SubmissionFilter, limit: int = 200
) -> list[SubmissionRow]:
    province = PROVINCE_2025_07 if _has_crosswalk(conn) else "submission.province_code"
    rows = conn.execute(
        f"""select * from (
                select states.file_id, states.reporting_unit_code, states.period_code,
                    states.submitted_on, file.file_name, submission.reporting_unit_level,
                    {province} as province_code_2025_07, states.state, states.reason_en,
                    states.reason_vi, states.changed_at, states.changed_by
                from audit.submission_states as states
                inner join raw.submissions as submission
                    using (file_id, reporting_unit_code, period_code, submitted_on)
                inner join raw.files as file on file.file_id = states.file_id
            ) as listed
            where (%(province)s::text is null or province_code_2025_07 = %(province)s)
                and (%(unit)s::text is null or reporting_unit_code = %(unit)s)
                and (%(period)s::text is null or period_code = %(period)s)
                and (%(state)s::text is null or state = %(state)s)
                and (%(file)s::bigint is null or file_id = %(file)s)
            order by changed_at desc, file_id desc
            limit %(limit)s""",
        {
            "province": where.province,
            "unit": where.unit,
            "period": where.period,
            "state": where.state,
            "file": where.file_id,
            "limit": limit,
        },
    ).fetchall()
    return [SubmissionRow(SubmissionKey(*row[:4]), *row[4:]) for row in rows]


def submission_history(conn: psycopg.Connection, key: SubmissionKey) -> list[dict[str, Any]]:
    cursor = conn.execute(
        """select happened_at, from_state, to_state, actor, reason_vi, reason_en, run_id
           from audit.submission_events
           where (file_id, reporting_unit_code, period_code, submitted_on) = (%s, %s, %s, %s)
           order by event_id""",
        list(key.as_tuple()),
    )
    names = [column.name for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def submission_holds(conn: psycopg.Connection, key: SubmissionKey) -> list[dict[str, Any]]:
    cursor = conn.execute(
        """select rule, sheet, row_number, column_name, value_text, reason_vi, reason_en
           from audit.holds
           where (file_id, reporting_unit_code, period_code, submitted_on) = (%s, %s, %s, %s)
               and run_id = (select run_id from audit.holds
                   where (file_id, reporting_unit_code, period_code, submitted_on)
                       = (%s, %s, %s, %s)
                   order by found_at desc limit 1)
           order by hold_id""",
        [*key.as_tuple(), *key.as_tuple()],
    )
    names = [column.name for column in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def decide(
    conn: psycopg.Connection,
    keys: list[SubmissionKey],
    decision: str,
    *,
    operator: str,
    reason: str,
) -> list[SubmissionKey]:
    """Release (approve despite a hold), reject, approve or withdraw; what changed."""
    targets = {
        "release": State.APPROVED,
        "approve": State.APPROVED,
        "reject": State.REJECTED,
        "withdraw": State.WITHDRAWN,
    }
    if decision not in targets:
        raise ReviewError(f"unknown decision {decision}")
    if not reason.strip():
        raise ReviewError("say why (--reason): it is kept with the decision")
    allowed = {
        "release": {State.HELD.value},
        "approve": {State.ACCEPTED.value},
        "reject": {State.HELD.value, State.ACCEPTED.value},
        "withdraw": None,
    }[decision]
    with conn.transaction():
        _take_pipeline_lock(conn)
        states = _states(conn, keys)
        unknown = [key for key in keys if key not in states]
        if unknown:
            raise ReviewError(f"no such submission: {_describe(unknown[0])}")
        if decision != "withdraw":  # a decision on a report covers every file it was sent in
            keys = _with_siblings(conn, keys, states)
            states = _states(conn, keys)
        wrong = [key for key in keys if allowed is not None and states[key] not in allowed]
        if wrong:
            raise ReviewError(
                f"{decision} applies to {' or '.join(sorted(allowed or []))} submissions; "
                f"{_describe(wrong[0])} is {states[wrong[0]]}"
            )
        words = {
            "release": ("released by an operator despite the hold", "người vận hành cho qua"),
            "approve": ("approved by an operator", "người vận hành đã duyệt"),
            "reject": ("rejected by an operator", "người vận hành từ chối"),
            "withdraw": ("withdrawn by an operator", "người vận hành đã rút"),
        }[decision]
        changed = transition(
            conn,
            keys,
            targets[decision],
            actor=operator,
            reason=Reason(f"{words[0]}: {reason}", f"{words[1]}: {reason}"),
        )
        if decision in ("release", "approve"):
            supersede_replaced(conn, None)
    return changed


def _states(conn: psycopg.Connection, keys: list[SubmissionKey]) -> dict[SubmissionKey, str]:
    rows = conn.execute(
        """select file_id, reporting_unit_code, period_code, submitted_on, state
           from audit.submission_states where file_id = any(%s)""",
        [sorted({key.file_id for key in keys})],
    ).fetchall()
    return {SubmissionKey(*row[:4]): row[4] for row in rows}


def _with_siblings(
    conn: psycopg.Connection, keys: list[SubmissionKey], states: dict[SubmissionKey, str]
) -> list[SubmissionKey]:
    """The named submissions and the other files' submissions of the same report version
    in the same state (a CSV export sends one file per section)."""
    rows = conn.execute(
        """select file_id, reporting_unit_code, period_code, submitted_on, state
           from audit.submission_states
           where (reporting_unit_code, period_code, submitted_on) in (
               select * from unnest(%s::text[], %s::text[], %s::date[]))""",
        [
            [key.reporting_unit_code for key in keys],
            [key.period_code for key in keys],
            [key.submitted_on for key in keys],
        ],
    ).fetchall()
    wanted = {
        (key.reporting_unit_code, key.period_code, key.submitted_on, states[key]) for key in keys
    }
    siblings = [SubmissionKey(*row[:4]) for row in rows if (*row[1:4], row[4]) in wanted]
    return list(dict.fromkeys([*keys, *siblings]))


def submissions_of_file(conn: psycopg.Connection, file_id: int) -> list[SubmissionKey]:
    rows = conn.execute(
        """select file_id, reporting_unit_code, period_code, submitted_on
           from audit.submission_states where file_id = %s""",
        [file_id],
    ).fetchall()
    if not rows:
        raise ReviewError(f"file {file_id} carries no landed submission")
    return [SubmissionKey(*row) for row in rows]


def parse_key(text: str) -> SubmissionKey:
    """``FILE:UNIT:PERIOD:DD/MM/YYYY`` (or an ISO date), as ``danvan review list`` prints."""
    parts = text.split(":")
    if len(parts) != 4:
        raise ReviewError(
            "a submission is FILE_ID:UNIT:PERIOD:DATE, e.g. 12:20194:2025-Q3:05/10/2025"
        )
    file_id, unit, period, sent = parts
    try:
        day = (
            datetime.strptime(sent, "%d/%m/%Y").date() if "/" in sent else date.fromisoformat(sent)
        )
        return SubmissionKey(int(file_id), unit, period, day)
    except ValueError as error:
        raise ReviewError(f"cannot read submission {text!r}: {error}") from error


def _describe(key: SubmissionKey) -> str:
    return f"{key.file_id}:{key.reporting_unit_code}:{key.period_code}:{key.submitted_on:%d/%m/%Y}"


def _take_pipeline_lock(conn: psycopg.Connection) -> None:
    """Decisions wait for no night: they apply to the next one, never halfway through one."""
    locked = conn.execute("select pg_try_advisory_xact_lock(%s)", [PIPELINE_LOCK_ID]).fetchone()
    if not locked or not locked[0]:
        raise ReviewError(
            "a nightly run is in progress; decide again when it has finished (danvan runs shows it)"
        )


def _has_crosswalk(conn: psycopg.Connection) -> bool:
    row = conn.execute("select to_regclass('reference.ref_provinces_crosswalk')").fetchone()
    return row is not None and row[0] is not None
