-- One row per unit per map version. The January-2025 map (63 provinces) is
-- applied to every date before 1 July 2025; the 34-province map from then on.
{{ config(indexes=filter_indexes(['map_version', 'province_code_2025_01', 'province_code_2025_07'])) }}
select
    map_version || ':' || unit_code as admin_unit_key,
    map_version,
    unit_code,
    unit_level,
    unit_name,
    unit_short_name,
    unit_type,
    parent_code,
    district_code,
    province_code,
    case when map_version = '2025-01' then date '2009-01-01' else date '2025-07-01' end as valid_from,
    case when map_version = '2025-01' then date '2025-06-30' end as valid_to,
    map_version = '2025-07' as is_current,
    province_code_2025_01,
    province_code_2025_07,
    commune_code_2025_07 as current_commune_code,
    district_code_2025_01,
    commune_code_2025_01,
    commune_code_2025_07
from {{ ref('int_admin_units__mapped') }}
