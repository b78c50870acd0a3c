"""Work done beside a task (the senders told while the marts build): the night goes on only
once both have ended, and neither one's failure is lost."""

from __future__ import annotations

import time

import pytest
from flows.nightly import beside
from prefect import flow, task


@task
def fail_to_tell() -> None:
    raise OSError("no space left on the archive's disk")


@task
def tell_slowly(told: list[str]) -> None:
    time.sleep(0.5)
    told.append("told")


def test_the_task_s_failure_stops_the_night_after_the_work(prefect_api):
    steps: list[str] = []

    @flow
    def night() -> None:
        # GIVEN a task that fails, beside work that succeeds
        with beside(fail_to_tell.submit()):
            steps.append("built")
        steps.append("published")

    # WHEN the night runs, THEN the work was done and the failure stopped what follows it
    with pytest.raises(OSError, match="no space left"):
        night()
    assert steps == ["built"]


def test_the_work_s_failure_is_raised_once_the_task_has_ended(prefect_api):
    told: list[str] = []

    @flow
    def night() -> None:
        # GIVEN work that fails beside a task still running
        with beside(tell_slowly.submit(told)):
            raise RuntimeError("dbt failed")

    # WHEN the night runs, THEN the work's failure is the night's, after the task ended
    with pytest.raises(RuntimeError, match="dbt failed"):
        night()
    assert told == ["told"]
