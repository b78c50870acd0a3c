"""How communes really write values and names: the messy spellings the generator uses.

Values in Vietnamese number styles with units inside them or beside them, unit names
with or without diacritics, in NFD or abbreviated, and the mistakes that must be
quarantined (each with the reason code the quarantine gives it).
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from danvan.ingest.values.periods import Period
from danvan.ingest.values.units import Unit
from danvan.reference.catalogue import Catalogue
from danvan.text import fold_diacritics, search_key

# Mistakes communes make, each with the reason code the quarantine gives it.
BAD_VALUES = (("tám", "invalid_value"), ("mười hai", "invalid_value"), ("", "required"))
BAD_INDICATORS = (("Số cầu bay", "unknown_indicator"), ("chỉ tiêu khác", "unknown_indicator"))
BAD_SOURCES = (("Ngân hàng Thế giới", "unknown_contribution_source"),)


def render_value(
    value: Decimal, in_unit: Unit, rng: random.Random, messy: bool
) -> tuple[object, str | None]:
    """(value cell, unit cell) for a value in ``unit``: plain when clean, any common style if messy."""
    plain = int(value) if value == value.to_integral_value() else str(value)
    unit = in_unit.code
    if in_unit.dimension == "count":
        if not messy:
            return plain, None
        return rng.choice((plain, str(plain), f"hơn {plain}", grouped(value))), None
    if not messy:
        return plain, unit
    comma = grouped(value)
    styles: dict[str, list[tuple[str, str | None]]] = {
        "km": [(comma, "km"), (f"{comma} km", None), (f"{grouped(value * 1000)} m", None)],
        "m2": [
            (grouped(value), "m2"),
            (f"{grouped(value)} m²", None),
            (f"{grouped(value / 10000)} ha", None),
        ],
        "ha": [(comma, "ha"), (f"{comma} ha", None), (f"{grouped(value * 10000)} m²", None)],
        "VND": [
            (grouped(value), None),
            (f"{grouped(value / 1_000_000)} triệu", None),
            (f"{grouped(value / 1_000_000)} triệu đồng", None),
            (f"khoảng {grouped(value)} đồng", None),
        ],
        "percent": [(comma, "%"), (f"{comma}%", None)],
        "labour_days": [(grouped(value), None), (f"{grouped(value)} ngày công", None)],
    }
    options = [(text, unit_text) for text, unit_text in styles[unit] if _unambiguous(text)]
    return rng.choice(options) if options else (plain, unit)


def grouped(value: Decimal) -> str:
    """Thousands grouped with dots, decimals after a comma: 13.000.000, 1.234,5."""
    whole, _, fraction = f"{value.normalize():f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{fraction}" if fraction else grouped


def _unambiguous(text: str) -> bool:
    """Not a 1,234-style number, which readers refuse (a decimal comma or thousands?)."""
    number = text.split()[-2] if text.split()[0] in ("khoảng", "hơn") else text.split()[0]
    number = number.rstrip("%")
    if "," in number and "." not in number:
        head, tail = number.split(",")
        return not (len(tail) == 3 and head[:1] != "0")
    return True


def slug(text: str) -> str:
    return search_key(text).replace(" ", "-")


def name_spellings(name: str, short_name: str, rng: random.Random) -> list[str]:
    """Ways a unit's name is written, shuffled, the official name last as a fallback."""
    prefix = name[: len(name) - len(short_name)].strip()
    abbreviation = {
        "Xã": "X.",
        "Phường": "P.",
        "Thị trấn": "TT.",
        "Huyện": "H.",
        "Quận": "Q.",
        "Thị xã": "TX.",
        "Thành phố": "TP.",
        "Tỉnh": "",
    }.get(prefix, prefix)
    variants = [
        short_name,
        fold_diacritics(name).lower(),
        unicodedata.normalize("NFD", name),
        f"{abbreviation} {short_name}".strip(),
        fold_diacritics(short_name),
    ]
    rng.shuffle(variants)
    return [*variants, name]


class Spellings:
    """How the generator writes names, periods and dates: as the format's documentation
    does, or (``messy``) in any of the ways communes do, drawn from ``rng``."""

    def __init__(self, rng: random.Random, messy: bool, catalogue: Catalogue) -> None:
        self.rng = rng
        self.messy = messy
        self.catalogue = catalogue

    def choose(self, spellings: Sequence[str]) -> str:
        return str(self.rng.choice(spellings)) if self.messy else spellings[0]

    def catalogue_name(self, list_name: str, code: str) -> str:
        row = self.catalogue.lookups[list_name].rows[code]
        if not self.messy:
            return row["name_vi"]
        spellings = [code, row["name_vi"], row["name_en"], *row["aliases"].split("|")]
        if list_name == "organization":  # names listing several organisations are split at , ;
            spellings = [s for s in spellings if not set(",;|") & set(s)]
        return self.rng.choice([s for s in spellings if s])

    def text(self, text: str) -> str:
        if self.messy and self.rng.random() < 0.15:
            return unicodedata.normalize("NFD", text)
        return text

    def period(self, period: Period) -> str:
        if not self.messy:
            return period.label_vi
        year = period.end.year
        variants = {
            "quarter": (
                period.label_vi,
                f"Q{period.end.month // 3}/{year}",
                period.code,
                f"quy {period.end.month // 3} nam {year}",
            ),
            "nine_months": (period.label_vi, f"9 tháng {year}", period.code, f"9 thang {year}"),
            "year": (period.label_vi, f"năm {year}", str(year)),
        }.get(period.kind, (period.label_vi, period.code))
        return self.rng.choice(variants)

    def day(self, day: date) -> str:
        if not self.messy:
            return day.strftime("%d/%m/%Y")
        return self.rng.choice(
            (
                day.strftime("%d/%m/%Y"),
                day.isoformat(),
                f"ngày {day.day} tháng {day.month} năm {day.year}",
                day.strftime("%d-%m-%Y"),
            )
        )
