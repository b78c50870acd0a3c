"""The marts on submissions whose answers are known (tests/marts/known_data.py).

One dbt build per server serves every assertion: the analyst guide's queries
(docs/analyst-guide.md, every ```sql block), every figure of every rpt_* table
(by hand-written truth or, for reports by period, by an independent Python
implementation of the overlap rule over the facts), the facts behind them
(revision, conversion, map roll-up), the contracts' comments a read-only BI
user sees, and `dbt docs generate`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from danvan.publication.tables import BUILD_SCHEMA
from danvan.report.guide import guide_queries, sequential_scans
from danvan.settings import WAREHOUSE_READER, DatabaseTarget, Settings
from danvan.transform import run_dbt
from tests.conftest import with_database
from tests.marts import known_data as known

pytestmark = [pytest.mark.database, pytest.mark.e2e, pytest.mark.external]

ROOT = Path(__file__).resolve().parents[2]
MARTS_DIR = ROOT / "dbt_project" / "models" / "marts"
D = Decimal
# The publication report's queries sum the whole country: they read their marts whole.
WHOLE_COUNTRY_QUERIES = "report-"
# Agencies reporting on today's map have no province on the old one.
AGENCIES_ON_TODAYS_MAP = {"48-SVHTTDL", "92-BCHQS", "92-CA"}


@dataclass
class Warehouse:
    url: str
    build_comments: list[tuple]  # (table, column, comment) of marts_build before publishing
    build_tables: list[tuple]  # (table, comment)
    run_dir: Path

    def rows(self, sql: str, params=None) -> list[tuple]:
        with psycopg.connect(self.url) as conn:
            return conn.execute(sql, params).fetchall()


@pytest.fixture(scope="module")
def warehouse(module_warehouse: Settings) -> Warehouse:
    from flows.nightly import nightly_pipeline

    # GIVEN the known submissions in the inbox
    known.write_submissions(module_warehouse.inbox_dir)
    # WHEN the nightly lands, checks, builds (models, snapshots, data tests) and publishes them
    summary = nightly_pipeline(settings=module_warehouse, inbox=module_warehouse.inbox_dir)
    assert summary.published, summary.render()
    assert summary.ingest is not None and summary.ingest.rows_quarantined == 0
    assert summary.gate is not None and summary.gate.held == []
    url = module_warehouse.database_url
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            """select c.relname, obj_description(c.oid, 'pg_class')
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
               where n.nspname = %s and c.relkind in ('r', 'v', 'p')""",
            [BUILD_SCHEMA],
        ).fetchall()
        comments = conn.execute(
            """select c.relname, a.attname, col_description(c.oid, a.attnum)
               from pg_class c
               join pg_namespace n on n.oid = c.relnamespace
               join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               where n.nspname = %s and c.relkind in ('r', 'v', 'p')""",
            [BUILD_SCHEMA],
        ).fetchall()
    return Warehouse(url, comments, tables, module_warehouse.run_dir / str(summary.run_id))


# -- the analyst guide ------------------------------------------------------------

with (ROOT / "dbt_project/seeds/reference/admin/ref_admin_units.csv").open(
    encoding="utf-8"
) as _units:
    QUANG_NAM_DISTRICTS = sorted(
        row["unit_code"]
        for row in csv.DictReader(_units)
        if row["map_version"] == "2025-01"
        and row["unit_level"] == "district"
        and row["province_code"] == known.QUANG_NAM
    )

# What each guide query must return on the known data (see known_data.py for why).
GUIDE_ANSWERS: dict[str, list[tuple]] = {
    "ha-tinh-models-by-field-since-2013": [
        # economy: canals (2023), land donation (2020), model gardens (2023); the 2012 one is older
        ("kinh tế", 3),
        ("văn hóa – xã hội", 2),
        ("quốc phòng – an ninh", 1),
        ("xây dựng Đảng và hệ thống chính trị", 1),
    ],
    "can-loc-models-built-2023": [(2,)],  # the district's canals + Thiên Lộc's model gardens
    "can-loc-results-9m-2023": [
        (
            "alleys_drains_cleaned_km",
            "Chiều dài đường ngõ, rãnh thoát nước được khơi thông",
            D("1.2"),
            "km",
        ),
        ("canals_built_km", "Chiều dài kênh mương làm mới", D("7.1"), "km"),
        ("canals_dredged_km", "Chiều dài kênh mương nạo vét", D("36.2"), "km"),
        ("home_gardens_renovated", "Số vườn hộ được chỉnh trang", 750, "garden"),
        ("mixed_gardens_renovated", "Số vườn tạp được cải tạo", 34, "garden"),
        ("model_gardens_built", "Số vườn mẫu được xây dựng", 45, "garden"),
        (
            "model_residential_areas_built",
            "Số khu dân cư kiểu mẫu được xây dựng",
            12,
            "residential_area",
        ),
        ("roads_renovated_km", "Chiều dài đường nâng cấp, sửa chữa", D("0.916"), "km"),
    ],
    "can-loc-labour-days-9m-2023": [("residents", 5200)],
    "can-loc-canals-2023": [
        ("2023-H1", D("4.5"), "2023-Q1, 2023-Q2", True),
        ("2023-9M", D("7.1"), "2023-9M", True),  # not 7.0 (the quarters), not 14.1
        ("2023", D("8.1"), "2023-9M, 2023-Q4", True),
    ],
    "thien-loc-since-2020": [
        ("households_donating_land", 1030, "sum", "2020, 2021, 2022, 2023"),
        ("roads_widened", 70, "sum", "2020, 2021, 2022, 2023"),
    ],
    "thien-loc-villages-2021": [(10,)],
    "quang-nam-models-2009-2024": [(5,)],
    "quang-nam-typical-models": [(2,)],
    "da-nang-models-by-map": [("49", 5), (None, 1)],
    "tra-ka-black-turmeric-2023": [
        (2021, 12, "area_cultivated_ha", 1, "ha", "more_than"),
        (2021, 12, "households_participating", 12, "households", None),
        (2021, 12, "ocop_products", 1, "product", None),
        (2021, 12, "ocop_stars", 3, "star", None),
        (2021, 12, "products_developed", 3, "product", None),
        (2021, 12, "profit_vnd", 60_000_000, "VND", "about"),
    ],
    "as-published-on-a-date": [
        ("area_cultivated_ha", 1),
        ("households_participating", 12),
        ("ocop_products", 1),
        ("ocop_stars", 3),
        ("products_developed", 3),
        ("profit_vnd", 60_000_000),
    ],
    "dien-phuoc-2024-houses": [("Hộ khá giúp hộ nghèo", date(2024, 2, 15), 4)],
    "dien-phuoc-2024-contributions": [
        ("labour", "residents", 200, "labour_days"),
        ("money", "philanthropists", 50_000_000, "VND"),
        ("money", "residents", 120_000_000, "VND"),
    ],
    "tam-thang-replication": [("Tổ an ninh tự quản 5 trong 1", 2022, "Kim Đới", 20, 2023, 8, 169)],
    "tam-thang-security-2023": [
        ("cases_detected", 37),
        ("cases_supported_police", 73),
        ("patrols", 300),
    ],
    "quang-nam-district-targets-2023": [
        (
            "new_models",
            1,
            0,
            len(QUANG_NAM_DISTRICTS),
        ),  # Tam Kỳ: 2 new models, 3 would be the stretch
        ("typical_models", 2, 2, len(QUANG_NAM_DISTRICTS)),
    ],
    "quang-nam-districts-meeting-targets-2023": [
        ("Huyện Bắc Trà My", "typical_models", 1, 1),
        ("Thành phố Tam Kỳ", "new_models", 2, 2),
        ("Thành phố Tam Kỳ", "typical_models", 1, 1),
    ],
    "agency-typical-models-2025-2030": [
        ("48-SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", 1, True, "in_progress"),
    ],
    # the term's new models (2020, 2021, 2023) + the old communes' (2022, 2021); bridges began in 1999
    "go-quao-models-2020-2025": [(5,)],
    # bridges 2024, cooperative 2021, cameras 2022 + Định An (old map) 2023
    "go-quao-provincial-recognitions-2020-2025": [(4,)],
    "go-quao-bridges": [("Vận động xây dựng cầu nông thôn", 1999, 65, 13_000_000_000)],
    "go-quao-rates-and-stocks": [
        ("alleys_concreted_rate", 97, "percent", "rate"),
        ("cooperative_groups", 29, "cooperative_group", "latest"),
        ("cooperatives", 9, "cooperative", "latest"),
        ("inter_hamlet_roads_concreted_rate", 100, "percent", "rate"),
        ("multidimensional_poverty_rate", D("2.34"), "percent", "rate"),
    ],
    "ninh-binh-activities-2013-2022": [  # the 2022 report inside the term is not added
        ("citizens_received", 4900),
        ("commendations_collective", 11),
        ("commendations_individual", 8),
        ("conference_participants", 21377),
        ("conferences", 407),
        ("petitions_received", 3750),
        ("petitions_resolved", 389),
        ("petitions_under_authority", 392),
        ("trainees", 27554),
        ("trainings", 133),
    ],
    "ninh-binh-petitions-2013-2022": [(4900, 3750, 392, 389, D("99.2"))],
    "ninh-binh-effective-models": [(3,)],
    "can-tho-concrete-indicators": [
        ("2024", "bridges_built", 2),  # Sóc Trăng's ward, old map, rolled up to today's Cần Thơ
        ("2025", "houses_built", 5),
        ("2025", "lights_installed", 120),
        ("2025", "meals_served", 200),
        ("2025", "poor_households_helped", 5),
    ],
    "can-tho-models-by-ward": [
        ("Thắp sáng đường quê", "Phường Thuận Hưng"),
        ("Tiếng kẻng văn minh", "Phường Ninh Kiều"),  # one model across the reform
        ("Trồng mận VietGAP", "Phường Sóc Trăng"),
    ],
    "can-tho-police-and-military-models": [
        ("Bữa cơm nghĩa tình", "police"),
        ("Xây nhà cho hộ nghèo", "military"),
    ],
    "can-tho-military-funding": [
        ("Bộ Chỉ huy Quân sự thành phố Cần Thơ", "organizations", 500_000_000)
    ],
    "can-loc-9m-versions": [
        (1, date(2023, 10, 10), date(2023, 10, 15), True, False),
        (2, date(2023, 10, 20), date(2023, 10, 15), False, True),
    ],
    "ha-tinh-commune-reporting": [
        ("2020", 1, 1, 1, D("100.0")),
        ("2021", 2, 2, 2, D("100.0")),
        ("2022", 2, 1, 0, D("50.0")),  # Thiên Lộc late, Vượng Lộc silent
        ("2023", 2, 1, 1, D("50.0")),
    ],
    "ha-tinh-missing-reports": [
        (known.VUONG_LOC, "Xã Vượng Lộc", "2022"),
        (known.VUONG_LOC, "Xã Vượng Lộc", "2023"),
    ],
    # The publication report's queries: every province (today's map) and the country (VN).
    "report-models-by-province": [
        ("37", "culture_society", False, 3),
        ("42", "culture_society", False, 2),
        ("42", "defence_security", False, 1),
        ("42", "economy", False, 4),
        ("42", "party_building", False, 1),
        ("48", "culture_society", False, 2),
        ("48", "defence_security", False, 1),
        ("48", "defence_security", True, 1),
        ("48", "economy", False, 2),
        ("91", "culture_society", False, 1),
        ("91", "defence_security", False, 1),
        ("91", "economy", False, 3),
        ("91", "party_building", False, 1),
        ("92", "culture_society", False, 3),
        ("92", "economy", False, 2),
        ("VN", "culture_society", False, 11),
        ("VN", "defence_security", False, 3),
        ("VN", "defence_security", True, 1),
        ("VN", "economy", False, 11),
        ("VN", "party_building", False, 2),
    ],
    "report-models-by-year": [
        ("37", 2015, "culture_society", False, 3),
        ("42", 2012, "economy", False, 1),
        ("42", 2015, "party_building", False, 1),
        ("42", 2018, "defence_security", False, 1),
        ("42", 2019, "culture_society", False, 1),
        ("42", 2020, "economy", False, 1),
        ("42", 2021, "culture_society", False, 1),
        ("42", 2023, "economy", False, 2),
        ("48", 2021, "economy", False, 1),
        ("48", 2022, "defence_security", False, 1),
        ("48", 2023, "defence_security", True, 1),
        ("48", 2023, "economy", False, 1),
        ("48", 2024, "culture_society", False, 1),
        ("48", 2025, "culture_society", False, 1),
        ("91", 1999, "economy", False, 1),
        ("91", 2020, "economy", False, 1),
        ("91", 2021, "culture_society", False, 1),
        ("91", 2021, "defence_security", False, 1),
        ("91", 2022, "economy", False, 1),
        ("91", 2023, "party_building", False, 1),
        ("92", 2022, "economy", False, 1),
        ("92", 2024, "culture_society", False, 1),
        ("92", 2025, "culture_society", False, 2),
        ("92", 2025, "economy", False, 1),
        ("VN", 1999, "economy", False, 1),
        ("VN", 2012, "economy", False, 1),
        ("VN", 2015, "culture_society", False, 3),
        ("VN", 2015, "party_building", False, 1),
        ("VN", 2018, "defence_security", False, 1),
        ("VN", 2019, "culture_society", False, 1),
        ("VN", 2020, "economy", False, 2),
        ("VN", 2021, "culture_society", False, 2),
        ("VN", 2021, "defence_security", False, 1),
        ("VN", 2021, "economy", False, 1),
        ("VN", 2022, "defence_security", False, 1),
        ("VN", 2022, "economy", False, 2),
        ("VN", 2023, "defence_security", True, 1),
        ("VN", 2023, "economy", False, 3),
        ("VN", 2023, "party_building", False, 1),
        ("VN", 2024, "culture_society", False, 2),
        ("VN", 2025, "culture_society", False, 3),
        ("VN", 2025, "economy", False, 1),
    ],
    "report-models-as-reported": [
        ("37", "37", "Tỉnh Ninh Bình", 3, 0),
        ("42", "42", "Tỉnh Hà Tĩnh", 8, 0),
        ("48", "49", "Tỉnh Quảng Nam", 5, 1),
        ("48", None, None, 1, 0),
        ("91", "91", "Tỉnh Kiên Giang", 6, 0),
        ("92", "92", "Thành phố Cần Thơ", 2, 0),
        ("92", "94", "Tỉnh Sóc Trăng", 1, 0),
        ("92", None, None, 2, 0),
    ],
    "report-recognitions": [  # typical selections at the level that selected them
        ("37", 2016, "recognised", "district", 3),
        ("48", 2023, "recognised", "district", 1),
        ("48", 2023, "recognised", "province", 1),
        ("48", 2023, "selected_typical", "district", 1),
        ("48", 2023, "selected_typical", "province", 1),
        ("48", 2025, "recognised", "province", 1),
        ("48", 2025, "selected_typical", "province", 1),
        ("91", 2021, "recognised", "province", 1),
        ("91", 2022, "recognised", "province", 1),
        ("91", 2023, "recognised", "district", 1),
        ("91", 2023, "recognised", "province", 1),
        ("91", 2024, "recognised", "province", 1),
        ("91", 2024, "selected_typical", "province", 1),
        ("VN", 2016, "recognised", "district", 3),
        ("VN", 2021, "recognised", "province", 1),
        ("VN", 2022, "recognised", "province", 1),
        ("VN", 2023, "recognised", "district", 2),
        ("VN", 2023, "recognised", "province", 2),
        ("VN", 2023, "selected_typical", "district", 1),
        ("VN", 2023, "selected_typical", "province", 1),
        ("VN", 2024, "recognised", "province", 1),
        ("VN", 2024, "selected_typical", "province", 1),
        ("VN", 2025, "recognised", "province", 1),
        ("VN", 2025, "selected_typical", "province", 1),
    ],
    "report-replication": [
        ("48", "Tổ an ninh tự quản 5 trong 1", 2022, "Kim Đới", 20, 1, 2023, 1, 8, 169),
    ],
    "report-headline-indicators": [
        ("42", "district", "canals_built_km", "2020-2025", "term", "km", D("8.1"), 1, False),
        ("42", "district", "canals_built_km", "2023", "year", "km", D("8.1"), 1, True),
        ("42", "district", "canals_dredged_km", "2020-2025", "term", "km", D("40.2"), 1, False),
        ("42", "district", "canals_dredged_km", "2023", "year", "km", D("40.2"), 1, True),
        ("48", "commune", "houses_built_or_repaired", "2020-2025", "term", "house", 4, 1, False),
        ("48", "commune", "houses_built_or_repaired", "2024", "year", "house", 4, 1, True),
        ("48", "commune", "patrols", "2020-2025", "term", "patrol", 300, 1, False),
        ("48", "commune", "patrols", "2023", "year", "patrol", 300, 1, True),
        ("48", "commune", "poor_households_helped", "2020-2025", "term", "households", 4, 1, False),
        ("48", "commune", "poor_households_helped", "2024", "year", "households", 4, 1, True),
        ("91", "commune", "bridges_built", "2020-2025", "term", "bridge", 65, 1, True),
        ("92", "commune", "bridges_built", "2020-2025", "term", "bridge", 2, 1, False),
        ("92", "commune", "bridges_built", "2024", "year", "bridge", 2, 1, True),
        ("92", "agency", "houses_built", "2020-2025", "term", "house", 5, 1, False),
        ("92", "agency", "houses_built", "2025", "year", "house", 5, 1, True),
        ("92", "agency", "houses_built", "2025-2030", "term", "house", 5, 1, False),
        ("92", "commune", "lights_installed", "2020-2025", "term", "light", 120, 1, False),
        ("92", "commune", "lights_installed", "2025", "year", "light", 120, 1, True),
        ("92", "commune", "lights_installed", "2025-2030", "term", "light", 120, 1, False),
        ("92", "agency", "meals_served", "2020-2025", "term", "meal", 200, 1, False),
        ("92", "agency", "meals_served", "2025", "year", "meal", 200, 1, True),
        ("92", "agency", "meals_served", "2025-2030", "term", "meal", 200, 1, False),
        ("92", "agency", "poor_households_helped", "2020-2025", "term", "households", 5, 1, False),
        ("92", "agency", "poor_households_helped", "2025", "year", "households", 5, 1, True),
        ("92", "agency", "poor_households_helped", "2025-2030", "term", "households", 5, 1, False),
        ("VN", "commune", "bridges_built", "2020-2025", "term", "bridge", 67, 2, False),
        ("VN", "commune", "bridges_built", "2024", "year", "bridge", 2, 1, True),
        ("VN", "district", "canals_built_km", "2020-2025", "term", "km", D("8.1"), 1, False),
        ("VN", "district", "canals_built_km", "2023", "year", "km", D("8.1"), 1, True),
        ("VN", "district", "canals_dredged_km", "2020-2025", "term", "km", D("40.2"), 1, False),
        ("VN", "district", "canals_dredged_km", "2023", "year", "km", D("40.2"), 1, True),
        ("VN", "agency", "houses_built", "2020-2025", "term", "house", 5, 1, False),
        ("VN", "agency", "houses_built", "2025", "year", "house", 5, 1, True),
        ("VN", "agency", "houses_built", "2025-2030", "term", "house", 5, 1, False),
        ("VN", "commune", "houses_built_or_repaired", "2020-2025", "term", "house", 4, 1, False),
        ("VN", "commune", "houses_built_or_repaired", "2024", "year", "house", 4, 1, True),
        ("VN", "commune", "lights_installed", "2020-2025", "term", "light", 120, 1, False),
        ("VN", "commune", "lights_installed", "2025", "year", "light", 120, 1, True),
        ("VN", "commune", "lights_installed", "2025-2030", "term", "light", 120, 1, False),
        ("VN", "agency", "meals_served", "2020-2025", "term", "meal", 200, 1, False),
        ("VN", "agency", "meals_served", "2025", "year", "meal", 200, 1, True),
        ("VN", "agency", "meals_served", "2025-2030", "term", "meal", 200, 1, False),
        ("VN", "commune", "patrols", "2020-2025", "term", "patrol", 300, 1, False),
        ("VN", "commune", "patrols", "2023", "year", "patrol", 300, 1, True),
        ("VN", "agency", "poor_households_helped", "2020-2025", "term", "households", 5, 1, False),
        ("VN", "commune", "poor_households_helped", "2020-2025", "term", "households", 4, 1, False),
        ("VN", "commune", "poor_households_helped", "2024", "year", "households", 4, 1, True),
        ("VN", "agency", "poor_households_helped", "2025", "year", "households", 5, 1, True),
        ("VN", "agency", "poor_households_helped", "2025-2030", "term", "households", 5, 1, False),
    ],
    "report-contributions": [
        ("42", "district", "labour", "residents", "2020-2025", "term", "labour_days", 5500),
        ("42", "district", "labour", "residents", "2023", "year", "labour_days", 5500),
        ("42", "commune", "land", "residents", "2013-2022", "term", "m2", 45000),
        ("42", "commune", "land", "residents", "2015-2020", "term", "m2", 15000),
        ("42", "commune", "land", "residents", "2020", "year", "m2", 15000),
        ("42", "commune", "land", "residents", "2020-2025", "term", "m2", 60000),
        ("42", "commune", "land", "residents", "2021", "year", "m2", 15000),
        ("42", "commune", "land", "residents", "2022", "year", "m2", 15000),
        ("42", "commune", "land", "residents", "2023", "year", "m2", 15000),
        ("48", "commune", "labour", "residents", "2020-2025", "term", "labour_days", 320),
        ("48", "commune", "labour", "residents", "2023", "year", "labour_days", 120),
        ("48", "commune", "labour", "residents", "2024", "year", "labour_days", 200),
        ("48", "commune", "money", "philanthropists", "2020-2025", "term", "VND", 50000000),
        ("48", "commune", "money", "residents", "2020-2025", "term", "VND", 120000000),
        ("48", "commune", "money", "state_budget", "2020-2025", "term", "VND", 45000000),
        ("48", "commune", "money", "state_budget", "2023", "year", "VND", 45000000),
        ("48", "commune", "money", "philanthropists", "2024", "year", "VND", 50000000),
        ("48", "commune", "money", "residents", "2024", "year", "VND", 120000000),
        ("91", "commune", "money", "residents", "2020-2025", "term", "VND", 13000000000),
        ("92", "agency", "money", "organizations", "2020-2025", "term", "VND", 500000000),
        ("92", "agency", "money", "organizations", "2025", "year", "VND", 500000000),
        ("92", "agency", "money", "organizations", "2025-2030", "term", "VND", 500000000),
        ("VN", "commune", "labour", "residents", "2020-2025", "term", "labour_days", 320),
        ("VN", "district", "labour", "residents", "2020-2025", "term", "labour_days", 5500),
        ("VN", "commune", "labour", "residents", "2023", "year", "labour_days", 120),
        ("VN", "district", "labour", "residents", "2023", "year", "labour_days", 5500),
        ("VN", "commune", "labour", "residents", "2024", "year", "labour_days", 200),
        ("VN", "commune", "land", "residents", "2013-2022", "term", "m2", 45000),
        ("VN", "commune", "land", "residents", "2015-2020", "term", "m2", 15000),
        ("VN", "commune", "land", "residents", "2020", "year", "m2", 15000),
        ("VN", "commune", "land", "residents", "2020-2025", "term", "m2", 60000),
        ("VN", "commune", "land", "residents", "2021", "year", "m2", 15000),
        ("VN", "commune", "land", "residents", "2022", "year", "m2", 15000),
        ("VN", "commune", "land", "residents", "2023", "year", "m2", 15000),
        ("VN", "agency", "money", "organizations", "2020-2025", "term", "VND", 500000000),
        ("VN", "commune", "money", "philanthropists", "2020-2025", "term", "VND", 50000000),
        ("VN", "commune", "money", "residents", "2020-2025", "term", "VND", 13120000000),
        ("VN", "commune", "money", "state_budget", "2020-2025", "term", "VND", 45000000),
        ("VN", "commune", "money", "state_budget", "2023", "year", "VND", 45000000),
        ("VN", "commune", "money", "philanthropists", "2024", "year", "VND", 50000000),
        ("VN", "commune", "money", "residents", "2024", "year", "VND", 120000000),
        ("VN", "agency", "money", "organizations", "2025", "year", "VND", 500000000),
        ("VN", "agency", "money", "organizations", "2025-2030", "term", "VND", 500000000),
    ],
    "report-petitions": [
        ("37", "district", "2013-2022", "term", 3750, 392, 389, D("99.2")),
        ("42", "district", "2020-2025", "term", 400, 370, 359, D("97.0")),
        ("42", "district", "2023", "year", 400, 370, 359, D("97.0")),
        ("VN", "district", "2013-2022", "term", 3750, 392, 389, D("99.2")),
        ("VN", "district", "2020-2025", "term", 400, 370, 359, D("97.0")),
        ("VN", "district", "2023", "year", 400, 370, 359, D("97.0")),
    ],
    "report-completeness": [
        ("37", None, "2013-2022", "term", 1, 1, 1, D("100.0")),
        ("37", "district", "2013-2022", "term", 1, 1, 1, D("100.0")),
        ("37", None, "2022", "year", 1, 1, 1, D("100.0")),
        ("37", "district", "2022", "year", 1, 1, 1, D("100.0")),
        ("42", None, "2020", "year", 1, 1, 1, D("100.0")),
        ("42", "commune", "2020", "year", 1, 1, 1, D("100.0")),
        ("42", None, "2021", "year", 2, 2, 2, D("100.0")),
        ("42", "commune", "2021", "year", 2, 2, 2, D("100.0")),
        ("42", None, "2022", "year", 2, 1, 0, D("50.0")),
        ("42", "commune", "2022", "year", 2, 1, 0, D("50.0")),
        ("42", None, "2023", "year", 3, 2, 2, D("66.7")),
        ("42", "commune", "2023", "year", 2, 1, 1, D("50.0")),
        ("42", "district", "2023", "year", 1, 1, 1, D("100.0")),
        ("42", None, "2023-9M", "nine_months", 1, 1, 1, D("100.0")),
        ("42", "district", "2023-9M", "nine_months", 1, 1, 1, D("100.0")),
        ("42", None, "2023-Q1", "quarter", 1, 1, 1, D("100.0")),
        ("42", "district", "2023-Q1", "quarter", 1, 1, 1, D("100.0")),
        ("42", None, "2023-Q2", "quarter", 1, 1, 1, D("100.0")),
        ("42", "district", "2023-Q2", "quarter", 1, 1, 1, D("100.0")),
        ("42", None, "2023-Q3", "quarter", 1, 1, 1, D("100.0")),
        ("42", "district", "2023-Q3", "quarter", 1, 1, 1, D("100.0")),
        ("42", None, "2023-Q4", "quarter", 1, 1, 1, D("100.0")),
        ("42", "district", "2023-Q4", "quarter", 1, 1, 1, D("100.0")),
        ("48", None, "2022", "year", 1, 1, 1, D("100.0")),
        ("48", "commune", "2022", "year", 1, 1, 1, D("100.0")),
        ("48", None, "2023", "year", 2, 2, 2, D("100.0")),
        ("48", "commune", "2023", "year", 2, 2, 2, D("100.0")),
        ("48", None, "2024", "year", 3, 1, 1, D("33.3")),
        ("48", "commune", "2024", "year", 3, 1, 1, D("33.3")),
        ("48", None, "2025", "year", 1, 1, 1, D("100.0")),
        ("48", "agency", "2025", "year", 1, 1, 1, D("100.0")),
        ("91", None, "2020-2025", "term", 1, 1, 1, D("100.0")),
        ("91", "commune", "2020-2025", "term", 1, 1, 1, D("100.0")),
        ("91", None, "2023", "year", 2, 2, 2, D("100.0")),
        ("91", "commune", "2023", "year", 2, 2, 2, D("100.0")),
        ("92", None, "2024", "year", 2, 2, 2, D("100.0")),
        ("92", "commune", "2024", "year", 2, 2, 2, D("100.0")),
        ("92", None, "2025", "year", 4, 4, 4, D("100.0")),
        ("92", "agency", "2025", "year", 2, 2, 2, D("100.0")),
        ("92", "commune", "2025", "year", 2, 2, 2, D("100.0")),
        ("VN", None, "2013-2022", "term", 1, 1, 1, D("100.0")),
        ("VN", None, "2020", "year", 1, 1, 1, D("100.0")),
        ("VN", None, "2020-2025", "term", 1, 1, 1, D("100.0")),
        ("VN", None, "2021", "year", 2, 2, 2, D("100.0")),
        ("VN", None, "2022", "year", 4, 3, 2, D("75.0")),
        ("VN", None, "2023", "year", 7, 6, 6, D("85.7")),
        ("VN", None, "2023-9M", "nine_months", 1, 1, 1, D("100.0")),
        ("VN", None, "2023-Q1", "quarter", 1, 1, 1, D("100.0")),
        ("VN", None, "2023-Q2", "quarter", 1, 1, 1, D("100.0")),
        ("VN", None, "2023-Q3", "quarter", 1, 1, 1, D("100.0")),
        ("VN", None, "2023-Q4", "quarter", 1, 1, 1, D("100.0")),
        ("VN", None, "2024", "year", 5, 3, 3, D("60.0")),
        ("VN", None, "2025", "year", 5, 5, 5, D("100.0")),
    ],
    "report-missing-reports": [
        ("42", "commune", "18427", "Xã Vượng Lộc", "2023", date(2024, 1, 31)),
        ("42", "commune", "18427", "Xã Vượng Lộc", "2022", date(2023, 1, 31)),
        ("48", "commune", "20362", "Xã Tam Thăng", "2024", date(2025, 1, 31)),
        ("48", "commune", "20932", "Xã Trà Ka", "2024", date(2025, 1, 31)),
    ],
    "report-targets": [
        ("48", "dng_agency_typical_models_2025_2030", "2025-2030", 1, 1, 1),
        ("48", "qna_district_new_models", "2020", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_new_models", "2021", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_new_models", "2022", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_new_models", "2023", len(QUANG_NAM_DISTRICTS), 1, 0),
        ("48", "qna_district_new_models", "2024", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_typical_models", "2020", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_typical_models", "2021", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_typical_models", "2022", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("48", "qna_district_typical_models", "2023", len(QUANG_NAM_DISTRICTS), 2, 0),
        ("48", "qna_district_typical_models", "2024", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "dng_agency_typical_models_2025_2030", "2025-2030", 1, 1, 1),
        ("VN", "qna_district_new_models", "2020", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_new_models", "2021", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_new_models", "2022", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_new_models", "2023", len(QUANG_NAM_DISTRICTS), 1, 0),
        ("VN", "qna_district_new_models", "2024", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_typical_models", "2020", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_typical_models", "2021", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_typical_models", "2022", len(QUANG_NAM_DISTRICTS), 0, 0),
        ("VN", "qna_district_typical_models", "2023", len(QUANG_NAM_DISTRICTS), 2, 0),
        ("VN", "qna_district_typical_models", "2024", len(QUANG_NAM_DISTRICTS), 0, 0),
    ],
    "report-quarantined-rows": [],
    "report-held-submissions": [],
}


def test_every_guide_query_has_a_known_answer():
    assert set(guide_queries()) == set(GUIDE_ANSWERS)


@pytest.mark.parametrize("query_id", sorted(GUIDE_ANSWERS))
def test_guide_query_gives_the_known_answer(warehouse, query_id):
    # GIVEN the published marts; WHEN an analyst runs the guide's query
    rows = warehouse.rows(guide_queries()[query_id])
    # THEN it gives the figure the known submissions imply
    assert rows == GUIDE_ANSWERS[query_id]


def test_guide_queries_reach_their_rows_through_indexes(warehouse):
    # GIVEN the published marts, planned as at national size: there a sequential scan loses
    # to an index wherever one serves the query (here the tables are small, so the planner
    # is told to avoid sequential scans, and uses one only if no index serves)
    with psycopg.connect(warehouse.url) as conn:
        conn.execute("set enable_seqscan = off")
        # WHEN each of the guide's queries is planned
        scans = {
            query_id: found
            for query_id, query in guide_queries().items()
            if not query_id.startswith(WHOLE_COUNTRY_QUERIES)
            and (found := sequential_scans(conn, query))
        }
    # THEN none reads a mart whole: the marts have indexes on what the guide filters by
    assert scans == {}


# -- the facts behind the reports -----------------------------------------------


def test_the_revised_nine_month_report_replaces_the_first(warehouse):
    rows = warehouse.rows(
        """select indicator_code, value, source_rows from marts.fct_indicator_values
           where reporting_unit_key = '2025-01:443' and period_code = '2023-9M'
             and indicator_code in ('canals_built_km', 'canals_dredged_km', 'roads_renovated_km')
           order by indicator_code"""
    )
    assert rows == [
        ("canals_built_km", D("7.1"), 1),
        ("canals_dredged_km", D("36.2"), 1),
        ("roads_renovated_km", D("0.916"), 1),  # sent as "916 m"
    ]
    # both versions stay for audit in the converted rows
    converted = warehouse.rows(
        """select value from intermediate.int_indicator_values__all_versions
           where reporting_unit_code = '443' and period_code = '2023-9M'
             and indicator_code = 'canals_built_km' order by submitted_on"""
    )
    assert converted == [(7,), (D("7.1"),)]


def test_every_fact_row_carries_both_provinces(warehouse):
    for fact in (
        "fct_indicator_values",
        "fct_contributions",
        "fct_unit_activities",
        "fct_submissions",
        "fct_expected_submissions",
        "fct_model_events",
    ):
        missing = warehouse.rows(
            f"select count(*) from marts.{fact} where province_code_2025_07 is null"
        )
        assert missing == [(0,)], fact
        # only agencies reporting on today's map lack an old province
        without_old = warehouse.rows(
            f"select distinct reporting_unit_code from marts.{fact} where province_code_2025_01 is null"
        )
        assert {code for (code,) in without_old} <= AGENCIES_ON_TODAYS_MAP, fact


def test_models_keep_what_earlier_reports_said_and_roll_up_to_today(warehouse):
    rows = warehouse.rows(
        """select model_key, village, members, recognition_level, recognition_year, is_typical,
                  province_code_2025_01, province_code_2025_07, district_code_2025_01,
                  commune_code_2025_01, commune_code_2025_07, reporting_unit_key, is_inferred
           from marts.dim_model
           where model_key in (%s, %s, 'CTO-NINHKIEU-KENG', 'KGG-DINHAN-LUA') order by model_key""",
        [known.TEAM, known.BRIDGES],
    )
    assert rows == [
        (known.BRIDGES, None, None, "province", 2024, True, "91", "91", None, None, "30952",
         "2025-07:30952", False),
        ("CTO-NINHKIEU-KENG", None, None, None, None, False, "92", "92", None, None, "31135",
         "2025-07:31135", False),
        ("KGG-DINHAN-LUA", None, None, "province", 2023, False, "91", "91", "907", "30964", "30952",
         "2025-01:30964", False),
        (known.TEAM, "Kim Đới", 20, "province", 2023, True, "49", "48", "502", "20362", "20335",
         "2025-01:20362", False),
    ]  # fmt: skip


def test_model_events_follow_the_reports(warehouse):
    rows = warehouse.rows(
        """select event_type, event_date, recognition_level, related_model_key, commune_code_2025_07
           from marts.fct_model_events where model_key = %s order by event_date, event_type""",
        [known.TEAM],
    )
    assert rows == [
        ("started", date(2022, 3, 1), None, None, "20335"),
        ("recognised", date(2023, 1, 1), "province", None, "20335"),  # not in 2022: not yet then
        ("replicated", date(2023, 1, 1), None, known.REPLICA, "20335"),
        ("selected_typical", date(2023, 1, 1), "province", None, "20335"),
    ]


# -- every figure of every report --------------------------------------------------


def _by_period_oracle(warehouse, fact, series, value_column, extra_columns=()):
    """Reports by period recomputed in Python: for each series and each period
    holding some of its reports, take reports longest first (then earliest),
    skipping any that overlaps one already taken; add them (sum) or keep the one
    ending last (latest, rate)."""
    periods = warehouse.rows("select period_code, period_start, period_end from marts.dim_period")
    rule_column = "aggregation_rule" if fact != "fct_contributions" else "'sum'"
    facts = warehouse.rows(
        f"""select {", ".join(series)}, period_code, period_start, period_end, {value_column},
                   {rule_column}{"".join(", " + c for c in extra_columns)}
            from marts.{fact}"""
    )
    by_series = defaultdict(list)
    for row in facts:
        by_series[row[: len(series)]].append(row[len(series) :])
    counted = {}
    for key, reports in by_series.items():
        for code, start, end in periods:
            inside = [r for r in reports if start <= r[1] and r[2] <= end]
            if not inside:
                continue
            taken = []
            for report in sorted(inside, key=lambda r: (-(r[2] - r[1]).days, r[1], r[0])):
                if all(report[2] < t[1] or report[1] > t[2] for t in taken):
                    taken.append(report)
            rule = taken[0][4]
            if rule == "sum":
                value = sum(r[3] for r in taken)
                covers = sum((r[2] - r[1]).days + 1 for r in taken) == (end - start).days + 1
            else:
                last = max(taken, key=lambda r: r[2])
                value, covers = last[3], last[2] == end
            counted[(*key, code)] = (value, covers, {r[0] for r in taken}, rule, taken)
    return counted


def test_indicators_by_unit_and_period_count_overlapping_reports_once(warehouse):
    per_model = _by_period_oracle(
        warehouse,
        "fct_indicator_values",
        ["reporting_unit_key", "model_key", "indicator_code"],
        "value",
    )
    expected = defaultdict(lambda: {"values": [], "covers": True, "periods": set(), "rule": None})
    for (unit, _model, indicator, period), (value, covers, periods, rule, _) in per_model.items():
        entry = expected[(unit, indicator, period)]
        entry["values"].append(value)
        entry["covers"] &= covers
        entry["periods"] |= periods
        entry["rule"] = rule
    truth = {
        key: (
            sum(e["values"]) / len(e["values"]) if e["rule"] == "rate" else sum(e["values"]),
            len(e["values"]),
            e["covers"],
            ", ".join(sorted(e["periods"])),
        )
        for key, e in expected.items()
    }
    actual = {
        row[:3]: row[3:]
        for row in warehouse.rows(
            """select reporting_unit_key, indicator_code, period_code, value, models,
                      covers_whole_period, periods_counted
               from marts.rpt_indicators_by_unit_period"""
        )
    }
    assert actual == truth
    # the hand-checked heart of it: Can Lộc's 2023, 9M revised, quarters and Q4
    assert actual[("2025-01:443", "canals_built_km", "2023")] == (
        D("8.1"),
        1,
        True,
        "2023-9M, 2023-Q4",
    )
    assert actual[("2025-01:443", "roads_renovated_km", "2023")] == (
        D("1.000"),
        1,
        True,
        "2023-9M, 2023-Q4",
    )
    assert actual[("2025-01:443", "roads_renovated_km", "2023-H2")] == (
        D("0.384"),
        1,
        True,
        "2023-Q3, 2023-Q4",
    )


def test_contributions_by_source_count_overlapping_reports_once(warehouse):
    per_model = _by_period_oracle(
        warehouse,
        "fct_contributions",
        ["reporting_unit_key", "model_key", "contribution_type_code", "contribution_source_code"],
        "amount",
    )
    truth = defaultdict(lambda: [0, 0, True])
    for (unit, _model, kind, source, period), (amount, covers, *_rest) in per_model.items():
        entry = truth[(unit, kind, source, period)]
        entry[0] += amount
        entry[1] += 1
        entry[2] &= covers
    actual = {
        row[:4]: list(row[4:])
        for row in warehouse.rows(
            """select reporting_unit_key, contribution_type_code, contribution_source_code, period_code,
                      amount, models, covers_whole_period
               from marts.rpt_contributions_by_source"""
        )
    }
    assert actual == dict(truth)
    # Can Lộc's labour days: the revised nine months (5,200) + Q4 (300), not + the quarters
    assert actual[("2025-01:443", "labour", "residents", "2023")] == [5500, 1, True]
    # Thiên Lộc's land: 1.5 ha a year over four yearly reports
    assert actual[("2025-01:18415", "land", "residents", "2020-2025")] == [60000, 1, False]


def test_unit_activities_and_petitions_count_overlapping_reports_once(warehouse):
    per_unit = _by_period_oracle(
        warehouse, "fct_unit_activities", ["reporting_unit_key", "activity_code"], "value"
    )
    truth = {key: (value, covers) for key, (value, covers, *_rest) in per_unit.items()}
    actual = {
        row[:3]: row[3:]
        for row in warehouse.rows(
            """select reporting_unit_key, activity_code, period_code, value, covers_whole_period
               from marts.rpt_unit_activities"""
        )
    }
    assert actual == truth
    petitions = {
        row[:2]: row[2:]
        for row in warehouse.rows(
            """select reporting_unit_key, period_code, petitions_received, petitions_under_authority,
                      petitions_resolved, resolution_rate_pct from marts.rpt_petition_resolution"""
        )
    }
    expected_petitions = {}
    for unit, period in {(unit, period) for unit, _activity, period in truth}:
        received, authority, resolved = (
            truth.get((unit, activity, period), (None,))[0]
            for activity in (
                "petitions_received",
                "petitions_under_authority",
                "petitions_resolved",
            )
        )
        if received is None and authority is None and resolved is None:
            continue
        rate = (100 * resolved / authority).quantize(D("0.1"), ROUND_HALF_UP) if authority else None
        expected_petitions[(unit, period)] = (received, authority, resolved, rate)
    assert petitions == expected_petitions
    # Can Lộc 2023: 9M (300 / 280 / 270) + Q4 (100 / 90 / 89) → 359 of 370 = 97.0 %
    assert petitions[("2025-01:443", "2023")] == (400, 370, 359, D("97.0"))


def test_models_report_counts_every_described_model_once(warehouse):
    rows = warehouse.rows(
        """select province_code_2025_01, province_code_2025_07, sum(models)
           from marts.rpt_models group by 1, 2 order by 1 nulls last, 2"""
    )
    assert rows == [
        ("37", "37", 3),  # Ninh Bình city's effective models
        ("42", "42", 8),  # Hà Tĩnh: 4 in Thạch Hà, 2 in Thiên Lộc, Vượng Lộc's, Can Lộc's canals
        ("49", "48", 5),  # Quảng Nam → Đà Nẵng
        ("91", "91", 6),  # Gò Quao: 4 in the term report, 2 from old communes
        ("92", "92", 2),  # Cần Thơ's own wards (the bell, road lighting)
        ("94", "92", 1),  # Sóc Trăng's ward → Cần Thơ
        (None, "48", 1),  # the Đà Nẵng agency
        (None, "92", 2),  # Cần Thơ police and military
    ]
    replicas = warehouse.rows("select sum(models) from marts.rpt_models where is_replica")
    assert replicas == [(1,)]
    not_inferred = warehouse.rows("select count(*) from marts.dim_model where is_inferred")
    assert not_inferred == [(0,)]


def test_recognitions_report(warehouse):
    rows = warehouse.rows(
        """select event_type, event_year, recognition_level, field_code, province_code_2025_01,
                  province_code_2025_07, sum(models)
           from marts.rpt_recognitions group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5 nulls last"""
    )
    assert rows == [
        ("recognised", 2016, "district", "culture_society", "37", "37", 3),
        ("recognised", 2021, "province", "economy", "91", "91", 1),
        ("recognised", 2022, "province", "defence_security", "91", "91", 1),
        ("recognised", 2023, "district", "economy", "49", "48", 1),  # Trà Ka
        ("recognised", 2023, "district", "party_building", "91", "91", 1),
        ("recognised", 2023, "province", "defence_security", "49", "48", 1),  # Tam Thăng
        ("recognised", 2023, "province", "economy", "91", "91", 1),  # Định An
        ("recognised", 2024, "province", "economy", "91", "91", 1),  # Gò Quao bridges
        ("recognised", 2025, "province", "culture_society", None, "48", 1),
        # typical selections at the level of the report that selected them
        ("selected_typical", 2023, "district", "economy", "49", "48", 1),
        ("selected_typical", 2023, "province", "defence_security", "49", "48", 1),
        ("selected_typical", 2024, "province", "economy", "91", "91", 1),
        ("selected_typical", 2025, "province", "culture_society", None, "48", 1),
    ]


def test_replication_reach_report(warehouse):
    rows = warehouse.rows(
        """select model_key, own_village, own_members, direct_replicas, replicas,
                  first_replicated_year, communes_reached, replica_villages, replica_members,
                  province_code_2025_01, province_code_2025_07
           from marts.rpt_replication_reach"""
    )
    assert rows == [(known.TEAM, "Kim Đới", 20, 1, 1, 2023, 1, 8, 169, "49", "48")]


def test_target_attainment_report(warehouse):
    rows = warehouse.rows(
        """select target_code, unit_code, period_code, actual_value, is_met, meets_stretch, status
           from marts.rpt_target_attainment"""
    )
    new_models = {("515", "2021"): 1, ("502", "2022"): 1, ("502", "2023"): 2, ("507", "2024"): 1}
    typical = {("515", "2023"): 1, ("502", "2023"): 1}
    expected = []
    for code, counts, quota, stretch in (
        ("qna_district_new_models", new_models, 2, 3),
        ("qna_district_typical_models", typical, 1, 1),
    ):
        for district in QUANG_NAM_DISTRICTS:
            for year in map(str, range(2020, 2025)):
                actual = counts.get((district, year), 0)
                met = actual >= quota
                expected.append(
                    (
                        code,
                        district,
                        year,
                        actual,
                        met,
                        actual >= stretch,
                        "met" if met else "not_met",
                    )
                )
    expected.append(
        (
            "dng_agency_typical_models_2025_2030",
            "48-SVHTTDL",
            "2025-2030",
            1,
            True,
            True,
            "in_progress",
        )
    )
    assert sorted(rows) == sorted(expected)


def test_submission_completeness_report(warehouse):
    rows = warehouse.rows(
        """select province_code_2025_01, province_code_2025_07, reporting_unit_level, period_code,
                  units_expected, units_reported, units_on_time, units_missing
           from marts.rpt_submission_completeness
           order by 2, 1 nulls last, 3, 4"""
    )
    assert rows == [
        ("37", "37", "district", "2013-2022", 1, 1, 1, 0),
        ("37", "37", "district", "2022", 1, 1, 1, 0),
        ("42", "42", "commune", "2020", 1, 1, 1, 0),
        ("42", "42", "commune", "2021", 2, 2, 2, 0),
        ("42", "42", "commune", "2022", 2, 1, 0, 1),
        ("42", "42", "commune", "2023", 2, 1, 1, 1),
        ("42", "42", "district", "2023", 1, 1, 1, 0),
        ("42", "42", "district", "2023-9M", 1, 1, 1, 0),  # first version on time; the revision late
        ("42", "42", "district", "2023-Q1", 1, 1, 1, 0),
        ("42", "42", "district", "2023-Q2", 1, 1, 1, 0),
        ("42", "42", "district", "2023-Q3", 1, 1, 1, 0),
        ("42", "42", "district", "2023-Q4", 1, 1, 1, 0),
        # Tam Thăng (2022, 2023) and Trà Ka (2023) are expected for 2024 too: Điện Phước reported it
        ("49", "48", "commune", "2022", 1, 1, 1, 0),
        ("49", "48", "commune", "2023", 2, 2, 2, 0),
        ("49", "48", "commune", "2024", 3, 1, 1, 2),
        (None, "48", "agency", "2025", 1, 1, 1, 0),
        ("91", "91", "commune", "2020-2025", 1, 1, 1, 0),
        ("91", "91", "commune", "2023", 2, 2, 2, 0),
        # Phường Thới Bình (old map) is not expected after the reform; the new wards are
        ("92", "92", "commune", "2024", 1, 1, 1, 0),
        ("92", "92", "commune", "2025", 2, 2, 2, 0),
        ("94", "92", "commune", "2024", 1, 1, 1, 0),
        (None, "92", "agency", "2025", 2, 2, 2, 0),
    ]


# -- what a BI tool sees -------------------------------------------------------------


def test_every_public_mart_and_column_has_a_bilingual_comment(warehouse):
    marts = {path.stem for path in MARTS_DIR.rglob("*.sql")}
    assert {table for table, _ in warehouse.build_tables} == marts
    assert [table for table, comment in warehouse.build_tables if not comment] == []
    missing = [
        f"{table}.{column}" for table, column, comment in warehouse.build_comments if not comment
    ]
    assert missing == []
    not_bilingual = [
        f"{table}.{column}"
        for table, column, comment in warehouse.build_comments
        if " — " not in comment
    ]
    assert not_bilingual == []


def test_a_read_only_user_sees_the_published_marts_with_their_comments(warehouse, server, request):
    with psycopg.connect(warehouse.url) as conn:
        published = conn.execute(
            """select count(*), count(col_description(c.oid, a.attnum))
               from pg_class c join pg_namespace n on n.oid = c.relnamespace
               join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
               where n.nspname = 'marts' and c.relkind = 'r' and c.relname <> 'dim_publication'"""
        ).fetchone()
    assert published[0] == published[1] == len(warehouse.build_comments)
    if server.name != "embedded":
        pytest.skip("the read-only role is created by the embedded warehouse")
    embedded = request.getfixturevalue("embedded_warehouse")
    reader_url = with_database(
        embedded.url(WAREHOUSE_READER), conninfo_to_dict(warehouse.url)["dbname"]
    )
    with psycopg.connect(reader_url) as conn:
        comment = conn.execute(
            """select col_description('marts.rpt_models'::regclass, 1)"""
        ).fetchone()[0]
        assert " — " in comment
        assert conn.execute("select sum(models) from marts.rpt_models").fetchone()[0] == 28
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("delete from marts.rpt_models")


def test_docs_generate_works_offline(warehouse, module_warehouse):
    run_dbt(
        module_warehouse,
        DatabaseTarget(warehouse.url),
        ["docs", "generate"],
        warehouse.run_dir / "docs",
        on_line=lambda line: None,
    )
    assert (module_warehouse.dbt_state_dir / "target" / "catalog.json").exists()
    assert (module_warehouse.dbt_state_dir / "target" / "index.html").exists()
