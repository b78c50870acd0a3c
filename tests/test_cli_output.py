"""What an operator sees of a night on the terminal, and what scripts read: the real
`danvan` command on a real warehouse with the bundled samples."""

from __future__ import annotations

import json
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from click.testing import CliRunner

from danvan.cli import main
from danvan.ingest.format.writers import write_json
from danvan.ingest.inbox import feedback_path, result_path
from danvan.pipeline import NightlySummary
from danvan.settings import Settings
from danvan.synthetic.samples import copy_samples
from tests.processes import DANVAN, danvan_environment
from tests.quality.test_gate import hoa_lu_2024

pytestmark = [pytest.mark.database, pytest.mark.e2e]

RAW_ROWS_RULE = "every row a loaded file counted is in raw"


@dataclass(frozen=True)
class Finished:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return (self.stdout + self.stderr).splitlines()


def danvan(settings: Settings, *arguments: str, prefect_api_url: str | None = None) -> Finished:
    """`danvan …` as an operator runs it: its own process, with its own temporary Prefect
    server unless an API is given."""
    done = subprocess.run(
        [str(DANVAN), *arguments],
        env=danvan_environment(settings, prefect_api_url),
        capture_output=True,
        text=True,
        timeout=900,
    )
    return Finished(done.returncode, done.stdout, done.stderr)


def danvan_here(settings: Settings, *arguments: str, database_url: str | None = None) -> Finished:
    """`danvan …` in this process (the session's Prefect API): quicker, for what only reads."""
    environment = {
        "DANVAN_HOME": str(settings.home_dir),
        "DANVAN_DATABASE_URL": database_url or str(settings.database_url),
    }
    result = CliRunner().invoke(main, list(arguments), env=environment)
    return Finished(result.exit_code, result.stdout, result.stderr)


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = (parts.username or "danvan").split(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


@pytest.fixture(scope="module")
def sample_night(module_warehouse: Settings) -> Finished:
    copy_samples(module_warehouse.inbox_dir)
    return danvan(module_warehouse, "nightly")


@pytest.fixture(scope="module")
def blocked_night(
    sample_night: Finished, module_warehouse: Settings, prefect_api_url: str
) -> Finished:
    """A night whose systemic check fails: a raw table emptied behind the pipeline's back
    (recorded by the session's Prefect API: the sample night started a server already)."""
    url = str(module_warehouse.database_url)
    with psycopg.connect(url) as conn:
        conn.execute("create table public.kept as select * from raw.unit_activities")
        conn.execute("delete from raw.unit_activities")
    write_json(
        hoa_lu_2024("25/01/2025", petitions_resolved=380),
        module_warehouse.inbox_dir / "hoa-lu_2024.json",
    )
    try:
        return danvan(module_warehouse, "nightly", prefect_api_url=prefect_api_url)
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("insert into raw.unit_activities select * from public.kept")
            conn.execute("drop table public.kept")


def log_file_named_in(output: Finished) -> Path:
    (line,) = [line for line in output.lines if line.startswith("log: ")]
    return Path(line.removeprefix("log: "))


def test_a_night_prints_a_line_per_stage_and_logs_the_detail(sample_night):
    # GIVEN the bundled samples in the inbox WHEN `danvan nightly` runs (fixture)
    # THEN it published, in a few lines, one per stage, with no Prefect or dbt chatter
    assert sample_night.exit_code in (0, 3), sample_night.lines
    assert len(sample_night.lines) <= 40, "\n".join(sample_night.lines)
    for stage in ("ingest: 25 files landed", "submissions: ", "build: ", "checks: ", "publish: "):
        assert any(line.startswith(stage) for line in sample_night.lines), sample_night.lines
    assert any("PUBLISHED" in line for line in sample_night.lines)
    assert not any("| INFO" in line or "Task run" in line for line in sample_night.lines)
    # AND the log file it names holds what Prefect and dbt said
    log = log_file_named_in(sample_night).read_text(encoding="utf-8")
    assert "Completed successfully" in log and "PASS=" in log  # dbt's own summary line
    assert "Finished in state Completed" in log  # Prefect's


def test_a_blocked_night_says_why_in_a_few_lines_and_exits_1(blocked_night):
    # GIVEN a night whose systemic check fails (fixture)
    # THEN it exits 1, says it published nothing, which rule blocked it, what to do and
    # where the log is, in a few lines and with no traceback
    assert blocked_night.exit_code == 1, blocked_night.lines
    assert len(blocked_night.lines) <= 25, "\n".join(blocked_night.lines)
    text = "\n".join(blocked_night.lines)
    assert "Traceback" not in text
    assert "BLOCKED" in text and RAW_ROWS_RULE in text
    assert "danvan quality" in text
    assert log_file_named_in(blocked_night).exists()


def test_quality_and_status_exit_1_after_a_blocked_night(blocked_night, module_warehouse):
    # GIVEN the blocked night (fixture) WHEN the last checks are asked as JSON
    quality = danvan_here(module_warehouse, "quality", "--json")
    # THEN the JSON says the validation failed, and the command exits 1
    assert quality.exit_code == 1
    assert json.loads(quality.stdout)["success"] is False
    # AND the status says the warehouse is reachable and the last night was blocked
    status = danvan_here(module_warehouse, "status", "--json")
    assert status.exit_code == 1
    document = json.loads(status.stdout)
    assert document["reachable"] is True
    assert document["last_run"]["status"] == "blocked"
    assert document["last_publication"]["publication_id"] == 2


def test_runs_lists_every_night_with_its_counts(sample_night, blocked_night, module_warehouse):
    # GIVEN the sample night and the blocked one WHEN the nights are listed as JSON
    listed = danvan_here(module_warehouse, "runs", "--json")
    # THEN both are there, newest first, with their state, counts, publication and log
    assert listed.exit_code == 0, listed.stderr
    nights = json.loads(listed.stdout)
    blocked, published = nights[0], nights[1]
    assert blocked["status"] == "blocked" and blocked["publication_id"] is None
    assert blocked["files"] == 1
    assert published["status"] == "published" and published["publication_id"] == 2
    assert published["files"] == 25 and published["rows_loaded"] > 40
    assert published["submissions_held"] == 0
    assert published["duration_seconds"] > 0
    assert Path(published["log"]) == log_file_named_in(sample_night)
    # AND the table for people has a line per night
    table = danvan_here(module_warehouse, "runs", "--limit", "2")
    assert [line.split()[2] for line in table.stdout.splitlines()] == ["blocked", "published"]


def test_json_of_a_night_and_of_an_ingest_carry_the_counts(blocked_night, module_warehouse):
    # GIVEN a file the warehouse already has, and one it has not
    archived = next(module_warehouse.archive_dir.rglob("*.csv"))
    fresh = module_warehouse.home_dir / "fresh.json"
    write_json(hoa_lu_2024("02/02/2025", petitions_resolved=380), fresh)
    # WHEN they are ingested with --json
    ingested = danvan_here(module_warehouse, "ingest", "--json", str(archived), str(fresh))
    # THEN stdout is one JSON object with each file's result and the totals
    report = json.loads(ingested.stdout)
    assert ingested.exit_code == 0, ingested.stderr
    assert (report["files"], report["loaded"], report["skipped"]) == (2, 1, 1)
    assert {result["status"] for result in report["results"]} == {"loaded", "skipped"}
    # AND each sender's feedback is beside the file, as the nightly writes it
    assert "đã nạp" in feedback_path(fresh).read_text(encoding="utf-8").lower()
    assert result_path(fresh, ".csv").exists()
    # WHEN the night runs with --json on a file it already has
    (module_warehouse.inbox_dir / archived.name).write_bytes(archived.read_bytes())
    night = danvan_here(module_warehouse, "nightly", "--json")
    # THEN stdout is the night's summary alone, with its counts and its log
    summary = json.loads(night.stdout)
    assert summary["files"] == 1 and summary["rows_loaded"] == 0
    assert summary["status"] in ("published", "unchanged")
    assert night.exit_code == 0, night.stderr
    assert Path(summary["log"]).exists()
    # AND the errors listing parses too
    errors = json.loads(danvan_here(module_warehouse, "errors", "--json").stdout)
    assert errors["quarantined_total"] == 1


def test_a_wrong_password_is_one_message_without_the_password(module_warehouse):
    # GIVEN a warehouse URL with a wrong password
    url = with_password(str(module_warehouse.database_url), "n0t-The-Pa55word")
    # WHEN the night or the status runs
    night = danvan_here(module_warehouse, "nightly", database_url=url)
    status = danvan_here(module_warehouse, "status", database_url=url)
    # THEN each says, in a line or two, where it could not connect and what to check
    for finished in (night, status):
        text = "\n".join(finished.lines)
        assert finished.exit_code == 1
        assert "cannot connect to the warehouse at 127.0.0.1:" in text
        assert "password authentication failed" in text
        assert "check DANVAN_DATABASE_URL" in text
        # AND never shows the password, nor a traceback
        assert "n0t-The-Pa55word" not in text and "Traceback" not in text
    assert len(night.lines) <= 3, night.lines


def test_an_unreadable_url_is_one_message_without_the_password(tmp_path):
    # GIVEN a URL with a password that cannot be read
    settings = Settings(home=tmp_path / "home")
    url = "postgresql://danvan:Secret-Pa55@127.0.0.1:notaport/danvan"
    # WHEN a command connects
    finished = danvan_here(settings, "runs", database_url=url)
    # THEN it fails in one message, without the password
    text = "\n".join(finished.lines)
    assert finished.exit_code == 1
    assert "Secret-Pa55" not in text and "Traceback" not in text
    assert len(finished.lines) <= 3, finished.lines


def test_a_failed_night_says_what_failed_and_what_to_do_next():
    # GIVEN a night whose build failed, with dbt's failing models under its first line
    error = "dbt build failed (exit 1):\n" + "\n".join(f"model.m{i}: boom" for i in range(40))
    summary = NightlySummary(uuid.uuid4(), status="failed", error=error)
    # WHEN its outcome is shown
    shown = summary.render_outcome().splitlines()
    # THEN a few lines say it failed, the error's head and what to do; the exit code is 1
    assert "FAILED" in shown[0]
    assert "  error: dbt build failed (exit 1):" in shown
    assert any(line.startswith("  next: read the log") for line in shown)
    assert len(shown) <= 10
    assert summary.exit_code == 1
