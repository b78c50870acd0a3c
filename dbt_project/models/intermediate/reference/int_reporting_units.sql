-- Every unit with a report the marts use (held submissions wait), on the map
-- its code refers to, with its area on both maps. Agencies are not on the
-- administrative map: they take the area of the province their report names.
with reported as (
    select
        reporting_unit_code,
        map_version,
        max(reporting_unit_level) as reporting_unit_level,
        max(province_code) as province_code,
        (
            array_agg(reporting_unit_name_sent order by submitted_on desc, file_id desc)
            filter (where reporting_unit_name_sent is not null)
        )[1] as reporting_unit_name_sent,
        min(submitted_on) as first_submitted_on,
        max(submitted_on) as last_submitted_on
    from {{ ref('int_submission_versions') }}
    group by reporting_unit_code, map_version
),

admin_units as (
    select * from {{ ref('int_admin_units__mapped') }}
)

select
    reported.map_version || ':' || reported.reporting_unit_code as reporting_unit_key,
    reported.reporting_unit_code,
    reported.map_version,
    reported.reporting_unit_level,
    coalesce(own_unit.unit_name, reported.reporting_unit_name_sent) as reporting_unit_name,
    own_unit.map_version || ':' || own_unit.unit_code as admin_unit_key,
    reported.province_code,
    {{ area_of('own_unit', 'agency_province') }},
    reported.first_submitted_on,
    reported.last_submitted_on
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
