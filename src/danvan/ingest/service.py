"""Ingestion as the flows call it: land a batch of files over one connection."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import psycopg

from danvan.ingest.catalogue import Catalogue
from danvan.ingest.landing import FileResult, land_file, sha256_of
from danvan.ingest.records import RecordBuilder
from danvan.reference.admin_map import AdminMap
from danvan.warehouse.db import connect


@lru_cache(maxsize=4)
def record_builder(seeds_dir: Path) -> RecordBuilder:
    """Reference data is loaded once per process and seeds directory."""
    return RecordBuilder(
        Catalogue.from_seeds(seeds_dir / "catalogue"),
        AdminMap.from_seeds(seeds_dir / "admin"),
    )


def land_batch(url: str, paths: list[Path], seeds_dir: Path) -> list[FileResult]:
    """Land each file in its own transaction; one file's failure never touches the others.

    Database errors propagate (the caller may retry: landed files are skipped by
    their hash). Any other error in one file rejects that file with the reason.
    """
    builder = record_builder(seeds_dir)
    results = []
    with connect(url) as conn:
        for path in paths:
            try:
                results.append(land_file(conn, path, builder))
            except psycopg.Error:
                raise
            except Exception as error:  # a reader bug must not lose the rest of the batch
                conn.rollback()
                results.append(_reject_unexpected(conn, path, error))
    return results


def _reject_unexpected(conn: psycopg.Connection, path: Path, error: Exception) -> FileResult:
    reason = f"[unexpected_error] {type(error).__name__}: {error}"
    with conn.transaction():
        conn.execute(
            """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
                   reason_en, reason_vi)
               values (%s, %s, %s, %s, 'rejected', %s, %s)
               on conflict (content_sha256) do nothing""",
            [path.name, sha256_of(path), path.stat().st_size, path.suffix.lower().lstrip("."),
             reason, "lỗi không lường trước khi đọc tệp; đã báo cho quản trị viên"],
        )  # fmt: skip
    return FileResult(path.name, "rejected", reason=reason)


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

    def render(self) -> str:
        lines = [result.render() for result in self.results]
        lines.append(
            f"{self.files} files: {self.count('loaded')} loaded, {self.count('skipped')} skipped, "
            f"{self.count('rejected')} rejected; {self.rows_loaded} rows loaded, "
            f"{self.rows_quarantined} rows quarantined"
        )
        return "\n".join(lines)
