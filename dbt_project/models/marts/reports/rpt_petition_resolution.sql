-- Petitions by reporting unit and period: received, under the unit's
-- authority, resolved, and the resolution rate = resolved / under authority
-- (389 of 392 → 99.2 %). Overlapping reports are counted once (from
-- rpt_unit_activities). The rate is null when the number under authority is
-- missing or zero. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
with petitions as (
    select
        reporting_unit_key,
        period_code,
        sum(value) filter (where activity_code = 'citizens_received') as citizens_received,
        sum(value) filter (where activity_code = 'petitions_received') as petitions_received,
        sum(value) filter (where activity_code = 'petitions_under_authority') as petitions_under_authority,
        sum(value) filter (where activity_code = 'petitions_resolved') as petitions_resolved,
        bool_and(covers_whole_period) as covers_whole_period
    from {{ ref('rpt_unit_activities') }}
    where
        activity_code in (
            'citizens_received', 'petitions_received', 'petitions_under_authority', 'petitions_resolved'
        )
        and {{ rebuilt_filter('reporting_unit_code') }}
    group by reporting_unit_key, period_code
)

select
    {{- reporting_unit_columns('units') }}
    periods.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    petitions.citizens_received,
    petitions.petitions_received,
    petitions.petitions_under_authority,
    petitions.petitions_resolved,
    round(100 * petitions.petitions_resolved / nullif(petitions.petitions_under_authority, 0), 1)
        as resolution_rate_pct,
    petitions.covers_whole_period
from petitions
inner join {{ ref('dim_reporting_unit') }} as units
    on petitions.reporting_unit_key = units.reporting_unit_key
inner join {{ ref('dim_period') }} as periods
    on petitions.period_code = periods.period_code
where
    petitions.petitions_received is not null
    or petitions.petitions_under_authority is not null
    or petitions.petitions_resolved is not null
