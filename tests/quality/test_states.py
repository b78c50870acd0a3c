"""Submission states: a transition moves only what may move, each with its own reason."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest

from danvan.gate.states import Reason, State, SubmissionKey, transition, transition_each
from danvan.warehouse.db import bootstrap

pytestmark = pytest.mark.database

HELD_FIRST = SubmissionKey(1, "20362", "2024", date(2025, 1, 10))
HELD_SECOND = SubmissionKey(2, "374", "2024", date(2025, 1, 12))
PUBLISHED = SubmissionKey(3, "374", "2023", date(2024, 1, 9))


@pytest.fixture
def conn(database_url: str):
    bootstrap(database_url)
    with psycopg.connect(database_url) as conn:
        conn.cursor().executemany(
            """insert into audit.submission_states
                   (file_id, reporting_unit_code, period_code, submitted_on, state, changed_by)
               values (%s, %s, %s, %s, %s, 'test')""",
            [
                (*HELD_FIRST.as_tuple(), "held"),
                (*HELD_SECOND.as_tuple(), "held"),
                (*PUBLISHED.as_tuple(), "published"),
            ],
        )
        yield conn


def states_and_reasons(conn: psycopg.Connection) -> list[tuple]:
    return conn.execute(
        "select file_id, state, reason_en from audit.submission_states order by file_id"
    ).fetchall()


def test_each_submission_moves_with_its_own_reason_in_one_statement(conn):
    # GIVEN two held submissions replaced by different files, and a published one
    moves = [
        (HELD_FIRST, Reason("replaced by file 7", "đã được thay bằng tệp 7")),
        (HELD_SECOND, Reason("replaced by file 8", "đã được thay bằng tệp 8")),
        (PUBLISHED, Reason("replaced by file 9", "đã được thay bằng tệp 9")),
    ]
    # WHEN they are superseded together
    moved = transition_each(conn, moves, State.SUPERSEDED, actor="nightly gate")
    # THEN the held ones moved, each with its reason, and the published one did not
    assert sorted(moved, key=lambda key: key.file_id) == [HELD_FIRST, HELD_SECOND]
    assert states_and_reasons(conn) == [
        (1, "superseded", "replaced by file 7"),
        (2, "superseded", "replaced by file 8"),
        (3, "published", None),
    ]
    # AND each move is an event with the same reason, in both languages
    assert conn.execute(
        """select file_id, from_state, to_state, reason_vi from audit.submission_events
           order by file_id"""
    ).fetchall() == [
        (1, "held", "superseded", "đã được thay bằng tệp 7"),
        (2, "held", "superseded", "đã được thay bằng tệp 8"),
    ]


def test_a_transition_gives_every_submission_one_reason(conn):
    # WHEN an operator releases both held submissions
    moved = transition(
        conn,
        [HELD_FIRST, HELD_SECOND],
        State.APPROVED,
        actor="operator",
        reason=Reason("released", "cho qua"),
    )
    # THEN both are approved for that reason
    assert len(moved) == 2
    assert states_and_reasons(conn)[:2] == [
        (1, "approved", "released"),
        (2, "approved", "released"),
    ]
