"""Vietnamese typed with the legacy font encodings, recognised and read back as Unicode.

Before Unicode, Vietnamese was typed with fonts whose code points stood for
Vietnamese letters: TCVN3 (the ABC fonts, ``.VnTime``), one byte per letter, and
VNI (``VNI-Times``), a base letter followed by a byte for its marks. Copied out of
such a document, the text arrives as Western letters and symbols: "Thái Bình" as
``Th¸i B×nh`` (TCVN3) or ``Thaùi Bình`` (VNI).

``legacy_reading`` tells such text apart. Text whose words are all Vietnamese
syllables is Unicode and left alone. Otherwise each encoding is tried: when exactly
one of them turns every word into a Vietnamese syllable, that reading is certain;
when neither does (or both do) but the text bears an encoding's marks, it is
suspect and must be retyped; text with no such marks (a foreign word) is left alone.

``reads_as_vietnamese`` is the same syllable test, for text decoded from a legacy
code page (Windows-1258).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["TCVN3", "VNI", "LegacyReading", "legacy_reading", "reads_as_vietnamese"]

TCVN3 = "TCVN3 (ABC)"
VNI = "VNI"
ENCODINGS = (TCVN3, VNI)

# TCVN3: each character (the font's byte, read as Latin-1) -> the letter it stands for.
# Capitals are the same bytes in a capitals-only font (.VnTimeH); only Ă Â Ê Ô Ơ Ư Đ
# have bytes of their own.
_TCVN3_LETTERS = {
    "à": "µ", "ả": "¶", "ã": "·", "á": "¸", "ạ": "¹",
    "ă": "¨", "ằ": "»", "ẳ": "¼", "ẵ": "½", "ắ": "¾", "ặ": "Æ",
    "â": "©", "ầ": "Ç", "ẩ": "È", "ẫ": "É", "ấ": "Ê", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "ẻ": "Î", "ẽ": "Ï", "é": "Ð", "ẹ": "Ñ",
    "ê": "ª", "ề": "Ò", "ể": "Ó", "ễ": "Ô", "ế": "Õ", "ệ": "Ö",
    "ì": "×", "ỉ": "Ø", "ĩ": "Ü", "í": "Ý", "ị": "Þ",
    "ò": "ß", "ỏ": "á", "õ": "â", "ó": "ã", "ọ": "ä",
    "ô": "«", "ồ": "å", "ổ": "æ", "ỗ": "ç", "ố": "è", "ộ": "é",
    "ơ": "¬", "ờ": "ê", "ở": "ë", "ỡ": "ì", "ớ": "í", "ợ": "î",
    "ù": "ï", "ủ": "ñ", "ũ": "ò", "ú": "ó", "ụ": "ô",
    "ư": "\u00ad", "ừ": "õ", "ử": "ö", "ữ": "÷", "ứ": "ø", "ự": "ù",
    "ỳ": "ú", "ỷ": "û", "ỹ": "ü", "ý": "ý", "ỵ": "þ",
    "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§",
}  # fmt: skip
_FROM_TCVN3 = {ord(byte): letter for letter, byte in _TCVN3_LETTERS.items()}

# VNI: a vowel, then one character for its marks (tone, and the hat or breve of â ă ê ô).
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_HAT_TONES = {
    "â": "",
    "á": "\u0301",
    "à": "\u0300",
    "å": "\u0309",
    "ã": "\u0303",
    "ä": "\u0323",
}
_VNI_BREVE_TONES = {
    "ê": "",
    "é": "\u0301",
    "è": "\u0300",
    "ú": "\u0309",
    "ü": "\u0303",
    "ë": "\u0323",
}
# Letters VNI gives a byte of their own: ơ ư đ, and i and ỵ with their tones.
_VNI_SINGLE = {
    "ô": "ơ",
    "ö": "ư",
    "ñ": "đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
}


def _vni_table() -> dict[str, str]:
    """Each VNI pair (vowel as written, then its marks) and single letter -> the letter."""
    table: dict[str, str] = {}

    def add(written: str, letter: str, marks: dict[str, str]) -> None:
        for mark, tone in marks.items():
            for base, meant, case_mark in (
                (written, letter, mark),
                (written.upper(), letter.upper(), mark.upper()),
            ):
                table[base + case_mark] = table[base + case_mark.lower()] = unicodedata.normalize(
                    "NFC", meant + tone
                )

    for vowel in "aeouy":
        add(vowel, vowel, _VNI_TONES)
    for vowel, hatted in zip("aeo", "âêô", strict=True):
        add(vowel, hatted, _VNI_HAT_TONES)
    add("a", "ă", _VNI_BREVE_TONES)
    add("ô", "ơ", _VNI_TONES)  # VNI's ô is ơ, and ö is ư: their tones follow them
    add("ö", "ư", _VNI_TONES)
    for byte, letter in _VNI_SINGLE.items():
        table[byte] = letter
        table[byte.upper()] = letter.upper()
    return table


_FROM_VNI = _vni_table()
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _FROM_VNI), key=len, reverse=True)))

# Vietnamese syllables: an initial consonant, a vowel group, a final consonant.
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
# Vowel groups that end the syllable (their last vowel is a glide), and those a final
# consonant may follow.
_OPEN_GROUPS = (
    "iêu|yêu|oai|oao|oay|oeo|uây|uôi|uya|uyu|ươi|ươu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu|y"
)
_CLOSABLE_GROUPS = "uyê|iê|yê|oa|oă|oe|uâ|uê|uô|uy|ươ|a|ă|â|e|ê|i|o|ô|ơ|u|ư"
_FINALS = "ch|nh|ng|c|m|n|p|t"
_SYLLABLE_RE = re.compile(
    rf"(?:{_INITIALS})?(?:(?P<open>{_OPEN_GROUPS})|(?:{_CLOSABLE_GROUPS})(?:{_FINALS})?)"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
# A word: letters, and the symbols that stand for letters in the legacy encodings.
_LEGACY_SYMBOLS = "".join(chr(ch) for ch in _FROM_TCVN3 if not chr(ch).isalpha())
_WORD_RE = re.compile(rf"(?:[^\W\d_]|[{re.escape(_LEGACY_SYMBOLS)}])+")


# Ð/ð (eth) stand in for Đ/đ in some legacy text, as ``danvan.text`` reads them.
_ETH = str.maketrans({"Ð": "Đ", "ð": "đ"})


@lru_cache(maxsize=65536)  # words repeat: a code page's sample is read word by word
def _is_syllable(word: str) -> bool:
    """Whether ``word`` is one Vietnamese syllable: at most one tone mark, and letters
    that make an initial, a vowel group and a final."""
    letters = unicodedata.normalize("NFC", word.lower().translate(_ETH))
    bare, toned = "", []  # the letters without tones; which of them carry one
    for position, letter in enumerate(letters):
        decomposed = unicodedata.normalize("NFD", letter)
        marks = [ch for ch in decomposed if ch in _TONE_MARKS]
        bare += unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in marks))
        toned += [position] * len(marks)
    if len(toned) > 1 or len(bare) != len(letters):
        return False
    found = _SYLLABLE_RE.fullmatch(bare)
    if found is None:
        return False
    # A vowel group that ends in a glide never carries the tone on that glide ("lá", "xã",
    # "người"; not "laú", "xaõ"), except "uơ" ("thuở").
    open_group = found.group("open")
    return not (
        toned
        and open_group
        and len(open_group) > 1
        and open_group != "uơ"
        and toned[0] == found.end("open") - 1
    )


def _is_word(word: str) -> bool:
    """Whether ``word`` is a Vietnamese syllable, maybe in guillemets (TCVN3's ô and ằ)."""
    bare = word.strip("«»")
    return not bare or _is_syllable(bare)


def _words(text: str) -> list[str]:
    """The words of ``text`` beyond plain ASCII (codes and English stay out of it) that have
    a letter (a lone × or © is a symbol)."""
    return [word for word in _WORD_RE.findall(text) if _beyond_ascii(word)]


@lru_cache(maxsize=65536)  # words recur from cell to cell
def _beyond_ascii(word: str) -> bool:
    return not word.isascii() and any(ch.isalpha() for ch in word)


@lru_cache(maxsize=65536)
def _is_strange(word: str) -> bool:
    """Whether a word of a text is one of its ``_words`` and no Vietnamese syllable."""
    return _beyond_ascii(word) and not _is_word(word)


def reads_as_vietnamese(text: str) -> bool:
    """Whether every word of ``text`` with a letter beyond ASCII is a Vietnamese syllable."""
    return all(map(_is_word, _words(unicodedata.normalize("NFC", text))))


def _from_tcvn3(text: str) -> str:
    converted = text.translate(_FROM_TCVN3)
    # A capitals-only font writes capitals with the small letters' bytes.
    return _WORD_RE.sub(
        lambda m: m.group().upper() if _all_capitals(text[m.start() : m.end()]) else m.group(),
        converted,
    )


def _all_capitals(word: str) -> bool:
    letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
    return len(letters) > 1 and all(ch.isupper() for ch in letters)


def _from_vni(text: str) -> str:
    return _VNI_RE.sub(lambda m: _FROM_VNI[m.group()], text)


_CONVERTERS = {TCVN3: _from_tcvn3, VNI: _from_vni}


def _marks(word: str) -> set[str]:
    """The encodings whose letters ``word`` bears (characters no Vietnamese word has)."""
    found = set()
    if any(ord(ch) in _FROM_TCVN3 and not _is_vietnamese_letter(ch) for ch in word):
        found.add(TCVN3)
    if any(not _is_vietnamese_letter(match[-1]) for match in _VNI_RE.findall(word)):
        found.add(VNI)  # a mark or letter byte no Vietnamese word has: ñ ö ø ï ä ë…
    return found


def _is_vietnamese_letter(ch: str) -> bool:
    return ch.isascii() or _is_syllable_letter(ch)


@lru_cache(maxsize=512)
def _is_syllable_letter(ch: str) -> bool:
    base = unicodedata.normalize("NFD", ch.lower().translate(_ETH))
    kept = unicodedata.normalize("NFC", "".join(c for c in base if c not in _TONE_MARKS))
    return kept in "aăâeêioôơuưyđ" and len(base) - len(kept) <= 1 and ch.isalpha()


@dataclass(frozen=True, slots=True)
class LegacyReading:
    """Text typed with a legacy font: ``text`` as Unicode when the reading is certain
    (None when not), and the encodings it may be in."""

    encodings: tuple[str, ...]
    text: str | None


@lru_cache(maxsize=65536)
def legacy_reading(text: str) -> LegacyReading | None:
    """How ``text`` reads if it was typed with a legacy font; None if it is not such text."""
    if text.isascii():
        return None
    strange = [word for word in _WORD_RE.findall(text) if _is_strange(word)]
    if not strange:
        return None
    readings = {
        encoding: converted
        for encoding, convert in _CONVERTERS.items()
        if (converted := convert(text)) != text and reads_as_vietnamese(converted)
    }
    if len(readings) == 1:
        ((encoding, converted),) = readings.items()
        return LegacyReading((encoding,), unicodedata.normalize("NFC", converted))
    suspects = set(readings) | {encoding for word in strange for encoding in _marks(word)}
    if not suspects:
        return None  # a foreign word, not a legacy font
    return LegacyReading(tuple(e for e in ENCODINGS if e in suspects), None)
