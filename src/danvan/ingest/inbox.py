"""The inbox → archive/rejected file moves, and the feedback file each sender gets."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from danvan.ingest.landing.files import FileResult

SUBMISSION_SUFFIXES = {".xlsx", ".csv", ".json"}
FEEDBACK_SUFFIX = ".feedback.txt"
FEEDBACK_PROBLEMS = 1000  # the rest are in `danvan errors`


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular file in the inbox, oldest name first; unknown types are rejected, not ignored."""
    if not inbox.exists():
        return []
    return sorted(
        path
        for path in inbox.rglob("*")
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(FEEDBACK_SUFFIX)
    )


def batches(paths: list[Path], size: int) -> list[list[Path]]:
    return [paths[start : start + size] for start in range(0, len(paths), size)]


def archive(
    path: Path, result: FileResult, archive_dir: Path, rejected_dir: Path, stamp: datetime
) -> Path:
    """Move a processed file out of the inbox, with a feedback file beside it."""
    folder = (rejected_dir if result.status == "rejected" else archive_dir) / stamp.strftime(
        "%Y-%m-%d"
    )
    folder.mkdir(parents=True, exist_ok=True)
    destination = folder / path.name
    if destination.exists():
        destination = folder / f"{path.stem}.{stamp.strftime('%H%M%S%f')}{path.suffix}"
    shutil.move(str(path), destination)
    destination.with_name(destination.name + FEEDBACK_SUFFIX).write_text(
        feedback_text(result), encoding="utf-8"
    )
    return destination


def feedback_text(result: FileResult) -> str:
    """What the sending commune reads: Vietnamese first, then English."""
    lines = [f"Tệp / file: {result.file_name}"]
    if result.status == "rejected":
        lines += [
            "Kết quả: KHÔNG NẠP ĐƯỢC / Result: REJECTED",
            f"Lý do: {result.reason_vi}",
            f"Reason: {result.reason}",
        ]
    elif result.status == "skipped":
        lines += ["Kết quả: đã nhận trước đó (trùng nội dung) / Result: already received, skipped"]
        if result.reason:
            lines += [
                f"Lần trước tệp bị từ chối: {result.reason_vi}",
                f"It was rejected then: {result.reason}",
            ]
    else:
        lines += [
            f"Đã nạp {result.rows_loaded} dòng; {result.rows_quarantined} dòng có lỗi chưa nạp.",
            f"Loaded {result.rows_loaded} rows; {result.rows_quarantined} rows with errors held back.",
        ]
        if len(result.problems) > FEEDBACK_PROBLEMS:
            lines.append(
                f"(Liệt kê {FEEDBACK_PROBLEMS} lỗi đầu tiên / the first {FEEDBACK_PROBLEMS} "
                f"of {len(result.problems)} problems are listed)"
            )
        for problem in result.problems[:FEEDBACK_PROBLEMS]:
            where = f"trang/sheet '{problem.sheet}', dòng/row {problem.row_number}, cột/column '{problem.column}'"
            lines += [
                f"- {where}, giá trị/value '{problem.value_text}':",
                f"    {problem.reason_vi}",
                f"    {problem.reason_en}",
            ]
    return "\n".join(lines) + "\n"
