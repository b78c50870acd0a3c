"""Reading cell values the way communes and provincial systems write them."""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values import numbers
from danvan.ingest.values.dates import parse_date, parse_rough_date
from danvan.ingest.values.errors import ValueParseError
from danvan.ingest.values.numbers import QUALIFIERS
from danvan.ingest.values.periods import PERIOD_KINDS, Period, parse_period
from danvan.ingest.values.units import load_units
from danvan.settings import Settings

UNITS = ReferenceData.from_seeds(Settings().reference_seeds_dir).units
parse_number = UNITS.parse_number
parse_quantity = UNITS.parse_quantity


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        # Figures quoted in docs/programme.md.
        ("13.000.000.000", "13000000000", None),
        ("1,2", "1.2", None),
        ("13 tỷ đồng", "13000000000", None),
        ("60 triệu", "60000000", None),
        ("hơn 280", "280", "more_than"),
        (">1", "1", "more_than"),
        ("2,34%", "2.34", None),
        ("19.300", "19300", None),
        ("21.377", "21377", None),
        ("99,2%", "99.2", None),
        # Separator rules.
        ("1234", "1234", None),
        ("1.234", "1234", None),
        ("100.000", "100000", None),
        ("1.2", "1.2", None),
        ("1.50", "1.5", None),
        ("0.916", "0.916", None),
        ("0,916", "0.916", None),
        ("1234.5", "1234.5", None),
        ("1234,5", "1234.5", None),
        ("1234.567", "1234.567", None),
        ("1.234,5", "1234.5", None),
        ("1.234.567,89", "1234567.89", None),
        ("1,234.5", "1234.5", None),
        ("1,234,567", "1234567", None),
        ("-3,5", "-3.5", None),
        ("  19.300 ", "19300", None),
        # Spaces group thousands: plain, non-breaking and narrow no-break spaces.
        ("1 200", "1200", None),
        ("1 200 000", "1200000", None),
        ("1\u00a0200\u00a0000", "1200000", None),
        ("1\u202f200", "1200", None),
        ("1 200,5", "1200.5", None),
        ("hơn 1 200", "1200", "more_than"),
        ("1 200 triệu", "1200000000", None),
        # Scale words, alone, stacked and in descending terms.
        ("1,5 tỷ", "1500000000", None),
        ("1,5 tỉ đồng", "1500000000", None),
        ("60tr", "60000000", None),
        ("5 nghìn", "5000", None),
        ("5 ngàn", "5000", None),
        ("5 nghìn tỷ", "5000000000000", None),
        ("1 tỷ 200 triệu đồng", "1200000000", None),
        # "rưỡi": half of the scale word before it.
        ("2 tỷ rưỡi", "2500000000", None),
        ("1 triệu rưỡi", "1500000", None),
        ("3 nghìn rưỡi", "3500", None),
        ("2 ty ruoi dong", "2500000000", None),
        ("khoảng 1 tỷ rưỡi", "1500000000", "about"),
        ("2 million", "2000000", None),
        ("1.000.000 đ", "1000000", None),
        ("500.000 VNĐ", "500000", None),
        ("5 phần trăm", "5", None),
        # Qualifiers.
        ("trên 300", "300", "more_than"),
        ("more than 5", "5", "more_than"),
        ("dưới 10", "10", "less_than"),
        ("< 10", "10", "less_than"),
        ("khoảng 70", "70", "about"),
        ("~70", "70", "about"),
        ("gần 1.000", "1000", "about"),
        ("xấp xỉ 2,5", "2.5", "about"),
        ("ít nhất 2", "2", "at_least"),
        ("≥ 2", "2", "at_least"),
        ("280 trở lên", "280", "at_least"),
        ("từ 2 trở lên", "2", "at_least"),
        ("tối đa 5", "5", "at_most"),
        ("hơn 1 tỷ đồng", "1000000000", "more_than"),
        # Without diacritics, upper case, NFD.
        ("hon 280", "280", "more_than"),
        ("tren 300", "300", "more_than"),
        ("13 ty dong", "13000000000", None),
        ("60 TRIỆU", "60000000", None),
        (nfd("hơn 1.000"), "1000", "more_than"),
        (nfd("13 tỷ đồng"), "13000000000", None),
        (nfd("khoảng 1,5 triệu"), "1500000", "about"),
    ],
)
def test_parse_number_reads_vietnamese_and_machine_forms(text, value, qualifier):
    # GIVEN a number as typed in a submission
    # WHEN it is parsed
    parsed = parse_number(text)
    # THEN the value is exact and the qualifier says how it was hedged
    assert parsed.value == Decimal(value)
    assert parsed.qualifier == qualifier


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (13, "13"),
        (13000000000.0, "13000000000"),
        (2.34, "2.34"),
        (0.1, "0.1"),
        (Decimal("1.5"), "1.5"),
    ],
)
def test_parse_number_takes_excel_numbers_as_they_are(cell, value):
    # GIVEN a numeric Excel cell WHEN parsed THEN no binary-float artefacts appear
    parsed = parse_number(cell)
    assert parsed.value == Decimal(value)
    assert str(parsed.value) == value
    assert parsed.qualifier is None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1,234", "ambiguous"),
        ("13,000", "ambiguous"),
        ("280.", "separator"),
        ("1.2.3", "thousands groups"),
        ("1.2,3", "thousands groups"),
        ("1,2.3,4", "thousands groups"),
        ("", "no number"),
        ("abc", "no number"),
        ("hàng trăm", "no number"),
        ("916 m", "unexpected 'm'"),
        ("2020-2025", "unexpected '-2025'"),
        ("2–3", "unexpected"),
        ("389/392", "unexpected"),
        ("1 tỷ 2", "falling scale words"),
        ("1 2", "thousands groups of three"),
        ("12 34", "thousands groups of three"),
        ("0 500", "thousands groups of three"),
        ("1 200.000", "thousands groups of three"),
        ("2 rưỡi", "must follow tỷ, triệu or nghìn"),
        ("1 tỷ rưỡi 200 triệu", "unexpected '200 triệu'"),
        ("200 triệu 1 tỷ", "falling scale words"),
        ("hơn 5 trở lên", "two qualifiers"),
        ("tổng 5", "unexpected 'tổng'"),
        (True, "not a number"),
        (None, "not a number"),
        (math.nan, "not a finite number"),
        (Decimal("Infinity"), "not a finite number"),
    ],
)
def test_parse_number_refuses_what_it_cannot_read_unambiguously(text, why):
    # GIVEN a value that is not one unambiguous number
    # WHEN it is parsed
    with pytest.raises(ValueParseError) as caught:
        parse_number(text)
    # THEN the error says why, in English and Vietnamese, and which forms are accepted
    error = caught.value
    assert isinstance(error, ValueError)
    assert why in str(error)
    assert "accepted" in str(error)
    assert "chấp nhận" in error.message_vi
    assert error.text == (text if isinstance(text, str) else str(text))


def test_qualifiers_are_the_documented_set():
    assert set(QUALIFIERS) == {"more_than", "less_than", "about", "at_least", "at_most"}


# --------------------------------------------------------------------------- quantities


@pytest.mark.parametrize(
    ("text", "unit", "value", "canonical", "qualifier", "input_unit"),
    [
        # Figures quoted in docs/programme.md.
        ("916 m", None, "0.916", "km", None, "m"),
        ("0,916 km", None, "0.916", "km", None, "km"),
        (">1 ha", None, "10000", "m2", "more_than", "ha"),
        ("13 tỷ đồng", None, "13000000000", "VND", None, "billion_VND"),
        ("7,1 km", None, "7.1", "km", None, "km"),
        ("36,2 km", None, "36.2", "km", None, "km"),
        ("2,34%", None, "2.34", "percent", None, "percent"),
        ("hơn 280 mô hình", None, "280", "model", "more_than", "model"),
        ("65 cây cầu", None, "65", "bridge", None, "bridge"),
        ("hơn 1.000 hộ", None, "1000", "households", "more_than", "households"),
        ("169 thành viên", None, "169", "persons", None, "members"),
        ("hơn 200 suất ăn", None, "200", "meal", "more_than", "meal"),
        ("hơn 300 lượt tuần tra", None, "300", "patrol", "more_than", "patrol"),
        ("37 vụ việc", None, "37", "case", None, "case"),
        ("4 căn nhà", None, "4", "house", None, "house"),
        ("120 ngày công", None, "120", "labour_days", None, "labour_days"),
        ("300 lượt", None, "300", "occasion", None, "occasion"),
        ("12 buổi", None, "12", "occasion", None, "occasion"),
        ("5 cuộc", None, "5", "occasion", None, "occasion"),
        ("500 lượt người", None, "500", "persons", None, "persons"),
        ("40 lượt hộ", None, "40", "households", None, "households"),
        ("500 m²", None, "500", "m2", None, "m2"),
        ("500 m2", None, "500", "m2", None, "m2"),
        ("3 sào Bắc Bộ", None, "1080", "m2", None, "sao_bac_bo"),
        ("2 sào Trung Bộ", None, "1000", "m2", None, "sao_trung_bo"),
        ("2 công Nam Bộ", None, "2000", "m2", None, "cong_nam_bo"),
        ("1,5 héc-ta", None, "15000", "m2", None, "ha"),
        ("60 triệu đồng", None, "60000000", "VND", None, "million_VND"),
        ("1 tỷ 200 triệu đồng", None, "1200000000", "VND", None, "VND"),
        # The unit in its own column.
        ("916", "m", "0.916", "km", None, "m"),
        ("60", "triệu đồng", "60000000", "VND", None, "million_VND"),
        ("13", "tỷ đồng", "13000000000", "VND", None, "billion_VND"),
        (12, "hộ", "12", "households", None, "households"),
        (2.5, "ha", "25000", "m2", None, "ha"),
        ("hơn 280", "mô hình", "280", "model", "more_than", "model"),
        ("1,5 tỷ", "đồng", "1500000000", "VND", None, "VND"),
        # Both, agreeing (a scale word is part of the number).
        ("916 m", "m", "0.916", "km", None, "m"),
        ("13 tỷ đồng", "đồng", "13000000000", "VND", None, "VND"),
        ("13 tỷ đồng", "tỷ đồng", "13000000000", "VND", None, "billion_VND"),
        ("2,34 %", "%", "2.34", "percent", None, "percent"),
        # Case, missing diacritics, NFD.
        ("916 M", None, "0.916", "km", None, "m"),
        (">1 HA", None, "10000", "m2", "more_than", "ha"),
        ("13 ty dong", None, "13000000000", "VND", None, "billion_VND"),
        ("120 ngay cong", None, "120", "labour_days", None, "labour_days"),
        ("1 hecta", None, "10000", "m2", None, "ha"),
        (nfd("1,5 tỷ đồng"), None, "1500000000", "VND", None, "billion_VND"),
        (nfd("hơn 1.000 hộ"), None, "1000", "households", "more_than", "households"),
        ("916", nfd("mét"), "0.916", "km", None, "m"),
    ],
)
def test_parse_quantity_converts_to_the_canonical_unit(
    text, unit, value, canonical, qualifier, input_unit
):
    # GIVEN a value with its unit in the cell or in the unit column
    # WHEN it is parsed as a quantity
    quantity = parse_quantity(text, unit)
    # THEN it is in the canonical unit of its dimension, remembering the unit written
    assert quantity.value == Decimal(value)
    assert quantity.unit == canonical
    assert quantity.qualifier == qualifier
    assert quantity.input_unit == input_unit


@pytest.mark.parametrize(
    ("text", "dimension", "value", "canonical"),
    [
        ("60 triệu", "money", "60000000", "VND"),
        ("13.000.000.000", "money", "13000000000", "VND"),
        ("916 m", "length", "0.916", "km"),
        (">1 ha", "area", "10000", "m2"),
        ("120 ngày công", "labour", "120", "labour_days"),
        ("2,34%", "rate", "2.34", "percent"),
        ("12 hộ", "count", "12", "households"),
    ],
)
def test_parse_quantity_checks_the_expected_dimension(text, dimension, value, canonical):
    # GIVEN a value for a column of known dimension WHEN parsed THEN it is accepted;
    # a bare amount of money is in đồng
    quantity = parse_quantity(text, expected_dimension=dimension)
    assert (quantity.value, quantity.unit) == (Decimal(value), canonical)


@pytest.mark.parametrize(
    ("text", "unit", "dimension", "why"),
    [
        ("916 m", "km", None, "unit column says km"),
        ("13 tỷ đồng", "triệu đồng", None, "unit column says million_VND"),
        ("60 triệu", "triệu đồng", None, "scale word"),
        ("5 km", None, "money", "money value is expected"),
        ("65 cây cầu", None, "area", "area value is expected"),
        ("12", None, None, "no unit"),
        ("916", None, "length", "no unit"),
        ("3 sào", None, None, "unknown unit 'sào'"),
        ("3 công", None, None, "unknown unit 'công'"),
        ("5 furlongs", None, None, "unknown unit"),
        ("5", "furlongs", None, "unknown unit"),
        ("1,234 km", None, None, "ambiguous"),
        ("5 km", None, "weight", "unknown dimension"),
    ],
)
def test_parse_quantity_refuses_disagreeing_or_unknown_units(text, unit, dimension, why):
    # GIVEN a quantity whose unit is missing, unknown, or contradicts the column
    # WHEN it is parsed
    with pytest.raises(ValueParseError) as caught:
        parse_quantity(text, unit, expected_dimension=dimension)
    # THEN the error explains it in both languages
    assert why in str(caught.value)
    assert caught.value.message_vi


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("Héc-ta", "ha"),
        ("HA", "ha"),
        (nfd("héc-ta"), "ha"),
        ("hec-ta", "ha"),
        ("VNĐ", "VND"),
        ("vnd", "VND"),
        ("Đồng", "VND"),
        ("m²", "m2"),
        ("  mét   vuông ", "m2"),
        ("ngay cong", "labour_days"),
        ("%", "percent"),
        ("thousand_VND", "thousand_VND"),
    ],
)
def test_unit_spellings_tolerate_case_form_and_missing_diacritics(spelling, code):
    assert UNITS.resolve(spelling).code == code


def _seed(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "units.csv"
    header = "unit_code,dimension,canonical_unit_code,factor_to_canonical,name_vi,name_en,aliases"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_load_units_reads_another_seed_and_matches_either_tone_placement(tmp_path):
    # GIVEN a seed whose alias uses the old tone placement ("hoà")
    units = load_units(
        _seed(
            tmp_path,
            [
                "pack,count,pack,1,gói,packs,gói hoà bình|goi hoa binh",
                "box,count,box,1,hộp,boxes,bàn|bán",
            ],
        )
    )
    # WHEN it is looked up with the new placement or without diacritics
    # THEN the same unit is found; a diacritic-free spelling shared by two aliases is refused
    assert units.resolve("gói hòa bình").code == "pack"
    assert units.resolve("GOI HOA BINH").code == "pack"
    assert units.resolve("bán").code == "box"
    assert units.resolve("ban").code == "box"


def test_diacritic_free_spelling_of_two_units_is_ambiguous(tmp_path):
    units = load_units(_seed(tmp_path, ["a,count,a,1,bàn,tables,bàn", "b,count,b,1,bán,sales,bán"]))
    with pytest.raises(ValueParseError, match="ambiguous"):
        units.resolve("ban")


@pytest.mark.parametrize(
    ("rows", "why"),
    [
        (["a,count,a,1,a,a,x", "b,count,b,1,b,b,x"], "names both"),
        (["a,count,b,1,a,a,"], "unknown canonical"),
        (["a,count,a,1,a,a,", "b,length,a,2,b,b,"], "not canonical"),
        (["a,count,a,0,a,a,"], "non-positive"),
    ],
)
def test_load_units_refuses_an_inconsistent_seed(tmp_path, rows, why):
    with pytest.raises(ValueError, match=why):
        load_units(_seed(tmp_path, rows))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/2024", date(2024, 3, 5)),
        ("5/3/2024", date(2024, 3, 5)),
        ("05-03-2024", date(2024, 3, 5)),
        ("05.03.2024", date(2024, 3, 5)),
        ("31/12/2023", date(2023, 12, 31)),
        ("29/02/2024", date(2024, 2, 29)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03-05T08:30:00", date(2024, 3, 5)),
        ("2024-03-05 00:00:00", date(2024, 3, 5)),
        ("05/03/2024 08:30", date(2024, 3, 5)),
        ("ngày 5 tháng 3 năm 2024", date(2024, 3, 5)),
        ("Ngày 05 tháng 03 năm 2024", date(2024, 3, 5)),
        ("ngay 5 thang 3 nam 2024", date(2024, 3, 5)),
        (nfd("ngày 5 tháng 3 năm 2024"), date(2024, 3, 5)),
        ("ngày 05/03/2024", date(2024, 3, 5)),
        (45292, date(2024, 1, 1)),
        (45292.75, date(2024, 1, 1)),
        (Decimal(45658), date(2025, 1, 1)),
        (1, date(1900, 1, 1)),
        (59, date(1900, 2, 28)),
        (61, date(1900, 3, 1)),
        (date(2024, 3, 5), date(2024, 3, 5)),
        (datetime(2024, 3, 5, 23, 59), date(2024, 3, 5)),
    ],
)
def test_parse_date_reads_day_first_iso_words_and_excel_serials(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("03/25/2024", "never mm/dd"),
        ("05/03/24", "four digits"),
        ("5-3-24", "four digits"),
        ("31/02/2024", "day 31 does not exist"),
        ("29/02/2023", "day 29 does not exist"),
        ("15/13/2024", "month 13 does not exist"),
        ("2024/03/05", "unknown date format"),
        ("March 5, 2024", "unknown date format"),
        ("45292", "unknown date format"),
        ("", "unknown date format"),
        (60, "does not exist"),
        (0, "not an Excel date serial"),
        (True, "not a date"),
    ],
)
def test_parse_date_never_guesses(value, why):
    with pytest.raises(ValueParseError) as caught:
        parse_date(value)
    assert why in str(caught.value)
    assert "dd/mm/yyyy" in str(caught.value)
    assert caught.value.message_vi


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("05/03/2024", date(2024, 3, 5)),
        ("3/2024", date(2024, 3, 1)),
        ("03/2024", date(2024, 3, 1)),
        ("T3/2024", date(2024, 3, 1)),
        ("tháng 3/2024", date(2024, 3, 1)),
        ("Tháng 03 năm 2024", date(2024, 3, 1)),
        (nfd("Tháng 03 năm 2024"), date(2024, 3, 1)),
        ("2024-03", date(2024, 3, 1)),
        ("2024", date(2024, 1, 1)),
        ("năm 2021", date(2021, 1, 1)),
        (2021, date(2021, 1, 1)),
        (2021.0, date(2021, 1, 1)),
        (45000, date(2023, 3, 15)),  # an Excel serial is still a day
    ],
)
def test_parse_rough_date_takes_a_month_or_a_year_as_its_first_day(value, expected):
    # GIVEN when a model started, as a day, a month or a year WHEN read THEN its first day
    assert parse_rough_date(value) == expected


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("13/2024", "month 13 does not exist"),
        ("03/25/2024", "never mm/dd"),
        ("Quý III/2024", "is a quarter, not a day, month or year"),
        ("1500", "not a year a model can have started in"),
        ("abc", "unknown date format"),
    ],
)
def test_parse_rough_date_refuses_what_is_no_day_month_or_year(value, why):
    # GIVEN a value that is no day, month or year WHEN read THEN refused with why and the forms
    with pytest.raises(ValueParseError) as caught:
        parse_rough_date(value)
    assert why in str(caught.value)
    assert "or a month (3/2024" in str(caught.value)
    assert "hoặc tháng (3/2024" in caught.value.message_vi


def test_a_day_is_not_a_month():
    # GIVEN a month where a day is required WHEN read as a date THEN it is refused
    with pytest.raises(ValueParseError, match="unknown date format"):
        parse_date("3/2024")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("text", "kind", "code", "start", "end"),
    [
        # Forms quoted in docs/programme.md.
        ("Quý III/2025", "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("6 tháng đầu năm 2024", "half_year", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("9 tháng 2023", "nine_months", "2023-9M", date(2023, 1, 1), date(2023, 9, 30)),
        ("năm 2023", "year", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2020-2025", "term", "2020-2025", date(2020, 1, 1), date(2025, 12, 31)),
        # Months.
        ("tháng 1/2025", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31)),
        ("Tháng 01 năm 2025", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31)),
        ("01/2025", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31)),
        ("T2/2024", "month", "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2025-01", "month", "2025-01", date(2025, 1, 1), date(2025, 1, 31)),
        # Quarters.
        ("quý 3 năm 2025", "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("Q3/2025", "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("Q3 2025", "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        ("Quý I/2024", "quarter", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("Quý II/2024", "quarter", "2024-Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("QUÝ IV NĂM 2024", "quarter", "2024-Q4", date(2024, 10, 1), date(2024, 12, 31)),
        ("2025-Q3", "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        # Half years and nine months.
        ("6 tháng cuối năm 2024", "half_year", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("6 tháng 2024", "half_year", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("6 thang dau nam 2024", "half_year", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("H2/2024", "half_year", "2024-H2", date(2024, 7, 1), date(2024, 12, 31)),
        ("2024-H1", "half_year", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
        ("9 tháng đầu năm 2023", "nine_months", "2023-9M", date(2023, 1, 1), date(2023, 9, 30)),
        ("2023-9M", "nine_months", "2023-9M", date(2023, 1, 1), date(2023, 9, 30)),
        # Years and terms.
        ("2023", "year", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("Năm 2023", "year", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        (2023, "year", "2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("2020 – 2025", "term", "2020-2025", date(2020, 1, 1), date(2025, 12, 31)),
        ("giai đoạn 2020-2025", "term", "2020-2025", date(2020, 1, 1), date(2025, 12, 31)),
        ("nhiệm kỳ 2020–2025", "term", "2020-2025", date(2020, 1, 1), date(2025, 12, 31)),
        ("2009–2024", "term", "2009-2024", date(2009, 1, 1), date(2024, 12, 31)),
        (nfd("Quý III/2025"), "quarter", "2025-Q3", date(2025, 7, 1), date(2025, 9, 30)),
        (nfd("6 tháng đầu năm 2024"), "half_year", "2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
    ],
)
def test_parse_period_reads_every_reporting_period(text, kind, code, start, end):
    # GIVEN a period as a report names it WHEN parsed THEN kind, code and days are exact
    period = parse_period(text)
    assert (period.kind, period.code, period.start, period.end) == (kind, code, start, end)
    assert period.kind in PERIOD_KINDS


@pytest.mark.parametrize(
    ("code", "label_vi"),
    [
        ("2025-01", "Tháng 1/2025"),
        ("2025-Q3", "Quý III/2025"),
        ("2024-H1", "6 tháng đầu năm 2024"),
        ("2024-H2", "6 tháng cuối năm 2024"),
        ("2023-9M", "9 tháng đầu năm 2023"),
        ("2023", "Năm 2023"),
        ("2020-2025", "Giai đoạn 2020–2025"),
    ],
)
def test_period_codes_round_trip(code, label_vi):
    # GIVEN a canonical code WHEN read back THEN it names the same period,
    # and its Vietnamese label parses to it again
    period = Period.from_code(code)
    assert period.code == code
    assert period.label_vi == label_vi
    assert parse_period(period.label_vi) == period
    assert parse_period(code) == period


@pytest.mark.parametrize(
    ("outer", "inner", "contained"),
    [
        ("2020-2025", "2023-Q3", True),
        ("2023", "2023-9M", True),
        ("2023-9M", "2023-Q3", True),
        ("2023-9M", "2023-Q4", False),
        ("2024-H1", "2024-06", True),
        ("2024-H1", "2024-07", False),
        ("2023-Q3", "2023", False),
        ("2023", "2023", True),
    ],
)
def test_period_contains_periods(outer, inner, contained):
    assert Period.from_code(outer).contains(Period.from_code(inner)) is contained


def test_period_contains_days():
    period = parse_period("Quý III/2025")
    assert period.contains(date(2025, 7, 1))
    assert period.contains(date(2025, 9, 30))
    assert not period.contains(date(2025, 10, 1))


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("tháng 13/2025", "month 13 does not exist"),
        ("Quý V/2025", "unknown period format"),
        ("Q5/2025", "unknown period format"),
        ("9 tháng cuối năm 2023", "unknown period format"),
        ("2025-2020", "earlier to a later year"),
        ("2025-2025", "earlier to a later year"),
        ("Q3/25", "unknown period format"),
        ("từ năm 2013 đến nay", "unknown period format"),
        ("", "unknown period format"),
        (True, "not text"),
        (25, "not text"),
    ],
)
def test_parse_period_refuses_unknown_forms(text, why):
    with pytest.raises(ValueParseError) as caught:
        parse_period(text)
    assert why in str(caught.value)
    assert "accepted" in str(caught.value)
    assert "chấp nhận" in caught.value.message_vi


@pytest.mark.parametrize("code", ["Quý III/2025", "2025-q3", "2025-1", "2025-13"])
def test_from_code_accepts_only_canonical_codes(code):
    with pytest.raises(ValueParseError):
        Period.from_code(code)


def test_a_number_may_end_only_with_the_words_it_is_given():
    # GIVEN a number followed by a word for đồng
    # WHEN it is read with and without the units seed's suffixes
    # THEN only the units' reading accepts the word
    assert parse_number("1.000.000 đồng").value == Decimal(1_000_000)
    with pytest.raises(ValueParseError, match="after the number"):
        numbers.parse_number("1.000.000 đồng")
