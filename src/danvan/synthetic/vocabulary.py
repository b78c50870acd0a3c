"""What generated submissions are made of: what each topic's models measure, the ranges
values are drawn from, villages, people and their roles."""

from __future__ import annotations

from decimal import Decimal

# What each topic's models measure (indicator codes of ref_indicators.csv).
TOPIC_INDICATORS = {
    "rural_bridges": ("bridges_built", "households_donating_land"),
    "rural_roads": ("roads_built_km", "roads_renovated_km", "land_donated_m2"),
    "land_donation": ("land_donated_m2", "households_donating_land"),
    "road_lighting": ("lights_installed", "roads_built_km"),
    "canals_irrigation": ("canals_built_km", "canals_dredged_km"),
    "new_rural_development": ("villages_new_rural_model", "roads_renovated_km"),
    "gardens": ("mixed_gardens_renovated", "home_gardens_renovated", "model_gardens_built"),
    "farming_production": ("area_cultivated_ha", "profit_vnd", "revenue_vnd"),
    "ocop_products": ("ocop_products", "ocop_stars", "profit_vnd"),
    "cooperatives": ("cooperatives", "cooperative_groups", "revenue_vnd"),
    "livelihoods": ("households_helped", "profit_vnd"),
    "houses_for_poor": ("houses_built", "houses_repaired", "poor_households_helped"),
    "poverty_reduction": ("poor_households_helped", "multidimensional_poverty_rate"),
    "charity_meals": ("meals_served", "households_helped"),
    "environment": ("alleys_drains_cleaned_km", "households_participating"),
    "model_residential_areas": ("model_residential_areas_built", "alleys_concreted_rate"),
    "social_welfare": ("households_helped", "houses_repaired"),
    "self_governing_security": ("patrols", "cases_detected", "cases_supported_police"),
    "crime_prevention": ("cases_detected", "cases_supported_police", "patrols"),
    "armed_forces_support": ("houses_built", "roads_built_km"),
    "citizen_reception": ("households_helped",),
    "party_building": ("households_participating",),
    "grassroots_democracy": ("households_participating",),
    "administrative_reform": ("households_helped",),
}
# (low, high, decimal places) of a quarter's value, by indicator or its canonical unit.
VALUE_RANGES: dict[str, tuple[int | Decimal, int | Decimal, int]] = {
    "patrols": (10, 120, 0),
    "meals_served": (50, 600, 0),
    "team_members": (10, 60, 0),
    "cases_detected": (0, 15, 0),
    "cases_supported_police": (0, 20, 0),
    "lights_installed": (5, 80, 0),
    "ocop_stars": (3, 5, 0),
    "villages_new_rural_model": (1, 12, 0),
    "households": (5, 150, 0),
    "km": (Decimal("0.1"), Decimal("5"), 1),
    "m2": (50, 3000, 0),
    "ha": (Decimal("0.5"), Decimal("20"), 1),
    "VND": (5, 500, 0),
    "percent": (1, 15, 2),
}
DEFAULT_RANGE: tuple[int | Decimal, int | Decimal, int] = (1, 12, 0)
ACTIVITY_RANGES = {
    "conferences": (1, 10),
    "conference_participants": (50, 800),
    "trainings": (1, 5),
    "trainees": (20, 300),
    "citizens_received": (5, 120),
    "commendations_collective": (0, 5),
    "commendations_individual": (0, 12),
}
VILLAGES = (
    "Thôn 1",
    "Thôn 2",
    "Thôn 3",
    "Thôn 5",
    "Thôn Đông",
    "Thôn Trung",
    "Ấp Tân Hòa",
    "Ấp 3",
    "Tổ dân phố 4",
    "Tổ dân phố Hòa Bình",
    "Bản Nà Khoang",
    "Xóm Mới",
    "Khu phố 2",
    "Thôn Kim Đới",
)
PEOPLE = (
    "Nguyễn Văn Hùng",
    "Trần Thị Lan",
    "Lê Văn Tám",
    "Phạm Thị Hoa",
    "Hoàng Văn Nam",
    "Võ Thị Thu",
    "Đặng Văn Lợi",
    "Bùi Thị Hạnh",
    "Hồ Văn Minh",
    "Ngô Thị Mai",
)
ROLES = (
    "Chủ tịch UBMTTQ xã",
    "Phó Chủ tịch UBND xã",
    "Bí thư Đảng ủy",
    "Trưởng khối Dân vận",
    "Chủ tịch Hội Phụ nữ",
    "Công chức Văn phòng",
)
# Mistakes communes make, each with the reason code the quarantine gives it.
