"""Numbers and dates the Vietnamese way: 1.234,5 — dot for thousands, comma for decimals."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

# Vietnam keeps UTC+7 all year (no daylight saving), so no time-zone database is needed.
VIETNAM_TIME = timezone(timedelta(hours=7), "ICT")
_SCALES = ((Decimal(10) ** 9, "tỷ"), (Decimal(10) ** 6, "triệu"), (Decimal(10) ** 3, "nghìn"))


def vi_number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """1234567.5 → '1.234.567,5'; None → '–'. decimals=None keeps the value's own places."""
    if value is None:
        return "–"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if decimals is not None:
        number = round(number, decimals)
    elif number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    text = f"{abs(number):,f}"
    whole, _, fraction = text.partition(".")
    whole = whole.replace(",", ".")
    sign = "-" if number < 0 else ""
    return f"{sign}{whole},{fraction}" if fraction else f"{sign}{whole}"


def vi_compact(value: float | Decimal) -> str:
    """An axis label: 13000000000 → '13 tỷ', 500000000 → '500 triệu', 2500 → '2.500'."""
    number = Decimal(str(value))
    for scale, word in _SCALES[:2]:
        if abs(number) >= scale:
            return f"{vi_number(round(number / scale, 1))} {word}"
    return vi_number(round(number, 1))


def vi_percent(value: Decimal | float | None) -> str:
    return "–" if value is None else f"{vi_number(value, 1)} %"


def vi_date(value: date | None) -> str:
    return "–" if value is None else f"{value:%d/%m/%Y}"


def vi_datetime(value: datetime) -> str:
    """A moment in Vietnam's time: '14:05 ngày 03/07/2025'."""
    local = value.astimezone(VIETNAM_TIME)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
