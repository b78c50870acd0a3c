"""The inbox: what is in it, and where each file goes after landing.

Only regular files inside the inbox are read. A symbolic link (which could point
at any file the process may read) or a special file is refused without being
opened, and moved out like any other with the reason. Every name is kept as the
sender gave it; names shown or written elsewhere are made printable and, for
the feedback beside an archived file, short enough for the file system.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FEEDBACK_SUFFIX = ".feedback.txt"
RESULT_MARK = ".ket-qua"  # the sender's copy with each problem marked: <stem>.ket-qua.xlsx
# File systems allow 255 bytes a name; an archived name may get a time stamp, and its
# feedback this suffix.
MAX_NAME_BYTES = 255
STAMP_BYTES = 22


@dataclass(frozen=True)
class Refusal:
    """Why an inbox entry is not read at all."""

    code: str
    reason_en: str
    reason_vi: str


@dataclass(frozen=True)
class InboxEntry:
    path: Path
    refusal: Refusal | None = None


NOT_REGULAR = Refusal(
    "not_a_regular_file",
    "only files placed in the inbox are read; a link or special file is refused",
    "chỉ đọc các tệp đặt trực tiếp vào hộp thư; liên kết (symlink) hoặc tệp đặc biệt bị từ chối",
)


def inbox_entries(inbox: Path) -> list[InboxEntry]:
    """Every entry of the inbox, oldest name first; links and special files refused."""
    if not inbox.exists():
        return []
    entries = []
    for directory, subdirectories, names in os.walk(inbox, followlinks=False):
        folder = Path(directory)
        for name in names + [d for d in subdirectories if (folder / d).is_symlink()]:
            path = folder / name
            if name.startswith(".") or name.endswith(FEEDBACK_SUFFIX):
                continue
            mode = path.lstat().st_mode
            entries.append(InboxEntry(path, None if stat.S_ISREG(mode) else NOT_REGULAR))
    return sorted(entries, key=lambda entry: entry.path)


def batches(entries: list[InboxEntry], size: int) -> list[list[InboxEntry]]:
    return [entries[start : start + size] for start in range(0, len(entries), size)]


def archive(
    path: Path, rejected: bool, archive_dir: Path, rejected_dir: Path, stamp: datetime
) -> Path:
    """Move an entry out of the inbox (a link is moved, never followed); where it went."""
    folder = (rejected_dir if rejected else archive_dir) / stamp.strftime("%Y-%m-%d")
    folder.mkdir(parents=True, exist_ok=True)
    destination = folder / path.name
    if destination.exists() or destination.is_symlink():
        destination = folder / short_name(
            f"{path.stem}.{stamp.strftime('%H%M%S%f')}{path.suffix}", reserve=0
        )
    shutil.move(str(path), destination)
    return destination


def feedback_path(archived: Path) -> Path:
    """Where the feedback of an archived file goes: beside it, the name made to fit."""
    return archived.with_name(
        short_name(archived.name, reserve=len(FEEDBACK_SUFFIX)) + FEEDBACK_SUFFIX
    )


def result_path(archived: Path, extension: str) -> Path:
    """Where the marked copy of an archived file goes: beside it, ``<stem>.ket-qua.xlsx``
    for a workbook, ``<name>.ket-qua.csv`` otherwise (so ``a.csv`` and ``a.json`` differ)."""
    base = archived.stem if archived.suffix.lower() == extension else archived.name
    suffix = RESULT_MARK + extension
    return archived.with_name(short_name(base, reserve=len(os.fsencode(suffix))) + suffix)


def short_name(name: str, reserve: int) -> str:
    """``name`` itself when it leaves ``reserve`` bytes of the file system's limit, else
    its beginning and a digest of the whole (the same name always gives the same)."""
    encoded = os.fsencode(name)
    if len(encoded) + reserve <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(encoded).hexdigest()[:12]
    room = MAX_NAME_BYTES - reserve - STAMP_BYTES - len(digest) - 1
    head = encoded[:room].decode("utf-8", "ignore")
    return f"{head}~{digest}"
