"""Vietnamese text normalisation shared by ingestion, reference data and matching.

Submissions arrive in NFC or NFD, with either tone-placement convention
("hoà" / "hòa", "thuỷ" / "thủy") and sometimes without diacritics at all.
This module is the only place that folds, normalises or keys text; every
other module compares text through these pure functions:

- ``normalize_text``: NFC, single spaces, one tone-placement convention.
- ``fold_diacritics``: every mark removed, ``đ`` -> ``d``.
- ``search_key``: the diacritics-free, case-free, punctuation-free key.
- ``header_key``: like ``search_key`` but ASCII letters and digits only; how
  column titles, sheet names and catalogue spellings are compared.
- ``lower_nfc``: NFC, lower case, single spaces (diacritics kept).
- ``tone_key``: each word's tone mark moved to its end, so "hoà" and "hòa"
  compare equal whatever the convention.

Tables and patterns are built once at import; the functions are called on
millions of cells.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "fold_diacritics",
    "header_key",
    "lower_nfc",
    "normalize_text",
    "search_key",
    "tone_key",
]

_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # huyền sắc hỏi ngã nặng


def _toned(bases: str) -> str:
    return "".join(unicodedata.normalize("NFC", b + m) for b in bases for m in _TONE_MARKS)


def _split_tone(ch: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", ch)  # a vowel and its one tone mark
    return decomposed[0], decomposed[1]


_LETTER = r"[^\W\d_]"
# An open syllable ending in oa/oe/uy carries its tone on the first vowel
# ("hòa", "khỏe", "thủy"); the other convention writes "hoà", "khoẻ", "thuỷ".
# In "qu" the u is part of the consonant, so "quý" and "quả" are left alone.
_OPEN_SECOND = re.compile(rf"(?<![qQ])([oO][{_toned('aeAE')}]|[uU][{_toned('yY')}])(?!{_LETTER})")
# Before a final consonant both conventions put the tone on the second vowel
# ("hoàng", "toán", "huỳnh"), so a tone on the first vowel there is a typo.
_CLOSED_FIRST = re.compile(
    rf"(?<![qQ])([{_toned('oO')}][aAeE]|[{_toned('uU')}][yY])(?=[cmnptCMNPT])"
)


def _move_to_first(m: re.Match[str]) -> str:
    first, second = m.group(1)[0], m.group(1)[1]
    base, mark = _split_tone(second)
    return unicodedata.normalize("NFC", first + mark) + base


def _move_to_second(m: re.Match[str]) -> str:
    first, second = m.group(1)[0], m.group(1)[1]
    base, mark = _split_tone(first)
    return base + unicodedata.normalize("NFC", second + mark)


# Invisible characters that spreadsheets and web forms leave inside words.
_INVISIBLE = {cp: None for cp in (0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)}


def _fold_table() -> dict[int, str | None]:
    """Each letter with marks -> its canonical decomposition without them; combining marks
    (left by NFD input) and invisible characters -> nothing. Latin, Greek, Cyrillic and the
    letter-like symbols are covered; no Vietnamese text needs more."""
    table: dict[int, str | None] = dict(_INVISIBLE)
    for cp in (*range(0x00C0, 0x2200), *range(0xFE20, 0xFE30)):
        ch = chr(cp)
        decomposition = unicodedata.decomposition(ch)
        if unicodedata.combining(ch):
            table[cp] = None
        elif decomposition and not decomposition.startswith("<"):  # canonical, as NFD applies
            marks = unicodedata.normalize("NFD", ch)
            table[cp] = "".join(c for c in marks if not unicodedata.combining(c))
    # Đ/đ do not decompose; Ð/ð (eth) stand in for them in legacy encodings.
    table.update({ord("Đ"): "D", ord("đ"): "d", ord("Ð"): "D", ord("ð"): "d"})
    return table


_FOLD = _fold_table()
_CLEAN = str.maketrans({**_INVISIBLE, ord("Ð"): "Đ", ord("ð"): "đ"})
_NON_ALNUM = re.compile(r"[\W_]+")
_NON_ASCII_ALNUM = re.compile(r"[^0-9a-z]+")


def normalize_text(s: str) -> str:
    """NFC, whitespace collapsed and stripped, tone placed as in "hòa" / "thủy".

    >>> normalize_text("  Xã  Hoà\\tBình ")
    'Xã Hòa Bình'
    """
    if not s.isascii():
        s = unicodedata.normalize("NFC", s).translate(_CLEAN)
        s = _OPEN_SECOND.sub(_move_to_first, s)
        s = _CLOSED_FIRST.sub(_move_to_second, s)
    return " ".join(s.split())


def fold_diacritics(s: str) -> str:
    """Remove every diacritic (tone and vowel marks); ``đ`` -> ``d``, ``Đ`` -> ``D``.

    Accepts NFC or NFD input.

    >>> fold_diacritics("Đắk Lắk")
    'Dak Lak'
    """
    if s.isascii():
        return s
    return s.translate(_FOLD)


@lru_cache(maxsize=65536)
def search_key(s: str) -> str:
    """Comparison key: no case, no diacritics, letters and digits in single spaces.

    Equal to folding ``normalize_text(s).casefold()`` and turning punctuation
    into spaces; tone placement is skipped because folding removes tones.

    >>> search_key(" TP. Hồ  Chí Minh ")
    'tp ho chi minh'
    """
    s = fold_diacritics(s.casefold())
    return " ".join(_NON_ALNUM.sub(" ", s).split())


@lru_cache(maxsize=65536)
def header_key(text: object) -> str:
    """Spelling tolerance for titles and listed values: case, diacritics, punctuation and
    spacing do not matter, and only ASCII letters and digits are kept.

    >>> header_key("Đơn vị tính (m²)")
    'don vi tinh m'
    """
    folded = fold_diacritics(str(text)).casefold()
    return " ".join(_NON_ASCII_ALNUM.sub(" ", folded).split())


def lower_nfc(text: str) -> str:
    """NFC, lower case, whitespace (non-breaking spaces too) collapsed; diacritics kept.

    >>> lower_nfc("  Héc\u00a0TA ")
    'héc ta'
    """
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


_TONES = frozenset(_TONE_MARKS)


def tone_key(text: str) -> str:
    """Each word's tone mark moved to its end, so "hoà" and "hòa" compare equal.

    >>> tone_key("hoà") == tone_key("hòa")
    True
    """
    if text.isascii():
        return text
    words = []
    for word in text.split(" "):
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in decomposed if ch in _TONES)
        bare = "".join(ch for ch in decomposed if ch not in _TONES)
        words.append(unicodedata.normalize("NFC", bare) + tones)
    return " ".join(words)


# Control characters, and the bidirectional overrides that reorder what a terminal shows.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Sender text made safe to print or to put in a file name: control characters and
    direction overrides become visible escapes (\\x1b, \\u202e)."""
    if text.isprintable():
        return text
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
