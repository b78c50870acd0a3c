"""Submissions whose right answers are known, shaped like the statements in docs/programme.md.

Small figures stand in for the provinces' large ones, but every kind of thing
the statements rely on is here: a revised report (Can Lộc's nine months, 7 →
7.1 km), nine-month and quarterly reports overlapping, yearly reports adding up
to a term, a term report overlapping a year report, units of the old map rolling
up to today's communes and provinces (Gò Quao, Cần Thơ), agencies, a replicated
model, recognitions at several levels, typical selections, late and missing
reports. Units are named by GSO code (and name) so that matching is never in
question here; ingestion's own tests cover spelling.
"""

from __future__ import annotations

from pathlib import Path

from danvan.ingest.format.writers import write_csv, write_json

# GSO codes used below (2025-01 map unless said otherwise).
HA_TINH = "42"
CAN_LOC = "443"  # district, Hà Tĩnh
THACH_HA = "445"  # district, Hà Tĩnh
THIEN_LOC = "18415"  # commune of Can Lộc
VUONG_LOC = "18427"  # commune of Can Lộc
QUANG_NAM = "49"  # merged into Đà Nẵng (48) on 1 July 2025
TRA_KA = "20932"  # commune of Bắc Trà My (515)
TAM_THANG = "20362"  # commune of Tam Kỳ (502); today in Phường 20335
DIEN_PHUOC = "20572"  # commune of Điện Bàn (507)
GO_QUAO_NEW = "30952"  # commune on the 2025-07 map (An Giang, 91)
DINH_AN = "30964"  # old commune of Gò Quao district (Kiên Giang 91), now in 30952
VINH_PHUOC_B = "30976"  # idem
HOA_LU = "374"  # district-level city of Ninh Bình (37) that absorbed Ninh Bình city
THOI_BINH = "31123"  # old ward of Ninh Kiều district (Cần Thơ 92), now in Phường Ninh Kiều 31135
SOC_TRANG_P5 = (
    "31498"  # old ward of Sóc Trăng city (Sóc Trăng 94), now in Phường Sóc Trăng 31507 (Cần Thơ 92)
)
NINH_KIEU_NEW = "31135"  # ward on the 2025-07 map (Cần Thơ)
THUAN_HUNG_NEW = "31207"  # ward on the 2025-07 map (Cần Thơ)


def _header(code, name, level, province, period, submitted_on, **extra):
    return {
        "reporting_unit_code": code,
        "reporting_unit_name": name,
        "reporting_unit_level": level,
        "province": province,
        "period": period,
        "submitted_on": submitted_on,
        **extra,
    }


def _model(code, name, field, start, **extra):
    return {"model_code": code, "model_name": name, "field": field, "start_date": start, **extra}


def _values(code, **indicators):
    return [
        {"model_code": code, "indicator": key, "value": value} for key, value in indicators.items()
    ]


def _activities(**values):
    return [{"activity": key, "value": value} for key, value in values.items()]


# --- Hà Tĩnh -----------------------------------------------------------------

CANAL = _model(
    "HTI-CANLOC-KENH", "Dân vận khéo trong làm kênh mương nội đồng", "kinh tế", "01/01/2023",
    lead_organizations="Ban Dân vận; Mặt trận",
)  # fmt: skip


def _can_loc(
    period, submitted_on, *, canals, dredged, alleys, roads, labour, petitions, gardens=True
):
    indicators = _values(
        "HTI-CANLOC-KENH",
        canals_built_km=canals,
        canals_dredged_km=dredged,
        alleys_drains_cleaned_km=alleys,
        roads_renovated_km=roads,
    )
    if gardens:
        indicators += _values(
            "HTI-CANLOC-KENH",
            mixed_gardens_renovated=34,
            home_gardens_renovated=750,
            model_gardens_built=45,
            model_residential_areas_built=12,
        )
    received, authority, resolved = petitions
    return {
        "submission": _header(CAN_LOC, "Huyện Can Lộc", "huyện", "Hà Tĩnh", period, submitted_on),
        "models": [CANAL],
        "indicators": indicators,
        "contributions": [
            {
                "model_code": "HTI-CANLOC-KENH",
                "contribution_type": "ngày công",
                "source": "nhân dân",
                "amount": labour,
            },
        ],
        "activities": _activities(
            petitions_received=received,
            petitions_under_authority=authority,
            petitions_resolved=resolved,
        ),
    }


# The nine-month report, first with rough figures, then revised (and late).
CAN_LOC_9M = _can_loc(
    "9 tháng 2023", "10/10/2023", canals="7 km", dredged="36 km", alleys="1 km", roads="0,9 km",
    labour="5.000 ngày công", petitions=(300, 280, 270),
)  # fmt: skip
CAN_LOC_9M_REVISED = _can_loc(
    "9 tháng 2023", "20/10/2023", canals="7,1 km", dredged="36,2 km", alleys="1,2 km", roads="916 m",
    labour="5.200 ngày công", petitions=(300, 280, 270),
)  # fmt: skip
# Quarters overlapping it: their canals add up to 7.0 km, not 7.1 — the nine-month
# figure must win for 2023-9M and for 2023 (plus Q4), never be added to them.
CAN_LOC_QUARTERS = [
    _can_loc("Quý I/2023", "05/04/2023", canals="2 km", dredged="10 km", alleys="0,3 km",
             roads="300 m", labour="1.500 ngày công", petitions=(100, 90, 88), gardens=False),
    _can_loc("Quý II/2023", "05/07/2023", canals="2,5 km", dredged="12 km", alleys="0,4 km",
             roads="316 m", labour="1.700 ngày công", petitions=(100, 95, 91), gardens=False),
    _can_loc("Quý III/2023", "05/10/2023", canals="2,5 km", dredged="14 km", alleys="0,5 km",
             roads="300 m", labour="1.900 ngày công", petitions=(100, 95, 91), gardens=False),
]  # fmt: skip
CAN_LOC_Q4 = _can_loc(
    "Quý IV/2023", "10/01/2024", canals="1 km", dredged="4 km", alleys="0,3 km", roads="84 m",
    labour="300 ngày công", petitions=(100, 90, 89), gardens=False,
)  # fmt: skip

LAND = "HTI-THIENLOC-HIENDAT"


def _thien_loc(year, submitted_on, households, roads_widened, villages, extra_models=()):
    return {
        "submission": _header(
            THIEN_LOC, "Xã Thiên Lộc", "xã", "Hà Tĩnh", f"Năm {year}", submitted_on
        ),
        "models": [
            _model(
                LAND,
                "Hiến đất mở rộng đường giao thông",
                "kinh tế",
                "2020",
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
        "contributions": [
            {
                "model_code": LAND,
                "contribution_type": "đất",
                "source": "nhân dân",
                "amount": "1,5 ha",
            },
        ],
    }


GARDENS = _model("HTI-THIENLOC-VUONMAU", "Vườn mẫu", "kinh tế", "01/03/2023")
THIEN_LOC_YEARS = [
    _thien_loc(2020, "12/01/2021", 300, 20, 6),
    _thien_loc(2021, "12/01/2022", 400, 25, 10),
    _thien_loc(2022, "15/02/2023", 250, 15, 10),  # late: due 31 January
    _thien_loc(2023, "12/01/2024", 80, 10, 10, extra_models=[GARDENS]),
]
VUONG_LOC_2021 = {
    "submission": _header(VUONG_LOC, "Xã Vượng Lộc", "xã", "Hà Tĩnh", "Năm 2021", "20/01/2022"),
    "models": [_model("HTI-VUONGLOC-VH", "Khu dân cư văn minh", "văn hóa – xã hội", "2021")],
}  # then silent: expected for 2022 and 2023, missing
THACH_HA_2023 = {
    "submission": _header(THACH_HA, "Huyện Thạch Hà", "huyện", "Hà Tĩnh", "Năm 2023", "25/01/2024"),
    "models": [
        _model("HTI-THACHHA-DANG", "Chi bộ kiểu mẫu", "xây dựng Đảng", "2015"),
        _model("HTI-THACHHA-QP", "Tổ liên gia tự quản", "quốc phòng – an ninh", "2018"),
        _model("HTI-THACHHA-VH", "Câu lạc bộ văn nghệ", "văn hóa – xã hội", "2019"),
        _model("HTI-THACHHA-CU", "Mô hình trước 2013", "kinh tế", "2012"),
    ],
}

# --- Quảng Nam (now part of Đà Nẵng) -------------------------------------------

TRA_KA_2023 = {
    "submission": _header(TRA_KA, "Xã Trà Ka", "xã", "Quảng Nam", "Năm 2023", "15/01/2024",
                          district="Bắc Trà My"),
    "models": [
        _model("QNA-TRAKA-NGHEDEN", "Trồng nghệ đen theo chuỗi giá trị", "kinh tế", "2021",
               lead_organizations="Hội Nông dân; Hội Liên hiệp Phụ nữ", households=12,
               recognition_level="huyện", recognition_year=2023, is_typical="có"),
    ],
    "indicators": [
        {"model_code": "QNA-TRAKA-NGHEDEN", "indicator": "area_cultivated_ha", "value": "hơn 1",
         "unit": "ha"},
        *_values("QNA-TRAKA-NGHEDEN", products_developed=3, ocop_products=1, ocop_stars=3,
                 profit_vnd="khoảng 60 triệu đồng", households_participating=12),
    ],
    "contributions": [
        {"model_code": "QNA-TRAKA-NGHEDEN", "contribution_type": "ngày công", "source": "nhân dân",
         "amount": "120 ngày công"},
        {"model_code": "QNA-TRAKA-NGHEDEN", "contribution_type": "tiền", "source": "ngân sách",
         "amount": "45.000.000"},
    ],
}  # fmt: skip

TEAM = "QNA-TAMTHANG-5IN1"
REPLICA = "QNA-TAMTHANG-5IN1-R"
TAM_THANG_2022 = {
    "submission": _header(TAM_THANG, "Xã Tam Thăng", "xã", "Quảng Nam", "Năm 2022", "10/01/2023"),
    "models": [
        _model(TEAM, "Tổ an ninh tự quản 5 trong 1", "quốc phòng – an ninh", "01/03/2022",
               lead_organizations="Công an; Mặt trận", village="Kim Đới", members=20),
    ],
}  # fmt: skip
TAM_THANG_2023 = {
    "submission": _header(TAM_THANG, "Xã Tam Thăng", "xã", "Quảng Nam", "Năm 2023", "10/01/2024"),
    "models": [
        # a blank village / members in a later report must not erase what 2022 said
        _model(TEAM, "Tổ an ninh tự quản 5 trong 1", "quốc phòng – an ninh", "01/03/2022",
               lead_organizations="Công an; Mặt trận", recognition_level="tỉnh",
               recognition_year=2023, is_typical="có"),
        _model(REPLICA, "Nhân rộng tổ an ninh 5 trong 1 ra 8 thôn", "quốc phòng – an ninh", "2023",
               lead_organizations="Công an", village="8 thôn", members=169, parent_model_code=TEAM),
        _model("QNA-TAMTHANG-DEN", "Thắp sáng đường quê", "kinh tế", "01/06/2023"),
    ],
    "indicators": [
        {"model_code": REPLICA, "indicator": "patrols", "value": "hơn 300"},
        *_values(REPLICA, cases_detected=37, cases_supported_police=73, team_members=169,
                 villages_covered=8),
    ],
}  # fmt: skip
DIEN_PHUOC_2024 = {
    "submission": _header(DIEN_PHUOC, "Xã Điện Phước", "xã", "Quảng Nam", "Năm 2024", "10/01/2025"),
    "models": [
        _model("QNA-DIENPHUOC-HOKHA", "Hộ khá giúp hộ nghèo", "văn hóa – xã hội", "15/02/2024"),
    ],
    "indicators": _values("QNA-DIENPHUOC-HOKHA", houses_built_or_repaired=4, poor_households_helped=4),
    "contributions": [
        {"model_code": "QNA-DIENPHUOC-HOKHA", "contribution_type": "tiền", "source": "nhân dân",
         "amount": "120 triệu"},
        {"model_code": "QNA-DIENPHUOC-HOKHA", "contribution_type": "tiền", "source": "mạnh thường quân",
         "amount": "50 triệu đồng"},
        {"model_code": "QNA-DIENPHUOC-HOKHA", "contribution_type": "ngày công", "source": "nhân dân",
         "amount": "200 ngày công"},
    ],
}  # fmt: skip
# A provincial agency of Đà Nẵng (which absorbed Quảng Nam), on today's map.
CULTURE_AGENCY_2025 = {
    "submission": _header("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "cơ quan", "Đà Nẵng",
                          "Năm 2025", "15/01/2026"),
    "models": [
        _model("DNG-SVH-THUVIEN", "Thư viện cộng đồng", "văn hóa – xã hội", "01/03/2025",
               recognition_level="tỉnh", recognition_year=2025, is_typical="có"),
    ],
}  # fmt: skip

# --- Gò Quao (An Giang) ----------------------------------------------------------

BRIDGES = "AGG-GOQUAO-CAU"
GO_QUAO_TERM = {
    "submission": _header(GO_QUAO_NEW, "Xã Gò Quao", "xã", "An Giang", "giai đoạn 2020-2025",
                          "20/08/2025", map_version="2025-07"),
    "models": [
        _model(BRIDGES, "Vận động xây dựng cầu nông thôn", "kinh tế", "1999",
               lead_organizations="Mặt trận Tổ quốc", recognition_level="tỉnh", recognition_year=2024,
               is_typical="có"),
        _model("AGG-GOQUAO-HTX", "Hợp tác xã kiểu mới", "kinh tế", "2020",
               recognition_level="tỉnh", recognition_year=2021),
        _model("AGG-GOQUAO-ANTT", "Camera an ninh", "quốc phòng – an ninh", "2021",
               recognition_level="tỉnh", recognition_year=2022),
        _model("AGG-GOQUAO-DANCHU", "Dân chủ ở cơ sở", "xây dựng Đảng", "2023",
               recognition_level="huyện", recognition_year=2023),
    ],
    "indicators": [
        *_values(BRIDGES, bridges_built=65, cooperatives=9, cooperative_groups=29),
        {"model_code": BRIDGES, "indicator": "inter_hamlet_roads_concreted_rate", "value": 100,
         "unit": "%"},
        {"model_code": BRIDGES, "indicator": "alleys_concreted_rate", "value": 97, "unit": "%"},
        {"model_code": BRIDGES, "indicator": "multidimensional_poverty_rate", "value": "2,34",
         "unit": "%"},
    ],
    "contributions": [
        {"model_code": BRIDGES, "contribution_type": "money", "source": "residents",
         "amount": "hơn 13 tỷ đồng"},
    ],
}  # fmt: skip
# Old communes of Gò Quao district, reporting on the 2025-01 map: they roll up
# to today's Xã Gò Quao.
DINH_AN_2023 = {
    "submission": _header(DINH_AN, "Xã Định An", "xã", "Kiên Giang", "Năm 2023", "12/01/2024"),
    "models": [
        _model("KGG-DINHAN-LUA", "Cánh đồng lớn", "kinh tế", "2022", recognition_level="tỉnh",
               recognition_year=2023),
    ],
}  # fmt: skip
VINH_PHUOC_B_2023 = {
    "submission": _header(VINH_PHUOC_B, "Xã Vĩnh Phước B", "xã", "Kiên Giang", "Năm 2023",
                          "14/01/2024"),
    "models": [_model("KGG-VPB-NUOCSACH", "Nước sạch nông thôn", "văn hóa – xã hội", "2021")],
}  # fmt: skip

# --- Ninh Bình city (in Thành phố Hoa Lư on the 2025-01 map) ----------------------

NINH_BINH_TERM = {
    "submission": _header(HOA_LU, "Thành phố Hoa Lư", "huyện", "Ninh Bình", "giai đoạn 2013-2022",
                          "15/01/2023"),
    "models": [
        _model(f"NBH-HIEUQUA-{number}", f"Mô hình hiệu quả {number}", "văn hóa – xã hội", "2015",
               recognition_level="huyện", recognition_year=2016)
        for number in (1, 2, 3)
    ],
    "activities": _activities(
        conferences=407, conference_participants=21377, trainings=133, trainees=27554,
        citizens_received="hơn 4.900", petitions_received="hơn 3.750", petitions_under_authority=392,
        petitions_resolved=389, commendations_collective=11, commendations_individual=8,
    ),
}  # fmt: skip
# A year report inside the term: it must not be added to the term's figures.
NINH_BINH_2022 = {
    "submission": _header(
        HOA_LU, "Thành phố Hoa Lư", "huyện", "Ninh Bình", "Năm 2022", "10/01/2023"
    ),
    "activities": _activities(conferences=50, conference_participants=2000),
}

# --- Cần Thơ (absorbed Sóc Trăng and Hậu Giang) --------------------------------

BELL = "CTO-NINHKIEU-KENG"
THOI_BINH_2024 = {
    "submission": _header(THOI_BINH, "Phường Thới Bình", "phường", "Cần Thơ", "Năm 2024",
                          "10/01/2025"),
    "models": [_model(BELL, "Tiếng kẻng văn minh", "văn hóa – xã hội", "2024")],
    "indicators": _values(BELL, households_participating=150),
}  # fmt: skip
SOC_TRANG_2024 = {
    "submission": _header(SOC_TRANG_P5, "Phường 5", "phường", "Sóc Trăng", "Năm 2024", "12/01/2025",
                          district="Thành phố Sóc Trăng"),
    "models": [_model("STG-P5-MAN", "Trồng mận VietGAP", "kinh tế", "2022")],
    "indicators": _values("STG-P5-MAN", bridges_built=2, ocop_products=1),
}  # fmt: skip
# After the reform, the same bell model is reported by the new ward it is now in.
NINH_KIEU_2025 = {
    "submission": _header(NINH_KIEU_NEW, "Phường Ninh Kiều", "phường", "Cần Thơ", "Năm 2025",
                          "12/01/2026"),
    "models": [_model(BELL, "Tiếng kẻng văn minh", "văn hóa – xã hội", "2024", households=180)],
    "indicators": _values(BELL, households_participating=180),
}  # fmt: skip
THUAN_HUNG_2025 = {
    "submission": _header(THUAN_HUNG_NEW, "Phường Thuận Hưng", "phường", "Cần Thơ", "Năm 2025",
                          "12/01/2026"),
    "models": [_model("CTO-THUANHUNG-DEN", "Thắp sáng đường quê", "kinh tế", "2025")],
    "indicators": _values("CTO-THUANHUNG-DEN", lights_installed=120),
}  # fmt: skip
POLICE_2025 = {
    "submission": _header("CA", "Công an thành phố Cần Thơ", "cơ quan", "Cần Thơ", "Năm 2025",
                          "14/01/2026"),
    "models": [
        _model("CTO-CA-COM", "Bữa cơm nghĩa tình", "văn hóa – xã hội", "2025",
               lead_organizations="Công an"),
    ],
    "indicators": [{"model_code": "CTO-CA-COM", "indicator": "meals_served", "value": "hơn 200"}],
}  # fmt: skip
MILITARY_2025 = {
    "submission": _header("BCHQS", "Bộ Chỉ huy Quân sự thành phố Cần Thơ", "cơ quan", "Cần Thơ",
                          "Năm 2025", "14/01/2026"),
    "models": [
        _model("CTO-QS-NHA", "Xây nhà cho hộ nghèo", "văn hóa – xã hội", "2025",
               lead_organizations="Quân sự; Mặt trận"),
    ],
    "indicators": _values("CTO-QS-NHA", houses_built=5, poor_households_helped=5),
    "contributions": [
        {"model_code": "CTO-QS-NHA", "contribution_type": "tiền", "source": "tổ chức",
         "amount": "500 triệu đồng"},
    ],
}  # fmt: skip

JSON_SUBMISSIONS = {
    "ha-tinh_can-loc_9m-2023.json": CAN_LOC_9M,
    "ha-tinh_can-loc_9m-2023_revised.json": CAN_LOC_9M_REVISED,
    "ha-tinh_can-loc_q4-2023.json": CAN_LOC_Q4,
    **{f"ha-tinh_thien-loc_{2020 + n}.json": s for n, s in enumerate(THIEN_LOC_YEARS)},
    "ha-tinh_vuong-loc_2021.json": VUONG_LOC_2021,
    "ha-tinh_thach-ha_2023.json": THACH_HA_2023,
    "quang-nam_tra-ka_2023.json": TRA_KA_2023,
    "quang-nam_tam-thang_2022.json": TAM_THANG_2022,
    "quang-nam_tam-thang_2023.json": TAM_THANG_2023,
    "quang-nam_dien-phuoc_2024.json": DIEN_PHUOC_2024,
    "da-nang_so-vhttdl_2025.json": CULTURE_AGENCY_2025,
    "an-giang_go-quao_2020-2025.json": GO_QUAO_TERM,
    "kien-giang_dinh-an_2023.json": DINH_AN_2023,
    "kien-giang_vinh-phuoc-b_2023.json": VINH_PHUOC_B_2023,
    "ninh-binh_hoa-lu_2013-2022.json": NINH_BINH_TERM,
    "ninh-binh_hoa-lu_2022.json": NINH_BINH_2022,
    "can-tho_thoi-binh_2024.json": THOI_BINH_2024,
    "soc-trang_phuong-5_2024.json": SOC_TRANG_2024,
    "can-tho_ninh-kieu_2025.json": NINH_KIEU_2025,
    "can-tho_thuan-hung_2025.json": THUAN_HUNG_2025,
    "can-tho_cong-an_2025.json": POLICE_2025,
    "can-tho_bchqs_2025.json": MILITARY_2025,
}


def write_submissions(directory: Path) -> list[Path]:
    """Every submission as a file, in the order they are landed (the revision after the original)."""
    directory.mkdir(parents=True, exist_ok=True)
    files = [
        write_json(submission, directory / name) for name, submission in JSON_SUBMISSIONS.items()
    ]
    # The quarters arrive as one CSV export (one file per section, many submissions each).
    files += write_csv(CAN_LOC_QUARTERS, directory, "ha-tinh_can-loc_quarters-2023")
    return files
