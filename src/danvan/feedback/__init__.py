"""What each sender is told about each file, Vietnamese first, from what the warehouse recorded.

The feedback beside an archived file is written from the database — the file's
status, its quarantined rows, and each report it carries with its state and,
when held, every rule it broke with the sheet, row, column and value — never
from what one process remembered. So a file landed just before a crash, and
skipped as already received the next night, still gets its whole story; and a
file whose report is released or published later gets its feedback rewritten.
Two forms are written: the text (``text``) and the sender's own workbook with
each problem cell marked, or a CSV of the same for CSV and JSON senders
(``workbook``); ``story`` reads what they say from the warehouse.
"""

from __future__ import annotations

import uuid

import psycopg

from danvan.feedback.story import Delivery, deliveries_to_tell, record_delivery
from danvan.feedback.text import column_header, feedback_text
from danvan.feedback.workbook import Advice, gather, write_result
from danvan.ingest.inbox import FEEDBACK_SUFFIX, feedback_path
from danvan.ingest.reference_data import ReferenceData

__all__ = [
    "FEEDBACK_SUFFIX",
    "Delivery",
    "column_header",
    "feedback_text",
    "record_delivery",
    "write_feedback_files",
]


def write_feedback_files(
    conn: psycopg.Connection, run_id: uuid.UUID, reference: ReferenceData
) -> int:
    """Rewrite the feedback (text and marked copy) of every file delivered in this run or
    whose reports changed state in it; how many files were told."""
    advice = Advice(reference)
    written = 0
    for delivery in deliveries_to_tell(conn, run_id):
        if not delivery.archived_path.parent.exists():
            continue
        outcome = gather(conn, delivery, advice)
        result = write_result(outcome)
        text = feedback_text(conn, delivery, result, outcome.repeats)
        feedback_path(delivery.archived_path).write_text(text, encoding="utf-8")
        written += 1
    return written
