"""How communes really write values and names: the messy spellings the generator uses.

Values in Vietnamese number styles with units inside them or beside them, unit names
with or without diacritics, in NFD or abbreviated, and the mistakes that must be
quarantined (each with the reason code the quarantine gives it).
"""

from __future__ import annotations

import random
import unicodedata
from decimal import Decimal

from danvan.ingest.values.units import Unit
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
    options = {
        "km": [(comma, "km"), (f"{comma} km", None), (f"{grouped(value * 1000)} m", None)],
        "m2": [(grouped(value), "m2"), (f"{grouped(value)} m²", None), (f"{grouped(value / 10000)} ha", None)],
        "ha": [(comma, "ha"), (f"{comma} ha", None), (f"{grouped(value * 10000)} m²", None)],
        "VND": [(grouped(value), None), (f"{grouped(value / 1_000_000)} triệu", None),
                (f"{grouped(value / 1_000_000)} triệu đồng", None), (f"khoảng {grouped(value)} đồng", None)],
        "percent": [(comma, "%"), (f"{comma}%", None)],
        "labour_days": [(grouped(value), None), (f"{grouped(value)} ngày công", None)],
    }[unit]  # fmt: skip
    options = [(text, unit_text) for text, unit_text in options if _unambiguous(text)]
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
    abbreviation = {"Xã": "X.", "Phường": "P.", "Thị trấn": "TT.", "Huyện": "H.", "Quận": "Q.",
                    "Thị xã": "TX.", "Thành phố": "TP.", "Tỉnh": ""}.get(prefix, prefix)  # fmt: skip
    variants = [
        short_name,
        fold_diacritics(name).lower(),
        unicodedata.normalize("NFD", name),
        f"{abbreviation} {short_name}".strip(),
        fold_diacritics(short_name),
    ]
    rng.shuffle(variants)
    return [*variants, name]
