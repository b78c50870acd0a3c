"""The feedback file a sender gets beside their archived submission."""

from __future__ import annotations

from danvan.ingest.inbox import FEEDBACK_PROBLEMS, feedback_text
from danvan.ingest.landing import FileResult
from danvan.ingest.landing.cells import Problem


def test_a_rejected_file_is_told_why_in_vietnamese_first():
    # GIVEN a file rejected as not UTF-8
    result = FileResult(
        "bao-cao.csv",
        "rejected",
        reason="[not_utf8] the text is not UTF-8",
        reason_vi="văn bản không ở mã UTF-8",
    )
    # WHEN its feedback is written
    lines = feedback_text(result).splitlines()
    # THEN the Vietnamese reason comes before the English one
    assert lines[2:] == [
        "Lý do: văn bản không ở mã UTF-8",
        "Reason: [not_utf8] the text is not UTF-8",
    ]


def test_a_file_with_very_many_bad_rows_lists_the_first_ones_and_says_so():
    # GIVEN a loaded file with more bad rows than a feedback file lists
    problem = Problem(
        "Chỉ tiêu", 2, "value", "tám", "invalid_value", "not a number", "không phải số"
    )
    result = FileResult(
        "bao-cao.xlsx",
        "loaded",
        10,
        FEEDBACK_PROBLEMS + 5,
        problems=[problem] * (FEEDBACK_PROBLEMS + 5),
    )
    # WHEN its feedback is written
    text = feedback_text(result)
    # THEN it says how many there are and lists the first ones
    assert f"the first {FEEDBACK_PROBLEMS} of {FEEDBACK_PROBLEMS + 5} problems" in text
    assert text.count("không phải số") == FEEDBACK_PROBLEMS
