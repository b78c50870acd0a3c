"""The inbox: only regular files are read, every name fits, nothing is printed raw."""

from __future__ import annotations

import os
from datetime import datetime

from danvan.ingest.inbox import MAX_NAME_BYTES, archive, feedback_path, inbox_entries
from danvan.text import printable


def test_links_and_special_files_are_refused_without_being_read(tmp_path):
    # GIVEN an inbox with a submission, a link to a secret outside it, and a pipe
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bao-cao.csv").write_text("x", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("password", encoding="utf-8")
    (inbox / "link.csv").symlink_to(secret)
    (inbox / "folder-link").symlink_to(tmp_path)
    os.mkfifo(inbox / "pipe.csv")
    # WHEN the inbox is listed
    entries = {entry.path.name: entry.refusal for entry in inbox_entries(inbox)}
    # THEN the file is read and the others are refused, and nothing behind a link is listed
    assert entries["bao-cao.csv"] is None
    assert {name for name, refusal in entries.items() if refusal} == {
        "link.csv",
        "folder-link",
        "pipe.csv",
    }
    assert "secret.txt" not in entries


def test_a_link_is_archived_as_a_link(tmp_path):
    inbox, archived = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep me", encoding="utf-8")
    (inbox / "link.csv").symlink_to(target)
    # WHEN it is moved out of the inbox
    moved = archive(inbox / "link.csv", True, archived, tmp_path / "rejected", datetime.now())
    # THEN the link moved, its target untouched
    assert moved.is_symlink() and target.read_text(encoding="utf-8") == "keep me"


def test_a_long_name_gets_a_feedback_file_the_file_system_accepts(tmp_path):
    # GIVEN a file whose name takes 249 bytes
    name = "báo cáo " * 20 + ".xlsx"
    name = name[:240] + ".xlsx"
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    # WHEN its feedback is written beside it
    feedback = feedback_path(path)
    feedback.write_text("ok", encoding="utf-8")
    # THEN the name fits, and says which file it is about
    assert len(os.fsencode(feedback.name)) <= MAX_NAME_BYTES
    assert feedback.name.startswith("báo cáo") and feedback_path(path) == feedback


def test_control_characters_are_shown_escaped():
    # GIVEN sender text with an escape sequence and a right-to-left override
    text = "Tổ \x1b[31mđỏ\u202e"
    # THEN what is printed shows them as escapes and keeps the Vietnamese text
    assert printable(text) == "Tổ \\x1b[31mđỏ\\u202e"
    assert printable("Xã Trà Ka") == "Xã Trà Ka"
