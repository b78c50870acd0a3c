"""Text typed with the legacy Vietnamese fonts (TCVN3, VNI), told apart and read back."""

from __future__ import annotations

import csv

import pytest

from danvan.settings import Settings
from danvan.text_legacy import TCVN3, VNI, legacy_reading, reads_as_vietnamese


@pytest.mark.parametrize(
    ("sent", "encoding", "text"),
    [
        # TCVN3 (ABC): one byte per letter; capitals from the capitals-only font.
        ("Th¸i B×nh", TCVN3, "Thái Bình"),
        ("§µ N½ng", TCVN3, "Đà Nẵng"),
        ("Qu¶ng Nam", TCVN3, "Quảng Nam"),
        ("M\u00adêng Kh\u00ad¬ng", TCVN3, "Mường Khương"),
        ("Trång nghÖ ®en", TCVN3, "Trồng nghệ đen"),
        ("TH¸I B×NH", TCVN3, "THÁI BÌNH"),
        ("\u00adu ®·i", TCVN3, "ưu đãi"),
        ("«ng", TCVN3, "ông"),
        # VNI: a letter, then a byte for its marks.
        ("Thaùi Bình", VNI, "Thái Bình"),
        ("Quaûng Nam", VNI, "Quảng Nam"),
        ("Ñaø Naüng", VNI, "Đà Nẵng"),
        ("Troàng ngheä ñen", VNI, "Trồng nghệ đen"),
        ("Hoaøng Quoác Vieät", VNI, "Hoàng Quốc Việt"),
        ("Xaõ Traø Ka", VNI, "Xã Trà Ka"),
        # A VNI word can look like a syllable but for its tone on a glide ("aõ", "aù").
        ("Xaõ Trà Ka", VNI, "Xã Trà Ka"),
        ("Caù tra", VNI, "Cá tra"),
    ],
)
def test_text_typed_with_a_legacy_font_is_read_back(sent, encoding, text):
    # GIVEN a name copied out of a document typed with a legacy font
    # WHEN it is read
    reading = legacy_reading(sent)
    # THEN exactly one encoding reads it as Vietnamese, and that reading is given
    assert reading is not None
    assert (reading.encodings, reading.text) == ((encoding,), text)


@pytest.mark.parametrize(
    "text",
    [
        "Thái Bình",
        "Xã Trà Ka",
        "Nguyễn Thị Minh Khai",
        "thuỷ lợi",
        "Bà Rịa – Vũng Tàu",
        "Mô hình “Dân vận khéo” 2×3",
        "Mô hình «Dân vận khéo»",
        "Ðà Nẵng",  # the eth stands in for Đ
        "Ea H'leo",
        "café",  # a foreign word bears no legacy font's letters
        "TK-1",
    ],
)
def test_unicode_and_foreign_text_is_left_alone(text):
    assert legacy_reading(text) is None


@pytest.mark.parametrize(
    ("sent", "encodings"),
    [
        ("Th¸i B×nhh", (TCVN3,)),  # TCVN3's letters, but "Bìnhh" is no Vietnamese word
        ("naïve", (TCVN3, VNI)),  # ï is a letter in both, and neither reads a word
    ],
)
def test_text_that_only_looks_legacy_is_suspect_without_a_reading(sent, encodings):
    reading = legacy_reading(sent)
    assert reading is not None
    assert (reading.encodings, reading.text) == (encodings, None)


def test_no_name_of_the_reference_seeds_is_taken_for_a_legacy_font():
    # GIVEN every name and alias of the reference seeds (units of government, catalogue)
    seeds = Settings().reference_seeds_dir
    spellings = {
        part
        for path in seeds.rglob("*.csv")
        for row in csv.reader(path.open(encoding="utf-8"))
        for cell in row
        for part in cell.split("|")
    }
    # THEN none is read as legacy text
    assert [text for text in spellings if legacy_reading(text) is not None] == []


def test_reads_as_vietnamese():
    assert reads_as_vietnamese("Xã Trà Ka, Năm 2023, 15/01/2024")
    assert not reads_as_vietnamese("Société générale")
