"""Vietnamese text normalisation: tone placement, Unicode forms, diacritics, keys."""

from __future__ import annotations

import unicodedata

import pytest

from danvan.text import fold_diacritics, header_key, lower_nfc, normalize_text, search_key, tone_key

VIETNAMESE_LETTERS = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Open syllables ending in oa/oe/uy: the tone moves to the first vowel.
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("Khoá", "Khóa"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("khoẻ", "khỏe"),
        ("Xã Hoà An", "Xã Hòa An"),
        ("hoạ sĩ", "họa sĩ"),
        ("uỷ ban", "ủy ban"),
        # Already in that style: unchanged.
        ("hòa", "hòa"),
        ("Thủy", "Thủy"),
        # A final consonant follows: both conventions agree on the second vowel,
        # and a tone misplaced on the first vowel is corrected.
        ("hoàng", "hoàng"),
        ("toán", "toán"),
        ("huỳnh", "huỳnh"),
        ("hòang", "hoàng"),
        ("tòan", "toàn"),
        ("hùynh", "huỳnh"),
        # "qu" is a consonant; oai/uyê triphthongs are left alone.
        ("quý", "quý"),
        ("Quỳ Châu", "Quỳ Châu"),
        ("quả", "quả"),
        ("hoài", "hoài"),
        ("khuyến", "khuyến"),
        ("khuỷu", "khuỷu"),
    ],
)
def test_normalize_text_places_tones_in_one_convention(text: str, expected: str) -> None:
    """GIVEN a word in either tone-placement convention
    WHEN it is normalised
    THEN the tone sits where the "hòa" / "thủy" convention puts it."""
    assert normalize_text(text) == expected


def test_normalize_text_composes_nfd_and_collapses_whitespace() -> None:
    """GIVEN NFD text with tabs, non-breaking and zero-width spaces, old tone placement
    WHEN it is normalised
    THEN the result is NFC, single-spaced, stripped, in one tone convention."""
    text = unicodedata.normalize("NFD", "  Xã\tHoà\u00a0 Bình\u200b \n")
    result = normalize_text(text)
    assert result == "Xã Hòa Bình"
    assert unicodedata.is_normalized("NFC", result)


def test_normalize_text_is_idempotent_and_fixes_legacy_eth() -> None:
    """GIVEN text typed with the eth letter that legacy encodings use for Đ
    WHEN it is normalised (twice)
    THEN Ð becomes Đ and a second pass changes nothing."""
    once = normalize_text("Ðà Nẵng  thuỷ")
    assert once == "Đà Nẵng thủy"
    assert normalize_text(once) == once


def test_fold_diacritics_removes_every_mark() -> None:
    """GIVEN every Vietnamese letter, lower and upper case, in NFC and NFD
    WHEN diacritics are folded
    THEN only ASCII letters remain, đ -> d and Đ -> D."""
    for letters in (VIETNAMESE_LETTERS, VIETNAMESE_LETTERS.upper()):
        for form in ("NFC", "NFD"):
            folded = fold_diacritics(unicodedata.normalize(form, letters))
            assert folded.isascii() and folded.isalpha(), folded
    assert fold_diacritics("Đắk Lắk") == "Dak Lak"
    assert fold_diacritics("đường") == "duong"


def test_search_key_is_the_same_for_every_spelling() -> None:
    """GIVEN one name in NFC, NFD, both tone conventions, other case and punctuation
    WHEN search keys are computed
    THEN they are all equal, lower case ASCII with single spaces, digits kept."""
    spellings = [
        "Thủy Nguyên",
        "Thuỷ Nguyên",
        unicodedata.normalize("NFD", "Thuỷ Nguyên"),
        "THUY  NGUYEN",
        " thuy-nguyen ",
    ]
    assert {search_key(s) for s in spellings} == {"thuy nguyen"}
    assert search_key("TP. Hồ Chí Minh") == "tp ho chi minh"
    assert search_key("Phường 01") == "phuong 01"
    assert search_key("Xã Đạ M'ri") == "xa da m ri"


def test_header_key_keeps_only_ascii_letters_and_digits() -> None:
    """GIVEN a column title in any case, form and punctuation, with an invisible character
    WHEN its header key is computed
    THEN spellings agree and only ASCII letters and digits remain, in single spaces."""
    titles = [
        "Đơn vị tính",
        unicodedata.normalize("NFD", "ĐƠN VỊ TÍNH"),
        "don_vi_tinh",
        "Đơn\u200b vị-tính",
    ]
    assert {header_key(title) for title in titles} == {"don vi tinh"}
    assert header_key("Diện tích (m²)") == "dien tich m"
    assert header_key(2025) == "2025"


def test_lower_nfc_and_tone_key_compare_spellings_with_their_diacritics() -> None:
    """GIVEN unit spellings in NFD, upper case, with non-breaking spaces, in both tone conventions
    WHEN they are lowered and tone-keyed
    THEN the diacritics stay, and only the tone placement stops mattering."""
    assert lower_nfc(unicodedata.normalize("NFD", "  Héc\u00a0TA ")) == "héc ta"
    assert tone_key("gói hoà bình") == tone_key("gói hòa bình")
    assert tone_key("bàn") != tone_key("bán")
    assert tone_key("km") == "km"
