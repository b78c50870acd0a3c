"""A dbt command started ahead of need: ``python -m danvan.dbt_ahead [--parse-ahead] ARGS…``.

The process imports dbt at once, and with ``--parse-ahead`` parses the project, then
waits for one line on its standard input: ``run`` runs the command (on the parsed
project), anything else or the end of the input ends the process unrun. A night
starts it before it lands and admits its files, so dbt's start-up (some 4 s) is paid
beside that work instead of after it. The exit code is dbt's: 0 success, 1 a failed
node, 2 an error. Only ``danvan.transform.DbtCommand`` starts it.
"""

from __future__ import annotations

import sys

RUN = "run"
PARSE_AHEAD = "--parse-ahead"
PROJECT_OPTIONS = ("--project-dir", "--profiles-dir")


def _project_options(arguments: list[str]) -> list[str]:
    """The options ``parse`` shares with the command: where the project and profile are."""
    options = []
    for position, argument in enumerate(arguments[:-1]):
        if argument in PROJECT_OPTIONS:
            options += [argument, arguments[position + 1]]
    return options


def main(arguments: list[str]) -> int:
    # dbt is imported here, not with the module: its caller reads the constants above.
    from dbt.cli.main import dbtRunner
    from dbt.contracts.graph.manifest import Manifest

    manifest = None
    if arguments[:1] == [PARSE_AHEAD]:
        arguments = arguments[1:]
        parsed = dbtRunner().invoke(["parse", *_project_options(arguments)])
        # A project that does not parse is parsed again by the command, which says why.
        if parsed.success and isinstance(parsed.result, Manifest):
            manifest = parsed.result
    if sys.stdin.readline().strip() != RUN:
        return 0
    result = dbtRunner(manifest=manifest).invoke(arguments)
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
