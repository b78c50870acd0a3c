-- Every unit of both maps with its place on the other map: for a historic
-- (2025-01) unit its current province and commune; for a current (2025-07)
-- unit the old province most of it came from. Old provinces merged whole, so
-- province roll-ups are exact; a split old commune rolls up to its primary
-- target (shares are in ref_commune_crosswalk). The area columns
-- (province_code_2025_01 … commune_code_2025_07) are what facts carry.
with units as (
    select * from {{ ref('ref_admin_units') }}
),

provinces_crosswalk as (
    select * from {{ ref('ref_provinces_crosswalk') }}
),

primary_targets as (
    select
        old_commune_code,
        new_commune_code,
        new_province_code
    from {{ ref('ref_commune_crosswalk') }}
    where is_primary
),

main_old_province as (
    select
        new_commune_code,
        old_province_code
    from (
        select
            new_commune_code,
            old_province_code,
            row_number() over (
                partition by new_commune_code
                order by sum(allocation_share) desc, old_province_code
            ) as weight_rank
        from {{ ref('ref_commune_crosswalk') }}
        group by new_commune_code, old_province_code
    ) as weighted
    where weight_rank = 1
)

select
    units.map_version,
    units.unit_code,
    units.unit_level,
    units.unit_name,
    units.unit_short_name,
    units.unit_type,
    units.parent_code,
    units.district_code,
    units.province_code,
    case
        when units.map_version = '2025-01' then units.province_code
        when units.unit_level = 'commune' then main_old_province.old_province_code
    end as province_code_2025_01,
    case
        when units.map_version = '2025-07' then units.province_code
        else provinces_crosswalk.new_province_code
    end as province_code_2025_07,
    case when units.map_version = '2025-01' then units.district_code end as district_code_2025_01,
    case
        when units.map_version = '2025-01' and units.unit_level = 'commune' then units.unit_code
    end as commune_code_2025_01,
    case
        when units.map_version = '2025-07' and units.unit_level = 'commune' then units.unit_code
        when units.unit_level = 'commune' then primary_targets.new_commune_code
    end as commune_code_2025_07
from units
left join provinces_crosswalk
    on
        units.map_version = '2025-01'
        and units.province_code = provinces_crosswalk.old_province_code
left join primary_targets
    on
        units.map_version = '2025-01'
        and units.unit_level = 'commune'
        and units.unit_code = primary_targets.old_commune_code
left join main_old_province
    on
        units.map_version = '2025-07'
        and units.unit_level = 'commune'
        and units.unit_code = main_old_province.new_commune_code
