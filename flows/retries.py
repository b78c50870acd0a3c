"""Retry policy shared by the flows: tasks retry on I/O failures only, never on bad data or bugs."""

from __future__ import annotations

import psycopg


def is_io_error(task, task_run, state) -> bool:
    try:
        state.result()
    except (psycopg.OperationalError, OSError):
        return True
    except Exception:
        return False
    return False
