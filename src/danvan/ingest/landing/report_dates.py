"""The dates of a report that landing refuses: a period that has not begun, a date sent in
the future or before the period began.

A report dated in the future would outrank every later correction (the latest date sent
wins), so it is refused whole, with the reason, rather than landed and held.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from danvan.ingest.values.periods import Period

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class DateProblem(NamedTuple):
    column: str
    code: str
    reason_en: str
    reason_vi: str


_today = (-1, date.min)  # (the second it was read in, the date)


def today_in_vietnam() -> date:
    """Read once a second: a bulk export asks for it for every one of its reports."""
    global _today
    second = int(time.time())
    if _today[0] != second:
        _today = (second, datetime.now(VIETNAM).date())
    return _today[1]


def report_date_errors(period: Period, submitted_on: date) -> list[DateProblem]:
    """What is wrong with a report's dates: a period that has not begun, a date sent in
    the future (beyond tomorrow, Vietnam's time) or before the period began. Such a
    report is refused at landing: a future date would outrank every later correction."""
    today = today_in_vietnam()
    found = []
    if period.start > today:
        found.append(
            DateProblem(
                "period",
                "future_period",
                f"the period {period.code} has not begun (today is {today:%d/%m/%Y})",
                f"kỳ báo cáo {period.code} chưa bắt đầu (hôm nay là ngày {today:%d/%m/%Y})",
            )
        )
    if submitted_on > today + timedelta(days=1):
        found.append(
            DateProblem(
                "submitted_on",
                "future_date",
                f"the date sent {submitted_on:%d/%m/%Y} is in the future; give the day the "
                "report is sent",
                f"ngày gửi {submitted_on:%d/%m/%Y} ở tương lai; hãy ghi ngày gửi báo cáo",
            )
        )
    elif submitted_on < period.start:
        found.append(
            DateProblem(
                "submitted_on",
                "sent_before_period",
                f"the date sent {submitted_on:%d/%m/%Y} is before the period {period.code} "
                f"begins ({period.start:%d/%m/%Y}); the date or the period is mistyped",
                f"ngày gửi {submitted_on:%d/%m/%Y} trước khi kỳ {period.code} bắt đầu "
                f"({period.start:%d/%m/%Y}); ngày gửi hoặc kỳ báo cáo bị nhập nhầm",
            )
        )
    return found
