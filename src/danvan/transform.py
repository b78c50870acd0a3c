"""Run dbt against the warehouse and read what it did."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

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
        outcome = Counter()
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


def dbt_environment(settings: Settings, target: DatabaseTarget, run_dir: Path) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(target.dbt_environment())
    environment.update(
        {
            "DBT_TARGET_PATH": str(run_dir / "dbt-target"),
            "DBT_LOG_PATH": str(run_dir / "dbt-logs"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    return environment


def run_dbt(
    settings: Settings,
    target: DatabaseTarget,
    arguments: list[str],
    run_dir: Path,
    on_line: Callable[[str], None] = print,
) -> DbtResult | None:
    """Run one dbt command, streaming its log lines; raise DbtFailed on a non-zero exit."""
    run_dir.mkdir(parents=True, exist_ok=True)
    command = [
        str(Path(sys.executable).with_name("dbt")),
        *arguments,
        "--project-dir", str(settings.dbt_project_dir),
        "--profiles-dir", str(settings.dbt_project_dir),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env=dbt_environment(settings, target, run_dir),
        cwd=settings.dbt_project_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        on_line(line.rstrip("\n"))
    returncode = process.wait()
    results_file = run_dir / "dbt-target" / "run_results.json"
    result = DbtResult.from_run_results(results_file) if results_file.exists() else None
    if returncode != 0:
        detail = "\n".join(result.failures) if result else "see the log above"
        raise DbtFailed(f"dbt {' '.join(arguments)} failed (exit {returncode}):\n{detail}")
    return result
