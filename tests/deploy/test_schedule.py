"""The nightly as a service: the local Prefect server, `danvan schedule`, a run through the API."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest
from flows.nightly import NIGHTLY_CRON, NIGHTLY_DEPLOYMENT, NIGHTLY_TIMEZONE

from danvan.prefect_server import PrefectServer
from tests.homes import DANVAN, Home

pytestmark = [pytest.mark.database, pytest.mark.e2e]

# Bounds against a hung service, not speed targets.
SERVICE_DEADLINE_SECONDS = 600
RUN_DEADLINE_SECONDS = 1200
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
RETRYABLE = {429, 503}  # what Prefect's client retries
API_ATTEMPTS = 5


def api(base: str, method: str, path: str, body: dict | None = None) -> dict | None:
    """One call to the Prefect REST API; None when the object does not exist. Answers the
    server marks as retryable (429, 503: its SQLite database briefly locked under load)
    are retried, as Prefect's own client does."""
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json"},
    )
    for attempt in range(1, API_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if error.code not in RETRYABLE or attempt == API_ATTEMPTS:
                raise
        time.sleep(2 * attempt)
    raise AssertionError("unreachable")


def wait_for(what: str, probe, deadline_seconds: float, serving: subprocess.Popen, log: Path):
    deadline = time.monotonic() + deadline_seconds
    while (found := probe()) is None:
        if serving.poll() is not None:
            pytest.fail(f"danvan schedule exited ({serving.returncode}):\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {deadline_seconds} s:\n{log.read_text()}")
        time.sleep(2)
    return found


def test_a_served_night_triggered_through_the_api_publishes(tmp_path, warehouse_url):
    # GIVEN a home with the demo submissions, a warehouse with every model built, and the
    # home's Prefect server started
    home = Home.create(tmp_path / "danvan", database_url=warehouse_url)
    home.run("demo")
    started = home.run("server", "start").stdout
    api_url = f"http://127.0.0.1:{home.env['DANVAN_PREFECT_PORT']}/api"
    assert f"UI {api_url.removesuffix('/api')}" in started
    log = tmp_path / "schedule.log"
    try:
        with log.open("w") as output:
            serving = subprocess.Popen(
                [DANVAN, "schedule"],
                env=home.env,
                cwd=tmp_path,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                # Ctrl-C stops it, as in a terminal, even when the tests themselves run in
                # the background of a shell, which starts them with SIGINT ignored.
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
        try:
            # WHEN the deployment is served, and a run of it is created through the API
            deployment = wait_for(
                "deployment",
                lambda: api(
                    api_url, "GET", f"/deployments/name/danvan-nightly/{NIGHTLY_DEPLOYMENT}"
                ),
                SERVICE_DEADLINE_SECONDS,
                serving,
                log,
            )
            run = api(api_url, "POST", f"/deployments/{deployment['id']}/create_flow_run", {})
            final = wait_for(
                "final state",
                lambda: (
                    state
                    if (state := api(api_url, "GET", f"/flow_runs/{run['id']}")["state"]["type"])
                    in FINAL_STATES
                    else None
                ),
                RUN_DEADLINE_SECONDS,
                serving,
                log,
            )
            # THEN the run completed, on the served schedule, and the marts are published
            assert final == "COMPLETED", log.read_text()
            [schedule] = deployment["schedules"]
            assert schedule["schedule"]["cron"] == NIGHTLY_CRON == "0 2 * * *"
            assert schedule["schedule"]["timezone"] == NIGHTLY_TIMEZONE == "Asia/Ho_Chi_Minh"
            with psycopg.connect(warehouse_url) as conn:
                published = conn.execute("select count(*) from marts.fct_indicator_values")
                assert published.fetchone()[0] > 0
        finally:
            os.killpg(serving.pid, signal.SIGINT)
            serving.wait(timeout=180)  # a loaded machine stops Prefect slowly
    finally:
        server_pid = PrefectServer(home.path / "prefect", 0).status().pid
        home.run("server", "stop", check=False)
    # AND the server and every process it started are gone
    assert server_pid is not None
    with pytest.raises(ProcessLookupError):
        os.killpg(server_pid, 0)
    assert "stopped" in home.run("server", "status", check=False).stdout


def test_the_server_never_stops_a_process_that_is_not_it(tmp_path):
    # GIVEN a state file naming a live process that is not a Prefect server (a reused pid)
    prefect_home = tmp_path / "prefect"
    prefect_home.mkdir()
    (prefect_home / "server.json").write_text(json.dumps({"pid": os.getpid(), "port": 1}))
    server = PrefectServer(prefect_home, 1)
    # WHEN its status is asked and it is stopped
    # THEN it is reported stopped, and this process (the pid) is still alive
    assert not server.status().running
    assert not server.stop().running
    os.kill(os.getpid(), 0)
    assert not (prefect_home / "server.json").exists()
