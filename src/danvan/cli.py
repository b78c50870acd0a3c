"""The ``danvan`` command line."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from danvan.settings import Settings, configure_prefect, load_settings
from danvan.warehouse.connection import embedded_warehouse, warehouse_target


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.pass_context
def main(ctx: click.Context) -> None:
    """danvan: the "Dân vận khéo" data warehouse.

    Configuration comes from DANVAN_* environment variables or a .env file
    (DANVAN_HOME, DANVAN_DATABASE_URL, DANVAN_PORT…); see README.md.
    """
    ctx.obj = load_settings()


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

    url = warehouse_target(settings, reader=reader).url
    psql = shutil.which("psql") or str(postgres_bin_dir() / "psql")
    os.execv(psql, [psql, url, *psql_args])


@warehouse.command("env")
@pass_settings
def warehouse_env(settings: Settings) -> None:
    """Print shell exports of the connection dbt and sqlfluff use (eval "$(danvan warehouse env)")."""
    for name, value in warehouse_target(settings).dbt_environment().items():
        click.echo(f"export {name}={shlex.quote(value)}")


# -- pipeline ----------------------------------------------------------------


@main.command()
@click.option("--inbox", type=click.Path(path_type=Path), help="Default: $DANVAN_HOME/inbox.")
@pass_settings
def nightly(settings: Settings, inbox: Path | None) -> None:
    """The main job: ingest the inbox, dbt build, validate, publish the marts."""
    configure_prefect(settings)
    from flows.nightly import nightly_pipeline

    from danvan.pipeline import PipelineFailed

    try:
        summary = nightly_pipeline(settings=settings, inbox=inbox or settings.inbox_dir)
    except PipelineFailed as failure:
        if failure.summary is not None:
            click.echo(failure.summary.render(), err=True)
        raise click.ClickException(f"nightly run failed: {failure}") from failure
    click.echo(summary.render())


@main.command()
@pass_settings
def schedule(settings: Settings) -> None:
    """Serve the nightly pipeline as a Prefect deployment, every day at 02:00 Asia/Ho_Chi_Minh."""
    configure_prefect(settings)
    from flows.nightly import serve_nightly

    serve_nightly(settings)


@main.command()
@click.option("--inbox", type=click.Path(path_type=Path), help="Default: $DANVAN_HOME/inbox.")
@pass_settings
def demo(settings: Settings, inbox: Path | None) -> None:
    """Put the bundled sample submissions into the inbox."""
    from danvan.synthetic.samples import copy_samples

    target = inbox or settings.inbox_dir
    copied = copy_samples(target)
    click.echo(f"{len(copied)} sample submissions copied to {target}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@pass_settings
def ingest(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Load submission files (xlsx, csv, json) into raw; print per-file results."""
    configure_prefect(settings)
    from flows.ingest import ingest_files

    report = ingest_files(settings=settings, paths=list(paths))
    click.echo(report.render())
    if report.failed:
        sys.exit(1)


@main.command()
@click.option("--limit", default=50, show_default=True, help="How many rows to show.")
@pass_settings
def errors(settings: Settings, limit: int) -> None:
    """List quarantined rows: file, sheet, row, column, value and why."""
    from danvan.ingest.quarantine import render_quarantine

    click.echo(render_quarantine(warehouse_target(settings).url, limit=limit))


@main.command()
@pass_settings
def quality(settings: Settings) -> None:
    """Print the last validation run: every expectation, its severity and failing keys."""
    from danvan.quality import last_run_text

    click.echo(last_run_text(warehouse_target(settings).url))


@main.command("metabase-setup")
@click.option("--metabase-url", required=True, help="e.g. http://metabase:3000")
@click.option("--admin-email", envvar="METABASE_ADMIN_EMAIL", required=True)
@click.option("--admin-password", envvar="METABASE_ADMIN_PASSWORD", required=True)
@click.option("--timeout", default=600, show_default=True, help="Seconds to wait for Metabase.")
@pass_settings
def metabase_setup(
    settings: Settings, metabase_url: str, admin_email: str, admin_password: str, timeout: int
) -> None:
    """Point Metabase at the published marts, as the read-only role (idempotent)."""
    from danvan.bi import MetabaseAdmin, connect_metabase

    if settings.reader_password is None:
        raise click.ClickException("set DANVAN_READER_PASSWORD to the read-only role's password")
    message = connect_metabase(
        metabase_url,
        MetabaseAdmin(admin_email, admin_password),
        warehouse_target(settings, start=False),
        settings.reader_password.get_secret_value(),
        timeout_seconds=timeout,
    )
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

    models: list[dict] = []
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
@click.option("--messy", is_flag=True, help="Spell things the way communes really do.")
def generate_command(
    communes: int, periods: int, models: int, out: Path, seed: int, forms: tuple, messy: bool
) -> None:
    """Write synthetic submissions on the real administrative map, and manifest.json."""
    from danvan.synthetic.generate import generate, write_generated

    generated = generate(communes, periods, models, seed=seed, messy=messy)
    written = write_generated(generated, out, forms)
    click.echo(f"{len(generated.submissions)} submissions in {len(written)} files written to {out}")
