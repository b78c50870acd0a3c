"""Run dbt against the warehouse, decide what a night builds, and read what dbt did.

A night builds only what its new data touches: the models downstream of the
submissions and their states, incrementally for the units the night rebuilds.
When the dbt project itself changed (a new release: a model, macro or seed
file differs from the last full build's) everything is rebuilt from scratch,
seeds included; so is the first build of a warehouse and ``--full-refresh``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import psycopg

from danvan.dbt_ahead import PARSE_AHEAD, RUN
from danvan.settings import DatabaseTarget, Settings


class DbtFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class DbtResult:
    models_built: int
    seeds_loaded: int
    snapshots_taken: int
    tests_passed: int
    tests_warned: int
    failures: tuple[str, ...]

    @classmethod
    def from_run_results(cls, path: Path) -> DbtResult:
        results = json.loads(path.read_text(encoding="utf-8"))["results"]
        outcome: Counter[tuple[str, str]] = Counter()
        failures = []
        for result in results:
            kind = result["unique_id"].split(".", 1)[0]
            outcome[(kind, result["status"])] += 1
            if result["status"] in ("error", "fail", "runtime error"):
                failures.append(
                    f"{result['unique_id']}: {result.get('message') or result['status']}"
                )
        return cls(
            models_built=outcome[("model", "success")],
            seeds_loaded=outcome[("seed", "success")],
            snapshots_taken=outcome[("snapshot", "success")],
            tests_passed=outcome[("test", "pass")] + outcome[("unit_test", "pass")],
            tests_warned=outcome[("test", "warn")],
            failures=tuple(failures),
        )


# What decides a build's result: a change in any of these means a full rebuild.
PROJECT_PARTS = ("dbt_project.yml", "models", "macros", "seeds", "snapshots", "tests")
# Before the gate: reference data and the staging views its rules read.
PREPARE_SELECTION = [
    "--select",
    "resource_type:seed",
    "staging",
    "--indirect-selection",
    "cautious",
]
# A night's build: what depends on the landed rows or their states.
# Unit tests check the SQL, which only a new release changes: they run on full builds.
DATA_SELECTION = [
    "--select",
    "source:submissions+",
    "source:pipeline+",
    "--exclude",
    "staging",
    "resource_type:seed",
    "resource_type:unit_test",
]


def project_fingerprint(dbt_project_dir: Path) -> str:
    """A checksum of every file that defines what dbt builds."""
    digest = hashlib.sha256()
    for part in PROJECT_PARTS:
        root = dbt_project_dir / part
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file():
                digest.update(str(path.relative_to(dbt_project_dir)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def deployed_fingerprint(conn: psycopg.Connection) -> str | None:
    row = conn.execute(
        "select fingerprint from audit.deployments order by deployment_id desc limit 1"
    ).fetchone()
    return str(row[0]) if row else None


def record_deployment(conn: psycopg.Connection, run_id: object, fingerprint: str) -> None:
    conn.execute(
        "insert into audit.deployments (run_id, fingerprint) values (%s, %s)",
        [run_id, fingerprint],
    )


def dbt_environment(
    settings: Settings,
    target: DatabaseTarget,
    run_dir: Path,
    session_settings: Sequence[str] = (),
) -> dict[str, str]:
    """dbt's target (and its partial-parse cache) persists per warehouse: re-parsing the
    project costs seconds a small night cannot spare."""
    environment = dict(os.environ)
    environment.update(target.dbt_environment())
    environment.update(
        {
            "DBT_TARGET_PATH": str(settings.dbt_state_dir / "target"),
            "DBT_LOG_PATH": str(run_dir / "dbt-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
            # Sessions of a batch build: sorts in memory; no JIT, whose compiling costs
            # seconds on queries the planner overestimates (options the caller set win).
            "PGOPTIONS": " ".join(
                [
                    f"-c work_mem={settings.build_work_mem} -c jit=off",
                    *(f"-c {setting}" for setting in session_settings),
                    os.environ.get("PGOPTIONS", ""),
                ]
            ).strip(),
        }
    )
    return environment


class DbtCommand:
    """One dbt command in a process of its own (``danvan.dbt_ahead``), started ahead of need.

    The process imports dbt (and, with ``parse_ahead``, parses the project) while the
    caller does other work; ``run`` then runs the command and ``cancel`` ends it unrun.
    Parse ahead only when no other dbt command runs before this one: they share dbt's
    target directory. Used as a context manager, a command not run is cancelled.
    """

    def __init__(
        self,
        settings: Settings,
        target: DatabaseTarget,
        arguments: list[str],
        run_dir: Path,
        *,
        parse_ahead: bool = False,
        session_settings: Sequence[str] = (),
    ) -> None:
        self.arguments = arguments
        self._run_dir = run_dir
        self._target_dir = settings.dbt_state_dir / "target"
        run_dir.mkdir(parents=True, exist_ok=True)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-u",  # each log line as it is written
                "-m",
                "danvan.dbt_ahead",
                *([PARSE_AHEAD] if parse_ahead else []),
                *arguments,
                "--project-dir",
                str(settings.dbt_project_dir),
                "--profiles-dir",
                str(settings.dbt_project_dir),
            ],
            env=dbt_environment(settings, target, run_dir, session_settings),
            cwd=settings.dbt_project_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def run(self, on_line: Callable[[str], None] = print) -> DbtResult | None:
        """Run the command, streaming its log lines; raise DbtFailed on a non-zero exit."""
        stdin, stdout = self._process.stdin, self._process.stdout
        assert stdin is not None and stdout is not None
        (self._target_dir / "run_results.json").unlink(missing_ok=True)  # another command's
        try:
            stdin.write(f"{RUN}\n")
            stdin.close()
        except BrokenPipeError:
            pass  # the process ended before it was asked: its output says why
        for line in stdout:
            on_line(line.rstrip("\n"))
        returncode = self._process.wait()
        for artefact in ("run_results.json", "manifest.json"):
            if (self._target_dir / artefact).exists():
                shutil.copy2(self._target_dir / artefact, self._run_dir / artefact)
        results_file = self._run_dir / "run_results.json"
        result = DbtResult.from_run_results(results_file) if results_file.exists() else None
        if returncode != 0:
            detail = "\n".join(result.failures) if result else "see the log above"
            raise DbtFailed(f"dbt {' '.join(self.arguments)} failed (exit {returncode}):\n{detail}")
        return result

    def cancel(self) -> None:
        """End the process if it still runs: a command never run, or one its caller gave
        up on. A parse cut short leaves at worst a partial-parse cache that the next dbt
        command finds stale and parses again; a build cut short, rolled-back transactions."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        for stream in (self._process.stdin, self._process.stdout):
            if stream is not None:
                stream.close()

    def __enter__(self) -> DbtCommand:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cancel()


def run_dbt(
    settings: Settings,
    target: DatabaseTarget,
    arguments: list[str],
    run_dir: Path,
    on_line: Callable[[str], None] = print,
    session_settings: Sequence[str] = (),
) -> DbtResult | None:
    """Run one dbt command now, streaming its log lines; raise DbtFailed on a non-zero
    exit. ``session_settings`` (``name=value``) apply to its database sessions."""
    command = DbtCommand(settings, target, arguments, run_dir, session_settings=session_settings)
    return command.run(on_line)
