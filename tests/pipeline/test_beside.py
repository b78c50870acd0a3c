"""Work done beside a task (the senders told while the marts build and are published):
neither one's failure is lost, and a failing night still waits for the task."""

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


def test_the_task_s_failure_is_raised_where_the_night_collects_it(prefect_api):
    steps: list[str] = []

    @flow
    def night() -> None:
        # GIVEN a task that fails, beside work that succeeds
        told = fail_to_tell.submit()
        with beside(told):
            steps.append("built")
        steps.append("published")
        told.result()
        steps.append("reported")

    # WHEN the night runs, THEN the work was done, and the failure stopped the night where
    # it collected the task's result
    with pytest.raises(OSError, match="no space left"):
        night()
    assert steps == ["built", "published"]


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
