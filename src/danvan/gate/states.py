"""Submission states and their transitions, each recorded as an event (who, when, why).

A submission is one report as one file carries it: (file_id, reporting unit,
period, date sent). received → landed → held | accepted → approved →
published; an operator may release (approve despite a hold), reject, approve
or withdraw; a held submission replaced by a later one is superseded.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import psycopg
from psycopg import sql


class State(StrEnum):
    LANDED = "landed"
    HELD = "held"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


# The states the marts are built from.
ADMITTED = (State.APPROVED, State.PUBLISHED)
# Where each state may be reached from.
REACHABLE_FROM: dict[State, tuple[State, ...]] = {
    State.HELD: (State.LANDED,),
    State.ACCEPTED: (State.LANDED, State.HELD),
    State.APPROVED: (State.LANDED, State.HELD, State.ACCEPTED),
    State.PUBLISHED: (State.APPROVED,),
    State.SUPERSEDED: (State.HELD,),
    State.REJECTED: (State.HELD, State.ACCEPTED),
    State.WITHDRAWN: (
        State.LANDED,
        State.HELD,
        State.ACCEPTED,
        State.APPROVED,
        State.PUBLISHED,
        State.SUPERSEDED,
        State.REJECTED,
    ),
}


@dataclass(frozen=True)
class SubmissionKey:
    file_id: int
    reporting_unit_code: str
    period_code: str
    submitted_on: date

    def as_tuple(self) -> tuple[int, str, str, date]:
        return (self.file_id, self.reporting_unit_code, self.period_code, self.submitted_on)


@dataclass(frozen=True)
class Reason:
    en: str
    vi: str


def register_landed(conn: psycopg.Connection, run_id: uuid.UUID | None) -> int:
    """Every landed submission without a state becomes ``landed``; how many were new.

    A file's submissions land in one transaction and are registered in one statement,
    so only files none of whose submissions has a state are read (not every submission
    ever landed, each night)."""
    changed = conn.execute(
        """with new as (
               insert into audit.submission_states
                   (file_id, reporting_unit_code, period_code, submitted_on, state, changed_by)
               select submission.file_id, submission.reporting_unit_code, submission.period_code,
                   submission.submitted_on, 'landed', 'ingest'
               from raw.files as file
               inner join raw.submissions as submission on submission.file_id = file.file_id
               where file.status = 'loaded'
                   and not exists (
                       select 1 from audit.submission_states as known
                       where known.file_id = file.file_id)
               on conflict do nothing
               returning file_id, reporting_unit_code, period_code, submitted_on
           )
           insert into audit.submission_events
               (file_id, reporting_unit_code, period_code, submitted_on, from_state, to_state,
                actor, run_id)
           select file_id, reporting_unit_code, period_code, submitted_on, null, 'landed',
               'ingest', %s
           from new""",
        [run_id],
    )
    return changed.rowcount


def transition(
    conn: psycopg.Connection,
    keys: Iterable[SubmissionKey],
    to_state: State,
    *,
    actor: str,
    reason: Reason | None = None,
    run_id: uuid.UUID | None = None,
) -> list[SubmissionKey]:
    """Move the submissions that may reach ``to_state`` there, all for one reason; the
    ones that moved."""
    return transition_each(
        conn, ((key, reason) for key in keys), to_state, actor=actor, run_id=run_id
    )


def transition_each(
    conn: psycopg.Connection,
    moves: Iterable[tuple[SubmissionKey, Reason | None]],
    to_state: State,
    *,
    actor: str,
    run_id: uuid.UUID | None = None,
) -> list[SubmissionKey]:
    """Move the submissions that may reach ``to_state`` there, each for its own reason, in
    one statement; the ones that moved."""
    rows = [
        (*key.as_tuple(), reason.en if reason else None, reason.vi if reason else None)
        for key, reason in moves
    ]
    if not rows:
        return []
    conn.execute(
        """create temporary table if not exists transition_keys (
               file_id bigint, reporting_unit_code text, period_code text, submitted_on date,
               reason_en text, reason_vi text
           ) on commit drop"""
    )
    conn.execute("truncate transition_keys")
    with conn.cursor().copy(
        """copy transition_keys
               (file_id, reporting_unit_code, period_code, submitted_on, reason_en, reason_vi)
           from stdin"""
    ) as copy:
        for row in rows:
            copy.write_row(row)
    # Planned on its real size: unanalysed, a few keys read every state there is.
    conn.execute("analyze transition_keys")
    moved = conn.execute(
        sql.SQL(
            """with targets as (
                   select states.file_id, states.reporting_unit_code, states.period_code,
                       states.submitted_on, states.state as from_state, keys.reason_en,
                       keys.reason_vi
                   from audit.submission_states as states
                   inner join transition_keys as keys
                       using (file_id, reporting_unit_code, period_code, submitted_on)
                   where states.state = any(%(from_states)s)
                   for update of states
               ),
               changed as (
                   update audit.submission_states as states
                   set state = %(to_state)s, reason_en = targets.reason_en,
                       reason_vi = targets.reason_vi, changed_at = clock_timestamp(),
                       changed_by = %(actor)s
                   from targets
                   where (states.file_id, states.reporting_unit_code, states.period_code,
                          states.submitted_on)
                       = (targets.file_id, targets.reporting_unit_code, targets.period_code,
                          targets.submitted_on)
                   returning states.file_id, states.reporting_unit_code, states.period_code,
                       states.submitted_on, targets.from_state, targets.reason_en,
                       targets.reason_vi
               ),
               recorded as (
                   insert into audit.submission_events
                       (file_id, reporting_unit_code, period_code, submitted_on, from_state,
                        to_state, reason_en, reason_vi, actor, run_id)
                   select file_id, reporting_unit_code, period_code, submitted_on, from_state,
                       %(to_state)s, reason_en, reason_vi, %(actor)s, %(run_id)s
                   from changed
               )
               select file_id, reporting_unit_code, period_code, submitted_on from changed"""
        ),
        {
            "from_states": [state.value for state in REACHABLE_FROM[to_state]],
            "to_state": to_state.value,
            "actor": actor,
            "run_id": run_id,
        },
    ).fetchall()
    return [SubmissionKey(*row) for row in moved]
