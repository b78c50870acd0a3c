"""What a command shows on the terminal, and what goes to its run's log file instead.

A night on the terminal is one line per stage and its outcome; everything Prefect
and dbt say goes to the run's log file (``--verbose`` shows it live as well).
Failures are one message: what failed, what to do next, where the log is; never a
password.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict

from danvan.settings import WAREHOUSE_OWNER, Settings

# The stage lines of a run (ingest, submissions, build, checks, publish) go to this logger.
PROGRESS_LOGGER = "danvan.progress"

# Exit codes of the commands that run or report on a night.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ATTENTION = 3

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s%(run_name)s: %(message)s"
# A URL's password, whatever the scheme: user:PASSWORD@host.
URL_PASSWORD = re.compile(r"(\w+://[^:/@\s]*:)[^@\s]*@")


def night_exit_code(status: str, *, held: int, warnings: int, rejected_files: int) -> int:
    """0 done with nothing to look at; 1 failed or blocked; 3 done, with holds, warnings or
    rejected files to look at."""
    if status not in ("published", "unchanged"):
        return EXIT_FAILED
    return EXIT_ATTENTION if held or warnings or rejected_files else EXIT_OK


def progress(line: str) -> None:
    """Report a stage's outcome: one line on the terminal (and in the run's log)."""
    logging.getLogger(PROGRESS_LOGGER).info(line)


@contextmanager
def run_output(log_file: Path, *, progress_to: TextIO, verbose: bool) -> Iterator[Path]:
    """Send every log record to ``log_file`` (and to the console only when ``verbose``);
    stage lines go to ``progress_to`` as well. Python warnings are logged too."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(RunLogFormatter(LOG_FORMAT))
    to_terminal = logging.StreamHandler(progress_to)
    to_terminal.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    stage_logger = logging.getLogger(PROGRESS_LOGGER)
    loggers = [root, *_named_loggers()]
    kept = {logger: (list(logger.handlers), logger.propagate) for logger in loggers}
    kept[stage_logger] = (list(stage_logger.handlers), stage_logger.propagate)
    stage_level = stage_logger.level
    silenced: list[logging.Handler] = []
    try:
        for logger in loggers:
            consoles = [handler for handler in logger.handlers if _is_console(handler)]
            if consoles and not verbose:
                for handler in consoles:
                    logger.removeHandler(handler)
                silenced += consoles
            if logger is root or (consoles and not logger.propagate):
                logger.addHandler(to_file)
        # Shown once on the terminal and once in the file, verbose (through the root) or not.
        stage_logger.handlers = [] if verbose else [to_file, to_terminal]
        stage_logger.propagate = verbose
        stage_logger.setLevel(logging.INFO)
        logging.captureWarnings(True)
        yield log_file
    finally:
        logging.captureWarnings(False)
        for logger, (handlers, propagate) in kept.items():
            logger.handlers = handlers
            logger.propagate = propagate
        stage_logger.setLevel(stage_level)
        # What Prefect says as the process exits (its temporary server stopping) stays quiet.
        for handler in silenced:
            handler.setLevel(max(handler.level, logging.WARNING))
        to_file.close()


class RunLogFormatter(logging.Formatter):
    """Each record with the Prefect task or flow run that logged it, when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        name = getattr(record, "task_run_name", None) or getattr(record, "flow_run_name", None)
        record.run_name = f" [{name}]" if name else ""
        return super().format(record)


def _named_loggers() -> list[logging.Logger]:
    return [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]


def _is_console(handler: logging.Handler) -> bool:
    return isinstance(handler, logging.StreamHandler) and not isinstance(
        handler, logging.FileHandler
    )


# -- failures ----------------------------------------------------------------------


def secrets_of(settings: Settings) -> list[str]:
    """Every password the settings hold, as written and as quoted in a URL."""
    secrets = [
        secret.get_secret_value()
        for secret in (settings.password, settings.reader_password)
        if secret is not None
    ]
    for url in (settings.database_url, settings.admin_database_url):
        if url:
            try:
                password = conninfo_to_dict(url).get("password")
            except psycopg.ProgrammingError:
                continue
            if password:
                secrets.append(str(password))
    return [form for secret in secrets if secret for form in {secret, quote(secret, safe="")}]


def redact(text: str, settings: Settings | None) -> str:
    """The text with every password left out: those of URLs, and those the settings hold."""
    text = URL_PASSWORD.sub(r"\1***@", text)
    secrets = secrets_of(settings) if settings is not None else []
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def warehouse_address(settings: Settings) -> str:
    """host:port/database as user, of the warehouse the settings name (no password)."""
    if settings.database_url is None:
        return f"127.0.0.1:{settings.port} as {WAREHOUSE_OWNER} (the embedded warehouse)"
    try:
        params = conninfo_to_dict(settings.database_url)
    except psycopg.ProgrammingError:
        return "an unreadable DANVAN_DATABASE_URL"
    host = params.get("host") or params.get("hostaddr") or "localhost"
    where = f"{host}:{params.get('port') or 5432}/{params.get('dbname') or '?'}"
    return f"{where} as {params.get('user') or '?'}"


def is_connection_failure(error: BaseException) -> bool:
    """The warehouse could not be reached, or its URL could not be read."""
    message = str(error)
    if isinstance(error, psycopg.OperationalError):
        return message.startswith("connection failed") or "connection to server" in message
    return isinstance(error, psycopg.ProgrammingError) and "connection" in message.lower()


def describe_failure(error: BaseException, settings: Settings) -> str:
    """One message for an unexpected failure: what failed and what to do next."""
    lines = [line.strip() for line in redact(str(error), settings).splitlines()]
    detail = "; ".join(line for line in lines if line) or type(error).__name__
    if is_connection_failure(error):
        where = warehouse_address(settings)
        check = (
            "check `danvan warehouse status`"
            if settings.uses_embedded_warehouse
            else "check DANVAN_DATABASE_URL"
        )
        return f"cannot connect to the warehouse at {where}: {_libpq_reason(detail)}; {check}"
    return f"{type(error).__name__}: {detail}"


def _libpq_reason(detail: str) -> str:
    """The server's or libpq's own words, without the connection preamble."""
    for marker in ("FATAL:", "failed:"):
        if marker in detail:
            return detail.rsplit(marker, 1)[1].strip()
    return detail
