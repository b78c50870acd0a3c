"""Bundled sample submissions for the quick start, written in all three encodings.

They restate the figures of published provincial reports (see docs/analyst-guide.md)
the way units really send them: Excel workbooks from communes, JSON and CSV exports
from provincial e-reporting systems; Vietnamese number styles (``13 tỷ đồng``,
``916 m``, ``hơn 300``); names without diacritics, in NFD, with or without their
prefix; a revised report; a nine-month report overlapping its quarters; yearly
reports adding up to a term; units of the old map rolling up to today's provinces;
agencies; a replicated model; recognitions at district and provincial level;
a commune that stopped reporting; and one row with a mistake that must be
quarantined. After ``make demo`` every query of the analyst guide and every chart
of ``danvan report`` has something to show. Its length is the samples' data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from danvan.ingest.format.writers import Submission, write_csv, write_json, write_workbook


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


Row = dict[str, Any]


def _header(
    name: str, level: str, province: str, period: str, submitted_on: str, **extra: Any
) -> Row:
    return {
        "reporting_unit_name": name,
        "reporting_unit_level": level,
        "province": province,
        "period": period,
        "submitted_on": submitted_on,
        **extra,
    }


def _model(code: str, name: str, field: str, start: str, **extra: Any) -> Row:
    return {"model_code": code, "model_name": name, "field": field, "start_date": start, **extra}


def _values(code: str, **indicators: Any) -> list[Row]:
    return [
        {"model_code": code, "indicator": key, "value": value} for key, value in indicators.items()
    ]


def _given(code: str, kind: str, source: str, amount: str) -> Row:
    return {"model_code": code, "contribution_type": kind, "source": source, "amount": amount}


def _activities(**values: Any) -> list[Row]:
    return [{"activity": key, "value": value} for key, value in values.items()]


# --- Hà Tĩnh: Can Lộc district, Thiên Lộc, Vượng Lộc, Thạch Hà -------------------------

CANAL = "HTI-CANLOC-KENH"


@dataclass(frozen=True)
class _CanLocReport:
    """One report of the district's canal model, its figures as the district wrote them."""

    period: str
    submitted_on: str
    canals: str
    dredged: str
    alleys: str
    roads: str
    labour: str
    petitions: tuple[int, int, int]  # received, under the district's authority, resolved
    gardens: bool  # the year's garden figures, given in the nine-month report only


def _can_loc(report: _CanLocReport) -> Submission:
    indicators = _values(
        CANAL,
        canals_built_km=report.canals,
        canals_dredged_km=report.dredged,
        alleys_drains_cleaned_km=report.alleys,
        roads_renovated_km=report.roads,
    )
    if report.gardens:
        indicators += _values(
            CANAL,
            mixed_gardens_renovated=34,
            home_gardens_renovated=750,
            model_gardens_built=45,
            model_residential_areas_built=12,
        )
    received, authority, resolved = report.petitions
    return {
        "submission": _header(
            "H. Can Lộc",
            "huyện",
            "Hà Tĩnh",
            report.period,
            report.submitted_on,
            submitter="Ban Dân vận Huyện ủy Can Lộc",
        ),
        "models": [
            _model(
                CANAL,
                "Dân vận khéo trong làm kênh mương nội đồng",
                "kinh tế",
                "01/01/2023",
                topic="Kênh mương",
                lead_organizations="Ban Dân vận; Mặt trận",
            ),
        ],
        "indicators": indicators,
        "contributions": [_given(CANAL, "ngày công", "nhân dân", report.labour)],
        "activities": _activities(
            petitions_received=received,
            petitions_under_authority=authority,
            petitions_resolved=resolved,
        ),
    }


# The nine-month report overlaps the quarters; a revision corrects it (7 → 7,1 km).
# period, sent on, canals built, canals dredged, alleys and drains cleaned, roads renovated,
# labour, petitions, garden figures
_CAN_LOC_2023 = (
    ("9 tháng 2023", "10/10/2023", "7 km", "36 km", "1 km", "0,9 km", "5.000 ngày công", (300, 280, 270), True),
    ("9 tháng 2023", "20/10/2023", "7,1 km", "36,2 km", "1,2 km", "916 m", "5.200 ngày công", (300, 280, 270), True),
    ("Quý I/2023", "05/04/2023", "2 km", "10 km", "0,3 km", "300 m", "1.500 ngày công", (100, 90, 88), False),
    ("Quý II/2023", "05/07/2023", "2,5 km", "12 km", "0,4 km", "316 m", "1.700 ngày công", (100, 95, 91), False),
    ("Quý III/2023", "05/10/2023", "2,5 km", "14 km", "0,5 km", "300 m", "1.900 ngày công", (100, 95, 91), False),
    ("Quý IV/2023", "10/01/2024", "1 km", "4 km", "0,3 km", "84 m", "300 ngày công", (100, 90, 89), False),
)  # fmt: skip
CAN_LOC_NINE_MONTHS, CAN_LOC_NINE_MONTHS_REVISED, *CAN_LOC_QUARTERS, CAN_LOC_Q4 = (
    _can_loc(_CanLocReport(*row)) for row in _CAN_LOC_2023
)


LAND = "HTI-THIENLOC-HIENDAT"


def _thien_loc(
    year: int,
    submitted_on: str,
    households: int,
    roads_widened: int,
    villages: int,
    extra_models: Sequence[Row] = (),
) -> Submission:
    return {
        "submission": _header(
            "Xã Thiên Lộc",
            "xã",
            "Hà Tĩnh",
            f"Năm {year}",
            submitted_on,
            district="Can Lộc",
            submitter="UBMTTQ xã Thiên Lộc",
        ),
        "models": [
            _model(
                LAND,
                "Hiến đất mở rộng đường giao thông",
                "kinh tế",
                "2020",
                topic="Hiến đất",
                lead_organizations="Mặt trận; Hội Nông dân",
            ),
            *extra_models,
        ],
        "indicators": _values(
            LAND,
            households_donating_land=households,
            roads_widened=roads_widened,
            villages_new_rural_model=villages,
        ),
        "contributions": [_given(LAND, "đất", "nhân dân", "1,5 ha")],
    }


THIEN_LOC_YEARS = [
    _thien_loc(2020, "12/01/2021", 300, 20, 6),
    _thien_loc(2021, "12/01/2022", 400, 25, 10),
    _thien_loc(2022, "15/02/2023", 250, 15, 10),  # late: due 31 January
    _thien_loc(
        2023,
        "12/01/2024",
        80,
        10,
        10,
        extra_models=[_model("HTI-THIENLOC-VUONMAU", "Vườn mẫu", "kinh tế", "01/03/2023")],
    ),
]
VUONG_LOC_2021 = {
    "submission": _header(
        "Vuong Loc", "xa", "Ha Tinh", "Năm 2021", "20/01/2022", district="Can Loc"
    ),
    "models": [_model("HTI-VUONGLOC-VH", "Khu dân cư văn minh", "văn hóa – xã hội", "2021")],
}  # then silent: its 2022 and 2023 reports are missing
THACH_HA_2023 = {
    "submission": _header("Huyện Thạch Hà", "huyện", "Hà Tĩnh", "Năm 2023", "25/01/2024"),
    "models": [
        _model("HTI-THACHHA-DANG", "Chi bộ kiểu mẫu", "xây dựng Đảng", "2015"),
        _model("HTI-THACHHA-QP", "Tổ liên gia tự quản", "quốc phòng – an ninh", "2018"),
        _model("HTI-THACHHA-VH", "Câu lạc bộ văn nghệ", "văn hóa – xã hội", "2019"),
        _model("HTI-THACHHA-CU", "Sản xuất rau an toàn", "kinh tế", "2012"),
    ],
}

# --- Quảng Nam (part of Đà Nẵng since 1 July 2025) ---------------------------------

TRA_KA_2023: Submission = {
    "submission": {
        "reporting_unit_name": "Xã Trà Ka",
        "reporting_unit_level": "xã",
        "province": "Quảng Nam",
        "district": "Bắc Trà My",
        "period": "Năm 2023",
        "submitted_on": "15/01/2024",
        "submitter": "Hồ Thị Lan, Phó Chủ tịch UBMTTQ xã",
    },
    "models": [
        {
            "model_code": "QNA-TRAKA-NGHEDEN",
            "model_name": "Trồng nghệ đen theo chuỗi giá trị",
            "field": "kinh tế",
            "topic": "OCOP",
            "lead_organizations": "Hội Nông dân; Hội Liên hiệp Phụ nữ",
            "village": "Thôn 1",
            "start_date": "2021",
            "status": "đang thực hiện",
            "households": 12,
            "recognition_level": "huyện",
            "recognition_year": 2023,
            "is_typical": "có",
        }
    ],
    "indicators": [
        {
            "model_code": "QNA-TRAKA-NGHEDEN",
            "indicator": "Diện tích canh tác",
            "value": "hơn 1",
            "unit": "ha",
        },
        {"model_code": "QNA-TRAKA-NGHEDEN", "indicator": "products_developed", "value": 3},
        {"model_code": "QNA-TRAKA-NGHEDEN", "indicator": "ocop_products", "value": 1},
        {"model_code": "QNA-TRAKA-NGHEDEN", "indicator": "ocop_stars", "value": 3},
        {
            "model_code": "QNA-TRAKA-NGHEDEN",
            "indicator": "Lợi nhuận",
            "value": "khoảng 60 triệu đồng",
        },
        {"model_code": "QNA-TRAKA-NGHEDEN", "indicator": "households_participating", "value": 12},
    ],
    "contributions": [
        _given("QNA-TRAKA-NGHEDEN", "ngày công", "nhân dân", "120 ngày công"),
        _given("QNA-TRAKA-NGHEDEN", "tiền", "ngân sách", "45.000.000"),
    ],
    "activities": [
        {"activity": "hội nghị", "value": 4},
        {"activity": "conference_participants", "value": 320},
    ],
}

TAM_THANG_TEAM = {
    "model_code": "QNA-TAMTHANG-5IN1",
    "model_name": "Tổ an ninh tự quản 5 trong 1",
    "field": "quốc phòng – an ninh",
    "topic": "Tổ tự quản an ninh",
    "lead_organizations": "Công an; Mặt trận",
    "village": "Kim Đới",
    "start_date": "01/03/2022",
    "status": "đang thực hiện",
    "members": 20,
}
TAM_THANG_2022 = {
    "submission": _header(
        "Xã Tam Thăng",
        "xã",
        "Quảng Nam",
        "Năm 2022",
        "10/01/2023",
        district="Tam Kỳ",
        submitter="Công an xã",
    ),
    "models": [TAM_THANG_TEAM],
    "indicators": _values("QNA-TAMTHANG-5IN1", patrols=120, cases_detected=9),
}
TAM_THANG_2023 = {
    "submission": {
        "reporting_unit_name": "xa Tam Thang",  # typed without diacritics
        "reporting_unit_level": "commune",
        "province": "Quang Nam",
        "district": "Tam Kỳ",
        "period": "Năm 2023",
        "submitted_on": "10/01/2024",
        "submitter": "Công an xã",
    },
    "models": [
        {
            **TAM_THANG_TEAM,
            "recognition_level": "tỉnh",
            "recognition_year": 2023,
            "is_typical": "có",
        },
        {
            "model_code": "QNA-TAMTHANG-5IN1-R",
            "model_name": "Nhân rộng tổ an ninh 5 trong 1 ra 8 thôn",
            "field": "quốc phòng – an ninh",
            "topic": "Tổ tự quản an ninh",
            "lead_organizations": "Công an",
            "village": "8 thôn",
            "start_date": "2023",
            "members": 169,
            "parent_model_code": "QNA-TAMTHANG-5IN1",
        },
        _model("QNA-TAMTHANG-DEN", "Thắp sáng đường quê", "kinh tế", "01/06/2023"),
    ],
    "indicators": [
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "patrols", "value": "hơn 300"},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "cases_detected", "value": 37},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "cases_supported_police", "value": 73},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "team_members", "value": 169},
        # A typing mistake a commune really makes: text where a number belongs.
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "villages_covered", "value": "tám"},
        {"model_code": "QNA-TAMTHANG-DEN", "indicator": "lights_installed", "value": 46},
    ],
}
DIEN_PHUOC_2024 = {
    "submission": _header(
        "Xã Điện Phước", "xã", "Quảng Nam", "Năm 2024", "10/01/2025", district="Điện Bàn"
    ),
    "models": [
        _model(
            "QNA-DIENPHUOC-HOKHA",
            "Hộ khá giúp hộ nghèo",
            "văn hóa – xã hội",
            "15/02/2024",
            topic="Nhà cho hộ nghèo",
            lead_organizations="Mặt trận; Hội Liên hiệp Phụ nữ",
        ),
    ],
    "indicators": _values(
        "QNA-DIENPHUOC-HOKHA", houses_built_or_repaired=4, poor_households_helped=4
    ),
    "contributions": [
        _given("QNA-DIENPHUOC-HOKHA", "tiền", "nhân dân", "120 triệu"),
        _given("QNA-DIENPHUOC-HOKHA", "tiền", "mạnh thường quân", "50 triệu đồng"),
        _given("QNA-DIENPHUOC-HOKHA", "hiện vật", "doanh nghiệp", "30 triệu đồng"),
        _given("QNA-DIENPHUOC-HOKHA", "ngày công", "nhân dân", "200 ngày công"),
    ],
}
# A provincial agency of today's Đà Nẵng, sent by the city's e-reporting system.
DA_NANG_CULTURE_2025 = {
    "submission": _header(
        "Sở Văn hóa, Thể thao và Du lịch",
        "cơ quan",
        "Đà Nẵng",
        "Năm 2025",
        "15/01/2026",
        reporting_unit_code="SVHTTDL",
    ),
    "models": [
        _model(
            "DNG-SVH-THUVIEN",
            "Thư viện cộng đồng",
            "văn hóa – xã hội",
            "01/03/2025",
            recognition_level="tỉnh",
            recognition_year=2025,
            is_typical="có",
        ),
    ],
}

# --- Gò Quao (An Giang; Kiên Giang before 1 July 2025) ----------------------------------

GO_QUAO_BRIDGES = "AGG-GOQUAO-CAU"
GO_QUAO_TERM = {
    "submission": _header(
        _nfd("Xã Gò Quao"),
        "xã",
        "An Giang",
        "giai đoạn 2020-2025",
        "20/08/2025",
        map_version="2025-07",
        submitter="Ủy ban MTTQ xã Gò Quao",
    ),  # NFD, as some systems send it
    "models": [
        _model(
            GO_QUAO_BRIDGES,
            "Vận động xây dựng cầu nông thôn",
            "kinh tế",
            "1999",
            topic="Cầu nông thôn",
            lead_organizations="Mặt trận Tổ quốc",
            status="đang thực hiện",
            recognition_level="tỉnh",
            recognition_year=2024,
            is_typical="có",
        ),
        _model(
            "AGG-GOQUAO-HTX",
            "Hợp tác xã kiểu mới",
            "kinh tế",
            "2020",
            recognition_level="tỉnh",
            recognition_year=2021,
        ),
        _model(
            "AGG-GOQUAO-ANTT",
            "Camera an ninh",
            "quốc phòng – an ninh",
            "2021",
            recognition_level="tỉnh",
            recognition_year=2022,
        ),
        _model(
            "AGG-GOQUAO-DANCHU",
            "Dân chủ ở cơ sở",
            "xây dựng Đảng",
            "2023",
            recognition_level="huyện",
            recognition_year=2023,
        ),
    ],
    "indicators": [
        *_values(GO_QUAO_BRIDGES, bridges_built=65, cooperatives=9, cooperative_groups=29),
        {
            "model_code": GO_QUAO_BRIDGES,
            "indicator": "inter_hamlet_roads_concreted_rate",
            "value": 100,
            "unit": "%",
        },
        {
            "model_code": GO_QUAO_BRIDGES,
            "indicator": "alleys_concreted_rate",
            "value": 97,
            "unit": "%",
        },
        {
            "model_code": GO_QUAO_BRIDGES,
            "indicator": "multidimensional_poverty_rate",
            "value": "2,34",
            "unit": "%",
        },
    ],
    "contributions": [_given(GO_QUAO_BRIDGES, "money", "residents", "13 tỷ đồng")],
}
# Old communes of Gò Quao district, on the map of their time: they roll up to Xã Gò Quao.
GO_QUAO_OLD_COMMUNES = [
    {
        "submission": _header(
            "Xã Định An", "xã", "Kiên Giang", "Năm 2023", "12/01/2024", district="Gò Quao"
        ),
        "models": [
            _model(
                "KGG-DINHAN-LUA",
                "Cánh đồng lớn",
                "kinh tế",
                "2022",
                recognition_level="tỉnh",
                recognition_year=2023,
            )
        ],
    },
    {
        "submission": _header(
            "Xã Vĩnh Phước B", "xã", "Kiên Giang", "Năm 2023", "14/01/2024", district="Gò Quao"
        ),
        "models": [_model("KGG-VPB-NUOCSACH", "Nước sạch nông thôn", "văn hóa – xã hội", "2021")],
    },
]

# --- Ninh Bình city (filed under Thành phố Hoa Lư on the 2025-01 map) --------------------

NINH_BINH_TERM = {
    "submission": _header(
        "TP. Hoa Lư",
        "huyện",
        "Ninh Bình",
        "giai đoạn 2013-2022",
        "15/01/2023",
        submitter="Ban Dân vận Thành ủy",
    ),
    "models": [
        _model(
            f"NBH-HIEUQUA-{number}",
            name,
            field,
            "2015",
            recognition_level="huyện",
            recognition_year=2016,
        )
        for number, name, field in (
            (1, "Khu dân cư tự quản về vệ sinh môi trường", "văn hóa – xã hội"),
            (2, "Đường hoa nông thôn mới", "văn hóa – xã hội"),
            (3, "Tổ hòa giải ở cơ sở", "văn hóa – xã hội"),
        )
    ],
    "activities": _activities(
        conferences=407,
        conference_participants="21.377",
        trainings=133,
        trainees="27.554",
        citizens_received="hơn 4.900",
        petitions_received="hơn 3.750",
        petitions_under_authority=392,
        petitions_resolved=389,
        commendations_collective=11,
        commendations_individual=8,
    ),
}
# A year report inside the term: never added to the term's figures.
NINH_BINH_2022 = {
    "submission": _header("TP. Hoa Lư", "huyện", "Ninh Bình", "Năm 2022", "10/01/2023"),
    "activities": _activities(conferences=50, conference_participants="2.000"),
}

# --- Cần Thơ (absorbed Sóc Trăng and Hậu Giang) --------------------------------------

BELL = "CTO-NINHKIEU-KENG"
CAN_THO = [
    # before the reform, on the map of the time
    {
        "submission": _header(
            "Phường Thới Bình", "phường", "Cần Thơ", "Năm 2024", "10/01/2025", district="Ninh Kiều"
        ),
        "models": [_model(BELL, "Tiếng kẻng văn minh", "văn hóa – xã hội", "2024")],
        "indicators": _values(BELL, households_participating=150),
    },
    {
        "submission": _header(
            "Phường 5",
            "phường",
            "Sóc Trăng",
            "Năm 2024",
            "12/01/2025",
            district="Thành phố Sóc Trăng",
        ),
        "models": [_model("STG-P5-MAN", "Trồng mận VietGAP", "kinh tế", "2022", topic="OCOP")],
        "indicators": _values("STG-P5-MAN", bridges_built=2, ocop_products=1),
    },
    # after it: the same bell model, now reported by the new ward it is in
    {
        "submission": _header("Phường Ninh Kiều", "phường", "Cần Thơ", "Năm 2025", "12/01/2026"),
        "models": [_model(BELL, "Tiếng kẻng văn minh", "văn hóa – xã hội", "2024", households=180)],
        "indicators": _values(BELL, households_participating=180),
    },
    {
        "submission": _header("Phường Thuận Hưng", "phường", "Cần Thơ", "Năm 2025", "12/01/2026"),
        "models": [_model("CTO-THUANHUNG-DEN", "Thắp sáng đường quê", "kinh tế", "2025")],
        "indicators": _values("CTO-THUANHUNG-DEN", lights_installed=120),
        "contributions": [_given("CTO-THUANHUNG-DEN", "tiền", "doanh nghiệp", "80 triệu đồng")],
    },
    {
        "submission": _header(
            "Công an thành phố Cần Thơ",
            "cơ quan",
            "Cần Thơ",
            "Năm 2025",
            "14/01/2026",
            reporting_unit_code="CA",
        ),
        "models": [
            _model(
                "CTO-CA-COM",
                "Bữa cơm nghĩa tình",
                "văn hóa – xã hội",
                "2025",
                lead_organizations="Công an",
            )
        ],
        "indicators": [
            {"model_code": "CTO-CA-COM", "indicator": "meals_served", "value": "hơn 200"}
        ],
    },
    {
        "submission": _header(
            "Bộ Chỉ huy Quân sự thành phố Cần Thơ",
            "cơ quan",
            "Cần Thơ",
            "Năm 2025",
            "14/01/2026",
            reporting_unit_code="BCHQS",
        ),
        "models": [
            _model(
                "CTO-QS-NHA",
                "Xây nhà cho hộ nghèo",
                "văn hóa – xã hội",
                "2025",
                lead_organizations="Quân sự; Mặt trận",
            )
        ],
        "indicators": _values("CTO-QS-NHA", houses_built=5, poor_households_helped=5),
        "contributions": [_given("CTO-QS-NHA", "tiền", "tổ chức", "500 triệu đồng")],
    },
]


def copy_samples(inbox: Path) -> list[Path]:
    """Write the sample submissions into the inbox (xlsx, csv and json)."""
    inbox.mkdir(parents=True, exist_ok=True)
    written = [
        write_workbook(TRA_KA_2023, inbox / "quang-nam_tra-ka_2023.xlsx"),
        write_workbook(TAM_THANG_2022, inbox / "quang-nam_tam-thang_2022.xlsx"),
        write_workbook(TAM_THANG_2023, inbox / "quang-nam_tam-thang_2023.xlsx", language="en"),
        write_json(DIEN_PHUOC_2024, inbox / "quang-nam_dien-phuoc_2024.json"),
        write_json(DA_NANG_CULTURE_2025, inbox / "da-nang_so-vhttdl_2025.json"),
        write_json(GO_QUAO_TERM, inbox / "an-giang_go-quao_2020-2025.json"),
        write_json(CAN_LOC_NINE_MONTHS, inbox / "ha-tinh_can-loc_9m-2023.json"),
        write_json(CAN_LOC_NINE_MONTHS_REVISED, inbox / "ha-tinh_can-loc_9m-2023_revised.json"),
        write_workbook(CAN_LOC_Q4, inbox / "ha-tinh_can-loc_q4-2023.xlsx"),
        *(
            write_workbook(report, inbox / f"ha-tinh_thien-loc_{2020 + n}.xlsx")
            for n, report in enumerate(THIEN_LOC_YEARS)
        ),
        write_workbook(VUONG_LOC_2021, inbox / "ha-tinh_vuong-loc_2021.xlsx"),
        write_json(THACH_HA_2023, inbox / "ha-tinh_thach-ha_2023.json"),
        write_json(NINH_BINH_TERM, inbox / "ninh-binh_hoa-lu_2013-2022.json"),
        write_json(NINH_BINH_2022, inbox / "ninh-binh_hoa-lu_2022.json"),
    ]
    written += write_csv(CAN_LOC_QUARTERS, inbox, "ha-tinh_can-loc_quarters-2023")
    written += write_csv(GO_QUAO_OLD_COMMUNES, inbox, "kien-giang_go-quao_2023")
    written += write_csv(CAN_THO, inbox, "can-tho_2024-2025")
    return written
