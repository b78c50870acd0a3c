"""Bundled sample submissions for the quick start, written in all three encodings.

They restate figures from published provincial reports (see docs/programme.md) the
way communes really send them: Vietnamese number styles, names without
diacritics or in NFD, a revised report, a nine-month report overlapping its
quarters, and one row with a mistake that must be quarantined.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from danvan.ingest.format.writers import Submission, write_csv, write_json, write_workbook


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


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
        {
            "model_code": "QNA-TRAKA-NGHEDEN",
            "contribution_type": "ngày công",
            "source": "nhân dân",
            "amount": "120 ngày công",
        },
        {
            "model_code": "QNA-TRAKA-NGHEDEN",
            "contribution_type": "tiền",
            "source": "ngân sách",
            "amount": "45.000.000",
        },
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
    "recognition_level": "tỉnh",
    "recognition_year": 2023,
    "is_typical": "có",
}
TAM_THANG_2023: Submission = {
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
        TAM_THANG_TEAM,
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
    ],
    "indicators": [
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "patrols", "value": "hơn 300"},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "cases_detected", "value": 37},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "cases_supported_police", "value": 73},
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "team_members", "value": 169},
        # A typing mistake a commune really makes: text where a number belongs.
        {"model_code": "QNA-TAMTHANG-5IN1-R", "indicator": "villages_covered", "value": "tám"},
    ],
}

GO_QUAO_TERM: Submission = {
    "submission": {
        "reporting_unit_name": _nfd("Xã Gò Quao"),  # NFD, as some e-reporting systems send it
        "reporting_unit_level": "xã",
        "province": "An Giang",
        "map_version": "2025-07",
        "period": "giai đoạn 2020-2025",
        "submitted_on": "20/08/2025",
        "submitter": "Ủy ban MTTQ xã Gò Quao",
    },
    "models": [
        {
            "model_code": "AGG-GOQUAO-CAU",
            "model_name": "Vận động xây dựng cầu nông thôn",
            "field": "kinh tế",
            "topic": "Cầu nông thôn",
            "lead_organizations": "Mặt trận Tổ quốc",
            "start_date": "1999",
            "status": "đang thực hiện",
            "recognition_level": "tỉnh",
            "recognition_year": 2024,
            "is_typical": "có",
        }
    ],
    "indicators": [
        {"model_code": "AGG-GOQUAO-CAU", "indicator": "bridges_built", "value": 65},
        {
            "model_code": "AGG-GOQUAO-CAU",
            "indicator": "multidimensional_poverty_rate",
            "value": "2,34",
            "unit": "%",
        },
    ],
    "contributions": [
        {
            "model_code": "AGG-GOQUAO-CAU",
            "contribution_type": "money",
            "source": "residents",
            "amount": "13 tỷ đồng",
        },
    ],
    "activities": [],
}


def _can_loc(period: str, submitted_on: str, canals_km: str, roads: str) -> Submission:
    return {
        "submission": {
            "reporting_unit_name": "H. Can Lộc",
            "reporting_unit_level": "huyện",
            "province": "Hà Tĩnh",
            "period": period,
            "submitted_on": submitted_on,
            "submitter": "Ban Dân vận Huyện ủy Can Lộc",
        },
        "models": [
            {
                "model_code": "HTI-CANLOC-KENH",
                "model_name": "Dân vận khéo trong làm kênh mương nội đồng",
                "field": "kinh tế",
                "topic": "Kênh mương",
                "lead_organizations": "Ban Dân vận; Mặt trận",
                "start_date": "01/01/2023",
            }
        ],
        "indicators": [
            {"model_code": "HTI-CANLOC-KENH", "indicator": "canals_built_km", "value": canals_km},
            {"model_code": "HTI-CANLOC-KENH", "indicator": "roads_renovated_km", "value": roads},
        ],
        "activities": [
            {"activity": "petitions_received", "value": 392},
            {"activity": "petitions_under_authority", "value": 392},
            {"activity": "petitions_resolved", "value": 389},
        ],
    }


CAN_LOC_QUARTERS = [
    _can_loc("Quý I/2023", "05/04/2023", "2,1 km", "300 m"),
    _can_loc("Quý II/2023", "05/07/2023", "2,5 km", "316 m"),
    _can_loc("Quý III/2023", "05/10/2023", "2,5 km", "300 m"),
]
# The nine-month report overlaps the three quarters; a revision corrects it.
CAN_LOC_NINE_MONTHS = _can_loc("9 tháng 2023", "10/10/2023", "7 km", "0,9 km")
CAN_LOC_NINE_MONTHS_REVISED = _can_loc("9 tháng 2023", "20/10/2023", "7,1 km", "0,916 km")


def copy_samples(inbox: Path) -> list[Path]:
    """Write the sample submissions into the inbox (xlsx, csv and json)."""
    inbox.mkdir(parents=True, exist_ok=True)
    written = [
        write_workbook(TRA_KA_2023, inbox / "quang-nam_tra-ka_2023.xlsx"),
        write_workbook(TAM_THANG_2023, inbox / "quang-nam_tam-thang_2023.xlsx", language="en"),
        write_json(GO_QUAO_TERM, inbox / "an-giang_go-quao_2020-2025.json"),
        write_json(CAN_LOC_NINE_MONTHS, inbox / "ha-tinh_can-loc_9m-2023.json"),
        write_json(CAN_LOC_NINE_MONTHS_REVISED, inbox / "ha-tinh_can-loc_9m-2023_revised.json"),
    ]
    written += write_csv(CAN_LOC_QUARTERS, inbox, "ha-tinh_can-loc_quarters-2023")
    return written
