-- Every unit that has sent a report — communes, districts, provinces and
-- agencies — on the map its code refers to, with its area on both maps.
{{ config(indexes=filter_indexes(['province_code_2025_01', 'province_code_2025_07'])) }}
select
    reporting_unit_key,
    reporting_unit_code,
    map_version,
    reporting_unit_level,
    reporting_unit_name,
    admin_unit_key,
    province_code,
    province_code_2025_01,
    province_code_2025_07,
    district_code_2025_01,
    commune_code_2025_01,
    commune_code_2025_07,
    first_submitted_on,
    last_submitted_on
from {{ ref('int_reporting_units') }}
