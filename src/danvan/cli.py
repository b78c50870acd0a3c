"""The ``danvan`` command line.

One module on purpose: every command is a thin click function that imports its
library code lazily (so ``danvan --help`` starts fast), and their options, exit
codes and messages are read best side by side.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import quote

import click

from danvan.console import (
    EXIT_ATTENTION,
    EXIT_FAILED,
    EXIT_OK,
    describe_failure,
    redact,
    run_output,
)
from danvan.settings import (
    Settings,
    configure_prefect,
    load_settings,
    local_prefect_server,
    prepare_home,
)
from danvan.warehouse.connection import embedded_warehouse, warehouse_target

if TYPE_CHECKING:
    from danvan.prefect_server import PrefectServerStatus

EXIT_CODES = """\b
Exit codes:
  0  done: published (or nothing new), nothing held, no warning
  1  failed, or publication blocked (nothing published)
  2  usage error (a wrong command or option)
  3  done, but submissions were held, rules warned or files were rejected
"""


class DanvanGroup(click.Group):
    """Any failure is one message and exit code 1; its traceback only with --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if ctx.params.get("debug"):
                raise
            settings = ctx.obj if isinstance(ctx.obj, Settings) else None
            raise click.ClickException(_failure_message(error, settings)) from error


def _failure_message(error: BaseException, settings: Settings | None) -> str:
    if settings is None:  # the settings themselves could not be read
        return f"cannot read the settings (DANVAN_* variables or .env): {redact(str(error), None)}"
    return describe_failure(error, settings) + "\n(run with `danvan --debug …` for the traceback)"


@click.group(
    cls=DanvanGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES,
)
@click.option("--debug", is_flag=True, help="Show the traceback of a failure.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """danvan: the "Dân vận khéo" data warehouse.

    Configuration comes from DANVAN_* environment variables or a .env file
    (DANVAN_HOME, DANVAN_DATABASE_URL, DANVAN_PORT…); see README.md.
    """
    # Everything danvan writes (state, logs, run artefacts) is for its owner only.
    previous_umask = os.umask(0o077)
    ctx.call_on_close(lambda: os.umask(previous_umask))
    ctx.obj = load_settings()
    if ctx.obj.home_dir.exists():
        prepare_home(ctx.obj)


def _json_value(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def echo_json(document: object) -> None:
    """One JSON document on stdout: the only thing a --json command prints there."""
    click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=_json_value))


@contextmanager
def quiet_run(log_file: Path, *, verbose: bool, as_json: bool) -> Iterator[Path]:
    """Prefect's and dbt's detail to the log file; stage lines to the terminal (to stderr
    when stdout carries JSON)."""
    stream = click.get_text_stream("stderr" if as_json else "stdout")
    with run_output(log_file, progress_to=stream, verbose=verbose):
        yield log_file


def fail_run(message: str, log_file: Path, *, as_json: bool) -> NoReturn:
    """A run that failed before it could say how far it got: one message (and, with --json,
    one JSON object), exit 1."""
    if as_json:
        echo_json({"status": "failed", "error": message, "log": str(log_file)})
    click.echo(f"{message}\nlog: {log_file}", err=True)
    sys.exit(EXIT_FAILED)


pass_settings = click.make_pass_decorator(Settings)


# -- warehouse ---------------------------------------------------------------


@main.group()
def warehouse() -> None:
    """Manage the embedded PostgreSQL warehouse (start, stop, status, url, psql)."""


def _require_embedded(settings: Settings) -> None:
    if not settings.uses_embedded_warehouse:
        raise click.ClickException(
            "DANVAN_DATABASE_URL is set: the external warehouse is used and the embedded one "
            "is never started or stopped."
        )


@warehouse.command("start")
@pass_settings
def warehouse_start(settings: Settings) -> None:
    """Start the embedded warehouse (initialise it on first use). Idempotent."""
    _require_embedded(settings)
    status = embedded_warehouse(settings).start()
    click.echo(status.describe())


@warehouse.command("stop")
@pass_settings
def warehouse_stop(settings: Settings) -> None:
    """Stop the embedded warehouse cleanly; its data stays."""
    _require_embedded(settings)
    status = embedded_warehouse(settings).stop()
    click.echo(status.describe())


@warehouse.command("status")
@pass_settings
def warehouse_status(settings: Settings) -> None:
    """Say whether the warehouse is running and where it is (exit 1 when stopped)."""
    if not settings.uses_embedded_warehouse:
        click.echo("external warehouse (DANVAN_DATABASE_URL)")
        return
    status = embedded_warehouse(settings).status()
    click.echo(status.describe())
    if not status.running:
        sys.exit(1)


@warehouse.command("url")
@click.option("--reader", is_flag=True, help="The read-only role BI tools should use.")
@pass_settings
def warehouse_url(settings: Settings, reader: bool) -> None:
    """Print the connection URL (starts the embedded warehouse if needed)."""
    click.echo(warehouse_target(settings, reader=reader).url)


@warehouse.command(
    "psql", context_settings={"ignore_unknown_options": True, "allow_extra_args": True}
)
@click.option("--reader", is_flag=True, help="Connect as the read-only role.")
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
@pass_settings
def warehouse_psql(settings: Settings, reader: bool, psql_args: tuple[str, ...]) -> None:
    """Open psql on the warehouse; extra arguments go to psql (e.g. -c 'select 1')."""
    from danvan.warehouse.embedded import postgres_bin_dir

    target = warehouse_target(settings, reader=reader)
    psql = shutil.which("psql") or str(postgres_bin_dir() / "psql")
    # The password travels in psql's environment, never among its (public) arguments.
    environment = {**os.environ, **target.libpq_environment()}
    os.execve(psql, [psql, target.conninfo_without_password(), *psql_args], environment)


@warehouse.command("env")
@pass_settings
def warehouse_env(settings: Settings) -> None:
    """Print shell exports of the connection dbt and sqlfluff use (eval "$(danvan warehouse env)")."""
    for name, value in warehouse_target(settings).dbt_environment().items():
        click.echo(f"export {name}={shlex.quote(value)}")


# -- pipeline ----------------------------------------------------------------


VERBOSE = click.option(
    "--verbose", is_flag=True, help="Show Prefect's and dbt's detail live (it is always logged)."
)


@main.command()
@click.option("--inbox", type=click.Path(path_type=Path), help="Default: $DANVAN_HOME/inbox.")
@click.option(
    "--full-refresh",
    is_flag=True,
    help="Rebuild every table from scratch (the same marts as the incremental nights).",
)
@VERBOSE
@click.option("--json", "as_json", is_flag=True, help="Print the run's summary as JSON.")
@click.pass_context
def nightly(
    ctx: click.Context, inbox: Path | None, full_refresh: bool, verbose: bool, as_json: bool
) -> None:
    """The main job: ingest the inbox, hold or approve each submission, build, check, publish.

    Prints one line per stage and the outcome; everything Prefect and dbt say goes to
    the run's log file, $DANVAN_HOME/runs/RUN_ID/nightly.log.
    """
    settings: Settings = ctx.obj
    configure_prefect(settings)
    from flows.nightly import nightly_pipeline

    from danvan.pipeline import PipelineFailed, run_log_file

    run_id = uuid.uuid4()
    log_file = run_log_file(settings, run_id)
    if not as_json:
        click.echo(f"nightly run {run_id}: started; log {log_file}")
    try:
        with quiet_run(log_file, verbose=verbose, as_json=as_json):
            summary = nightly_pipeline(
                settings=settings,
                inbox=inbox or settings.inbox_dir,
                full_refresh=full_refresh,
                run_id=run_id,
            )
    except PipelineFailed as failure:
        if _debugging(ctx) or failure.summary is None:
            raise
        summary = failure.summary
    except Exception as error:
        if _debugging(ctx):
            raise
        fail_run(describe_failure(error, settings), log_file, as_json=as_json)
    if as_json:
        echo_json({**summary.as_dict(), "log": str(log_file)})
    else:
        click.echo(redact(summary.render_outcome(), settings))
        click.echo(f"log: {log_file}")
    sys.exit(summary.exit_code)


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.find_root().params.get("debug"))


@main.command()
@pass_settings
def schedule(settings: Settings) -> None:
    """Serve the nightly pipeline as a Prefect deployment, every day at 02:00 Asia/Ho_Chi_Minh.

    Uses PREFECT_API_URL when it is set, else the local Prefect server (started if
    needed). Runs until stopped (Ctrl-C).
    """
    if "PREFECT_API_URL" not in os.environ:
        status = _start_prefect_server(settings)
        click.echo(status.describe())
    api_url = configure_prefect(settings)
    click.echo(f"serving the nightly deployment on {api_url}: every day at 02:00 Asia/Ho_Chi_Minh")
    from flows.nightly import serve_nightly

    serve_nightly(settings)


# -- Prefect server ------------------------------------------------------------


@main.group()
def server() -> None:
    """Manage the local Prefect server and its UI (start, stop, status).

    While it runs, nightly, ingest and schedule record their runs there; otherwise
    each run starts a temporary server of its own.
    """


def _start_prefect_server(settings: Settings) -> PrefectServerStatus:
    from danvan.prefect_server import PrefectServerError

    prepare_home(settings)
    try:
        return local_prefect_server(settings).start()
    except PrefectServerError as error:
        raise click.ClickException(str(error)) from error


@server.command("start")
@pass_settings
def server_start(settings: Settings) -> None:
    """Start the Prefect server on 127.0.0.1:DANVAN_PREFECT_PORT. Idempotent."""
    click.echo(_start_prefect_server(settings).describe())


@server.command("stop")
@pass_settings
def server_stop(settings: Settings) -> None:
    """Stop the Prefect server; its database of runs stays."""
    click.echo(local_prefect_server(settings).stop().describe())


@server.command("status")
@pass_settings
def server_status(settings: Settings) -> None:
    """Say whether the Prefect server is up and where its UI is (exit 1 when stopped)."""
    status = local_prefect_server(settings).status()
    click.echo(status.describe())
    if not status.running:
        sys.exit(1)


@main.command()
@click.option("--inbox", type=click.Path(path_type=Path), help="Default: $DANVAN_HOME/inbox.")
@pass_settings
def demo(settings: Settings, inbox: Path | None) -> None:
    """Put the bundled sample submissions into the inbox."""
    from danvan.synthetic.samples import copy_samples

    target = inbox or settings.inbox_dir
    copied = copy_samples(target)
    click.echo(f"{len(copied)} sample submissions copied to {target}; next: danvan nightly")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@VERBOSE
@click.option("--json", "as_json", is_flag=True, help="Print every file's result as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], verbose: bool, as_json: bool) -> None:
    """Load submission files (xlsx, csv, json) into raw; print the rejected files and totals.

    Every file's result is in the log file, $DANVAN_HOME/runs/ingest-TIME.log.
    """
    settings: Settings = ctx.obj
    configure_prefect(settings)
    from flows.ingest import ingest_files

    log_file = settings.run_dir / f"ingest-{datetime.now():%Y%m%dT%H%M%S%f}.log"
    try:
        with quiet_run(log_file, verbose=verbose, as_json=as_json):
            report = ingest_files(settings=settings, paths=list(paths))
    except Exception as error:
        if _debugging(ctx):
            raise
        fail_run(describe_failure(error, settings), log_file, as_json=as_json)
    if as_json:
        echo_json({**report.as_dict(), "log": str(log_file)})
    else:
        click.echo(report.render(files_shown=INGEST_FILES_SHOWN))
        click.echo(
            "feedback: beside each file (<name>.feedback.txt, and <stem>.ket-qua.xlsx or "
            "<name>.ket-qua.csv with every problem marked)"
        )
        click.echo(f"log: {log_file}")
    # A rejected file is the sender's to fix (its feedback says how): the run itself worked.
    sys.exit(EXIT_ATTENTION if report.failed else EXIT_OK)


# With more files than this, the rest are only in the log.
INGEST_FILES_SHOWN = 20


@main.command()
@click.option("--limit", default=50, show_default=True, help="How many rows to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def errors(settings: Settings, limit: int, as_json: bool) -> None:
    """List rejected files, quarantined rows and held submissions: file, sheet, row, column,
    value and why."""
    from danvan.ingest.quarantine import quarantine_listing, render_quarantine

    url = warehouse_target(settings).url
    if as_json:
        echo_json(quarantine_listing(url, limit=limit))
        return
    click.echo(render_quarantine(url, limit=limit))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--audit",
    is_flag=True,
    help="Run every suite through Great Expectations on the published marts, beside the "
    "engine; print each suite's rules and whether both agree; write Data Docs.",
)
@click.option("--docs", is_flag=True, help="Print the path of the last audit's Data Docs.")
@pass_settings
def quality(settings: Settings, as_json: bool, audit: bool, docs: bool) -> None:
    """Print the last night's checks: every rule that failed, its severity and failing rows.

    Exits 1 when the last validation failed. With --audit, check the published marts with
    Great Expectations itself and compare each rule with the nightly engine (exit 1 on a
    failure or a disagreement)."""
    if audit and docs:
        raise click.UsageError("--audit and --docs are separate: run one of them")
    if audit:
        _quality_audit(settings)
        return
    if docs:
        _quality_docs(settings)
        return
    from danvan.quality.results import last_validation
    from danvan.warehouse.db import connect

    with connect(warehouse_target(settings).url) as conn:
        validation = last_validation(conn)
    if as_json:
        echo_json(validation.as_dict() if validation else None)
    elif validation is None:
        click.echo("no validation run yet")
    else:
        click.echo(validation.render())
    if validation is not None and not validation.success:
        sys.exit(EXIT_FAILED)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def status(settings: Settings, as_json: bool) -> None:
    """Is the warehouse reachable; the last run, the last publication, submissions held.

    Exits 1 when the warehouse cannot be reached, else as the last night did (0, 1 or 3).
    Never starts the embedded warehouse.
    """
    import psycopg

    from danvan.console import warehouse_address
    from danvan.runs import WarehouseStatus, read_status
    from danvan.warehouse.db import connect

    where = warehouse_address(settings)
    if settings.uses_embedded_warehouse and not embedded_warehouse(settings).status().running:
        state = WarehouseStatus(where, reachable=False, error="stopped: `danvan warehouse start`")
    else:
        try:
            with connect(warehouse_target(settings, start=False).url) as conn:
                state = read_status(conn, where)
        except psycopg.OperationalError as error:  # an unreachable warehouse is the answer
            state = WarehouseStatus(where, reachable=False, error=describe_failure(error, settings))
    if as_json:
        echo_json(state.as_dict(settings))
    else:
        click.echo(state.render())
    sys.exit(state.exit_code)


@main.command()
@click.option("--limit", default=20, show_default=True, help="How many nights, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def runs(settings: Settings, limit: int, as_json: bool) -> None:
    """Every night the warehouse recorded: state, files, rows, held, duration, publication."""
    from danvan.runs import recorded_runs
    from danvan.warehouse.db import connect

    with connect(warehouse_target(settings).url) as conn:
        nights = recorded_runs(conn, limit)
    if as_json:
        echo_json([night.as_dict(settings) for night in nights])
        return
    if not nights:
        click.echo("no nightly run yet (danvan nightly)")
    for night in nights:
        click.echo(night.render())


def _quality_audit(settings: Settings) -> None:
    from danvan.quality.gx_audit import AuditError, audit

    try:
        report = audit(settings, warehouse_target(settings).url)
    except AuditError as error:
        raise click.ClickException(str(error)) from error
    click.echo(report.render())
    if not report.success:
        sys.exit(1)


def _quality_docs(settings: Settings) -> None:
    from danvan.quality.gx_audit import last_data_docs

    index = last_data_docs(settings)
    if index is None:
        raise click.ClickException(
            "chưa có Data Docs: hãy chạy `danvan quality --audit` / "
            "no Data Docs yet: run `danvan quality --audit`"
        )
    click.echo(index)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), help="Default: $DANVAN_HOME/reports.")
@pass_settings
def report(settings: Settings, out: Path | None) -> None:
    """Write the offline report of the published marts: index.html and a page per province."""
    from danvan.report import build_report

    index = build_report(
        warehouse_target(settings).url,
        out or settings.home_dir / "reports",
        work_mem=settings.build_work_mem,
    )
    click.echo(f"report written: {index}")


# -- access ------------------------------------------------------------------


@main.group()
def access() -> None:
    """Analyst and operator login roles, each reading its provinces only (row-level security)."""


@access.command("add")
@click.argument("role")
@click.option("--province", "provinces", multiple=True, help="Province code on today's map.")
@click.option("--national", is_flag=True, help="Every province.")
@click.option("--operator", is_flag=True, help="Also read data quality and audit (every province).")
@pass_settings
def access_add(
    settings: Settings, role: str, provinces: tuple[str, ...], national: bool, operator: bool
) -> None:
    """Create or update a login role; prints its connection URL (the password, once)."""
    from danvan.publication.access import EVERY_PROVINCE, AccessError, add_reader
    from danvan.warehouse.connection import admin_target
    from danvan.warehouse.db import connect

    if bool(provinces) == (national or operator):
        raise click.UsageError("give --province CODE (repeatable), or --national, or --operator")
    scopes = provinces or (EVERY_PROVINCE,)
    admin = admin_target(settings)
    with connect(admin.url, autocommit=True) as conn:
        try:
            password = add_reader(conn, role, provinces=scopes, operator=operator)
        except AccessError as error:
            raise click.ClickException(str(error)) from error
    params = admin.params
    host = params.get("host", "127.0.0.1") if settings.database_url else "127.0.0.1"
    port = params.get("port", "5432") if settings.database_url else str(settings.port)
    url = f"postgresql://{role}:{quote(password, safe='')}@{host}:{port}/{params.get('dbname')}"
    click.echo(f"{role}: {', '.join(scopes)}")
    click.echo(url)


@access.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def access_list(settings: Settings, as_json: bool) -> None:
    """Login roles and the provinces each may read."""
    from danvan.publication.access import list_readers
    from danvan.warehouse.db import connect

    with connect(warehouse_target(settings).url) as conn:
        readers = list_readers(conn)
    if as_json:
        click.echo(json.dumps([reader.__dict__ for reader in readers], ensure_ascii=False))
        return
    for reader in readers:
        click.echo(f"{reader.role:<30} {reader.kind:<9} {', '.join(reader.provinces) or '-'}")


@access.command("remove")
@click.argument("role")
@pass_settings
def access_remove(settings: Settings, role: str) -> None:
    """Drop a login role and its scopes."""
    from danvan.publication.access import remove_reader
    from danvan.warehouse.connection import admin_target
    from danvan.warehouse.db import connect

    with connect(admin_target(settings).url, autocommit=True) as conn:
        remove_reader(conn, role)
    click.echo(f"{role} removed")


# -- review ------------------------------------------------------------------


@main.group()
def review() -> None:
    """Held, accepted and published submissions: list, show, release, reject, approve, withdraw."""


@review.command("list")
@click.option("--province", help="Province code on today's map (e.g. 48).")
@click.option("--unit", help="Reporting unit code.")
@click.option("--period", help="Period code, e.g. 2025-Q3.")
@click.option(
    "--state",
    type=click.Choice(
        [
            "landed",
            "held",
            "accepted",
            "approved",
            "published",
            "superseded",
            "rejected",
            "withdrawn",
        ]
    ),
    help="Only submissions in this state.",
)
@click.option("--limit", default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def review_list(
    settings: Settings,
    province: str | None,
    unit: str | None,
    period: str | None,
    state: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List submissions (newest change first): file, unit, period, date sent, state, why."""
    from danvan.gate.review import SubmissionFilter, list_submissions
    from danvan.warehouse.db import connect

    with connect(warehouse_target(settings).url) as conn:
        rows = list_submissions(conn, SubmissionFilter(province, unit, period, state), limit)
    if as_json:
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(row.render())
    click.echo(f"{len(rows)} submissions")


@review.command("show")
@click.argument("submission")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_settings
def review_show(settings: Settings, submission: str, as_json: bool) -> None:
    """One submission (FILE_ID:UNIT:PERIOD:DATE): state, why it is held, its history."""
    from danvan.gate.review import (
        ReviewError,
        SubmissionFilter,
        list_submissions,
        parse_key,
        submission_history,
        submission_holds,
    )
    from danvan.warehouse.db import connect

    try:
        key = parse_key(submission)
    except ReviewError as error:
        raise click.UsageError(str(error)) from error
    with connect(warehouse_target(settings).url) as conn:
        found = [
            row
            for row in list_submissions(conn, SubmissionFilter(file_id=key.file_id), 10_000)
            if row.key == key
        ]
        if not found:
            raise click.ClickException(f"no such submission: {submission}")
        holds = submission_holds(conn, key)
        history = submission_history(conn, key)
    if as_json:
        document = {**found[0].as_dict(), "holds": holds, "history": history}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(found[0].render())
    for hold in holds:
        click.echo(
            f"  held: {hold['rule']} — sheet {hold['sheet']}, row {hold['row_number']}, "
            f"column {hold['column_name']}, value {hold['value_text']}\n    {hold['reason_vi']}"
            f"\n    {hold['reason_en']}"
        )
    for event in history:
        click.echo(
            f"  {event['happened_at']:%Y-%m-%d %H:%M} {event['from_state'] or '-'} → "
            f"{event['to_state']} by {event['actor']}: {event['reason_en'] or ''}"
        )


def _decision(name: str, help_text: str) -> None:
    @review.command(name, help=help_text)
    @click.argument("submissions", nargs=-1)
    @click.option("--file", "file_id", type=int, help="Every submission the file carries.")
    @click.option("--reason", required=True, help="Why (kept with the decision).")
    @click.option("--operator", envvar="USER", default="operator", show_default=True)
    @pass_settings
    def command(
        settings: Settings,
        submissions: tuple[str, ...],
        file_id: int | None,
        reason: str,
        operator: str,
    ) -> None:
        from danvan.gate.review import ReviewError, decide, parse_key, submissions_of_file
        from danvan.warehouse.db import connect

        with connect(warehouse_target(settings).url) as conn:
            try:
                keys = [parse_key(text) for text in submissions]
                if file_id is not None:
                    keys += submissions_of_file(conn, file_id)
                if not keys:
                    raise click.UsageError("name submissions (FILE_ID:UNIT:PERIOD:DATE) or --file")
                changed = decide(conn, keys, name, operator=operator, reason=reason)
            except ReviewError as error:
                raise click.ClickException(str(error)) from error
        done = {"release": "released", "reject": "rejected", "approve": "approved"}.get(
            name, "withdrawn"
        )
        click.echo(f"{len(changed)} submissions {done}; the next nightly run publishes the change")


_decision("release", "Approve held submissions despite their hold (say why).")
_decision("reject", "Refuse held (or accepted) submissions; the sender must send again.")
_decision("approve", "Approve accepted submissions where approval is required for their level.")
_decision(
    "withdraw",
    "Withdraw submissions (or a whole --file): their report falls back to its earlier version.",
)


@main.command("bi-setup")
@click.option("--superset-url", required=True, help="e.g. http://superset:8088")
@click.option("--admin-user", envvar="SUPERSET_ADMIN_USER", required=True)
@click.option("--admin-password", envvar="SUPERSET_ADMIN_PASSWORD", required=True)
@click.option(
    "--reader-url",
    envvar="BI_READER_URL",
    help="The read-only role Superset reads the marts as, as a URL "
    "(default: the embedded warehouse's danvan_reader).",
)
@click.option("--timeout", default=600, show_default=True, help="Seconds to wait for Superset.")
@pass_settings
def bi_setup(
    settings: Settings,
    superset_url: str,
    admin_user: str,
    admin_password: str,
    reader_url: str | None,
    timeout: int,
) -> None:
    """Import the dashboards (dashboards/superset) into Superset, as a read-only role (idempotent)."""
    from danvan.bi import SupersetAdmin, SupersetError, import_dashboards

    if reader_url is None:
        if not settings.uses_embedded_warehouse:
            raise click.ClickException(
                "set --reader-url (BI_READER_URL) to the read-only role's URL on the warehouse"
            )
        reader_url = warehouse_target(settings, start=False, reader=True).url
    try:
        message = import_dashboards(
            superset_url,
            SupersetAdmin(admin_user, admin_password),
            settings.dashboards_dir,
            reader_url,
            timeout_seconds=timeout,
        )
    except SupersetError as error:
        raise click.ClickException(str(error)) from error
    click.echo(message)


# -- submissions ---------------------------------------------------------------


@main.command()
@click.option("--unit", "unit", required=True, help="GSO code of the reporting unit.")
@click.option("--period", required=True, help="e.g. 'Quý III/2025', '9 tháng 2025', 2025-Q3.")
@click.option(
    "--language",
    type=click.Choice(["vi", "en"]),
    default="vi",
    show_default=True,
    help="Language of the headers and dropdown values.",
)
@click.option(
    "--output", type=click.Path(path_type=Path), help="Default: <unit code>_<period>.xlsx here."
)
@pass_settings
def template(
    settings: Settings, unit: str, period: str, language: str, output: Path | None
) -> None:
    """Write the Excel workbook a unit fills in, prefilled with its known models."""
    from danvan.ingest.format.template import TemplateError, known_models, write_template

    models: list[dict[str, Any]] = []
    note = "the embedded warehouse is not running (danvan warehouse start): no models prefilled"
    if settings.database_url or embedded_warehouse(settings).status().running:
        import psycopg

        try:
            models = known_models(warehouse_target(settings, start=False).url, unit)
            note = f"{len(models)} known models prefilled"
        except psycopg.OperationalError as error:
            note = f"the warehouse is not reachable ({error}): no models prefilled"
    try:
        written = write_template(
            unit,
            period,
            output,
            seeds_dir=settings.reference_seeds_dir,
            language=language,
            models=models,
        )
    except TemplateError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{written.path}: {written.unit_name} ({written.unit_code}), {written.period_code}")
    click.echo(note)


def _forms(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    from danvan.synthetic.generate import FORMS

    forms = tuple(form.strip() for form in value.split(",") if form.strip())
    unknown = [form for form in forms if form not in FORMS]
    if unknown or not forms:
        raise click.BadParameter(f"choose from {', '.join(FORMS)} (comma-separated)")
    return forms


@main.command("generate")
@click.option("--communes", default=10, show_default=True, help="Real communes to report.")
@click.option("--periods", default=4, show_default=True, help="Periods each commune reports.")
@click.option("--models", default=3, show_default=True, help="Models per commune.")
@click.option("--out", required=True, type=click.Path(path_type=Path), help="Directory to write.")
@click.option("--seed", default=0, show_default=True, help="Same seed, same submissions.")
@click.option(
    "--forms",
    default="xlsx,csv,json",
    show_default=True,
    callback=_forms,
    help="Encodings, used in turn.",
)
@click.option(
    "--messy",
    is_flag=True,
    help="Spell things the way communes really do; spoil a few rows (quarantined) and a few "
    "submissions (held), as manifest.json lists.",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path),
    help="Also write the held submissions, corrected, here (JSON), to send a later night.",
)
def generate_command(
    communes: int,
    periods: int,
    models: int,
    out: Path,
    seed: int,
    forms: tuple[str, ...],
    messy: bool,
    corrections: Path | None,
) -> None:
    """Write synthetic submissions on the real administrative map, and manifest.json."""
    from danvan.synthetic.generate import generate, write_form, write_generated

    generated = generate(communes, periods, models, seed=seed, messy=messy)
    written = write_generated(generated, out, forms)
    held = len(generated.manifest.held())
    click.echo(
        f"{len(generated.submissions)} submissions ({held} to be held) in {len(written)} files "
        f"written to {out}"
    )
    if corrections is not None:
        fixed = write_form(generated.corrections, corrections, "json")
        click.echo(f"{len(fixed)} corrected submissions written to {corrections}")
