-- Every unit that has reported, on the map its codes refer to, with its
-- province on both maps. Agencies are not on the administrative map: they
-- take the province their report names.
with reported as (
    select distinct
        reporting_unit_code,
        map_version,
        reporting_unit_level,
        province_code
    from {{ ref('stg_submissions__submissions') }}
),

admin_units as (
    select * from {{ ref('int_admin_units__mapped') }}
)

select
    reported.reporting_unit_code,
    reported.map_version,
    reported.reporting_unit_level,
    coalesce(own_unit.province_code_2025_01, agency_province.province_code_2025_01)
        as province_code_2025_01,
    coalesce(own_unit.province_code_2025_07, agency_province.province_code_2025_07)
        as province_code_2025_07
from reported
left join admin_units as own_unit
    on
        reported.reporting_unit_code = own_unit.unit_code
        and reported.map_version = own_unit.map_version
        and reported.reporting_unit_level = own_unit.unit_level
left join admin_units as agency_province
    on
        reported.reporting_unit_level = 'agency'
        and reported.province_code = agency_province.unit_code
        and reported.map_version = agency_province.map_version
        and agency_province.unit_level = 'province'
