-- Landing converts every figure to its catalogue entry's unit. If the catalogue
-- later gives an entry another unit or aggregation rule, figures landed before
-- are in the old one: this test names them (their files must be landed again).
with indicator_rows as (
    select
        'indicator_values' as landed_rows,
        landed.file_id,
        landed.source_sheet,
        landed.source_row
    from {{ ref('int_indicator_values__all_versions') }} as landed
    left join {{ ref('ref_indicators') }} as catalogue
        on landed.indicator_code = catalogue.indicator_code
    where
        landed.unit_code is distinct from catalogue.canonical_unit_code
        or landed.aggregation_rule is distinct from catalogue.aggregation_rule
),

contribution_rows as (
    select
        'contributions' as landed_rows,
        landed.file_id,
        landed.source_sheet,
        landed.source_row
    from {{ ref('int_contributions__all_versions') }} as landed
    left join {{ ref('ref_contribution_types') }} as contribution_type
        on landed.contribution_type_code = contribution_type.contribution_type_code
    where landed.unit_code is distinct from contribution_type.canonical_unit_code
),

activity_rows as (
    select
        'unit_activities' as landed_rows,
        landed.file_id,
        landed.source_sheet,
        landed.source_row
    from {{ ref('int_unit_activities__all_versions') }} as landed
    left join {{ ref('ref_activities') }} as activity
        on landed.activity_code = activity.activity_code
    where
        landed.unit_code is distinct from activity.unit_code
        or landed.aggregation_rule is distinct from activity.aggregation_rule
)

select * from indicator_rows
union all
select * from contribution_rows
union all
select * from activity_rows
