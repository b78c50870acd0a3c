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
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

from danvan.feedback.story import Delivery, deliveries_to_tell, record_delivery
from danvan.feedback.text import column_header, feedback_text
from danvan.feedback.workbook import Advice, gather, write_result
from danvan.ingest.inbox import FEEDBACK_SUFFIX, feedback_path
from danvan.ingest.reference_data import ReferenceData
from danvan.warehouse.db import connect

__all__ = [
    "FEEDBACK_SUFFIX",
    "Delivery",
    "column_header",
    "feedback_text",
    "record_delivery",
    "write_feedback_files",
]

# Fewer files are told in this process: a worker takes about a second to start, and a
# sender's workbook some 40 ms of openpyxl to copy and mark.
PARALLEL_FROM_FILES = 200


def write_feedback_files(url: str, run_id: uuid.UUID, seeds_dir: Path, workers: int = 1) -> int:
    """Rewrite the feedback (text and marked copy) of every file delivered in this run or
    whose reports changed state in it, on up to ``workers`` processes; how many files were
    told."""
    with connect(url) as conn:
        deliveries = [
            delivery
            for delivery in deliveries_to_tell(conn, run_id)
            if delivery.archived_path.parent.exists()
        ]
    if workers < 2 or len(deliveries) < PARALLEL_FROM_FILES:
        return tell(url, seeds_dir, deliveries)
    shares = [deliveries[worker::workers] for worker in range(workers)]
    # spawned, not forked: the caller may hold connections and threads (Prefect's)
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        return sum(pool.map(tell, repeat(url), repeat(seeds_dir), shares))


def tell(url: str, seeds_dir: Path, deliveries: list[Delivery]) -> int:
    """Write the feedback of these deliveries; how many."""
    advice = Advice(ReferenceData.from_seeds(seeds_dir))
    with connect(url) as conn:
        for delivery in deliveries:
            outcome = gather(conn, delivery, advice)
            result = write_result(outcome)
            text = feedback_text(conn, delivery, result, outcome.repeats)
            feedback_path(delivery.archived_path).write_text(text, encoding="utf-8")
    return len(deliveries)
