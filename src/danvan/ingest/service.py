"""Ingestion as the flows call it: land a batch of files over one connection.

``seeds_dir`` is ``Settings.reference_seeds_dir``: the reference data every file is
judged against, loaded once per process (``judgements``).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import psycopg

from danvan.ingest.inbox import InboxEntry, Refusal
from danvan.ingest.landing.cells import CellJudge
from danvan.ingest.landing.files import (
    FileResult,
    Receipts,
    display_name,
    land_file,
    record_rejected,
    sha256_of,
)
from danvan.ingest.landing.outputs import Judgements
from danvan.ingest.reference_data import ReferenceData
from danvan.warehouse.db import connect


@lru_cache(maxsize=4)
def judgements(seeds_dir: Path) -> Judgements:
    """Reference data is loaded, and judgements cached, once per process and seeds directory."""
    cells = CellJudge(ReferenceData.from_seeds(seeds_dir))
    # The reference data lives as long as the process: keeping its ~10^6 objects out of
    # the garbage collector's generations makes landing about a third faster.
    gc.freeze()
    return Judgements(cells)


def land_entries(url: str, entries: list[InboxEntry], seeds_dir: Path) -> list[FileResult]:
    """Land the inbox entries that may be read; the others are refused, unopened."""
    readable = [entry.path for entry in entries if entry.refusal is None]
    landed = iter(land_batch(url, readable, seeds_dir) if readable else [])
    return [
        next(landed) if entry.refusal is None else refused(entry.path, entry.refusal)
        for entry in entries
    ]


def refused(path: Path, refusal: Refusal) -> FileResult:
    return FileResult(
        display_name(path),
        "rejected",
        reason=f"[{refusal.code}] {refusal.reason_en}",
        reason_vi=refusal.reason_vi,
    )


def land_batch(url: str, paths: list[Path], seeds_dir: Path) -> list[FileResult]:
    """Land each file in its own transaction; one file's failure never touches the others.

    A value the database refuses (out of range, malformed) rejects that file alone, named,
    with the database's reason; other database errors (a lost connection) propagate, so
    the caller may retry (landed files are skipped by their hash). Any other error in one
    file rejects that file with the reason.
    """
    judged = judgements(seeds_dir)
    results = []
    # Autocommit: each file's own transaction block is the only transaction.
    with connect(url, autocommit=True) as conn:
        receipts = Receipts(conn, paths)
        for path in paths:
            try:
                with _cyclic_collector_paused():
                    results.append(land_file(conn, path, judged, receipts))
            except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as error:
                results.append(_reject_refused(conn, path, error))
            except psycopg.Error:
                raise
            except Exception as error:  # a reader bug must not lose the rest of the batch
                results.append(_reject_unexpected(conn, path, error))
    return results


@contextmanager
def _cyclic_collector_paused() -> Iterator[None]:
    """Landing a file creates judgements and submissions by the hundred thousand, which
    the cyclic collector would scan again and again (a quarter of the landing time);
    they form no reference cycles, so it waits until the file is landed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _reject_refused(conn: psycopg.Connection, path: Path, error: psycopg.Error) -> FileResult:
    """Landing bounds every value by its column's type, so this is a gap in those bounds:
    the file is rejected alone, and the reason names the value the database refused."""
    name = display_name(path)
    detail = error.diag.message_primary or type(error).__name__
    where = error.diag.context or ""
    reason_en = f"[database_refused] the warehouse refused a value of this file: {detail} {where}"
    reason_vi = (
        f"kho dữ liệu từ chối một giá trị trong tệp ({detail}); kiểm tra số liệu quá lớn "
        "hoặc sai kiểu, rồi gửi lại; đã báo quản trị viên"
    )
    record_rejected(conn, path, name, sha256_of(path), reason_en.strip(), reason_vi)
    return FileResult(name, "rejected", reason=reason_en.strip(), reason_vi=reason_vi)


def _reject_unexpected(conn: psycopg.Connection, path: Path, error: Exception) -> FileResult:
    name = display_name(path)
    reason_en = f"[unexpected_error] {type(error).__name__}: {error}"
    reason_vi = "lỗi không lường trước khi đọc tệp; đã báo cho quản trị viên"
    record_rejected(conn, path, name, sha256_of(path), reason_en, reason_vi)
    return FileResult(name, "rejected", reason=reason_en, reason_vi=reason_vi)


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)

    @property
    def files(self) -> int:
        return len(self.results)

    def count(self, status: str) -> int:
        return sum(result.status == status for result in self.results)

    @property
    def rows_loaded(self) -> int:
        return sum(result.rows_loaded for result in self.results)

    @property
    def rows_quarantined(self) -> int:
        return sum(result.rows_quarantined for result in self.results)

    @property
    def failed(self) -> bool:
        return any(result.status == "rejected" for result in self.results)

    def as_dict(self) -> dict[str, object]:
        return {
            "files": self.files,
            "loaded": self.count("loaded"),
            "skipped": self.count("skipped"),
            "rejected": self.count("rejected"),
            "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined,
            "results": [asdict(result) for result in self.results],
        }

    def render(self, files_shown: int | None = None) -> str:
        """Each file's result (the rejected ones first, at most ``files_shown``), then totals."""
        ordered = sorted(self.results, key=lambda result: result.status != "rejected")
        shown = ordered if files_shown is None else ordered[:files_shown]
        lines = [result.render() for result in shown]
        if len(shown) < len(ordered):
            lines.append(f"… {len(ordered) - len(shown)} more files in the log")
        lines.append(
            f"{self.files} files: {self.count('loaded')} loaded, {self.count('skipped')} skipped, "
            f"{self.count('rejected')} rejected; {self.rows_loaded} rows loaded, "
            f"{self.rows_quarantined} rows quarantined"
        )
        return "\n".join(lines)
