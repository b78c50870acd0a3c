-- Unit-level activities (conferences and participants, trainings and trainees,
-- citizens received, petitions, commendations) by reporting unit and period,
-- overlapping reports counted once (reports_counted_in_periods, per
-- activity), combined by the activity's aggregation rule. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
with reports as (
    select
        reporting_unit_key,
        activity_code,
        aggregation_rule,
        unit_code,
        period_code,
        period_start,
        period_end,
        value
    from {{ ref('fct_unit_activities') }}
    where {{ rebuilt_filter('reporting_unit_code') }}
),

counted as (
    {{ reports_counted_in_periods(
        'reports', ['reporting_unit_key', 'activity_code'], ref('dim_period'), ref('dim_period_containment')
    ) }}
),

per_unit as (
    select
        reporting_unit_key,
        activity_code,
        target_period_code,
        max(aggregation_rule) as aggregation_rule,
        max(unit_code) as unit_code,
        {{ combine_by_rule('value', 'aggregation_rule', 'period_end desc') }} as value,
        {{ covers_whole_period('aggregation_rule') }} as covers_whole_period,
        string_agg(period_code, ', ' order by period_code) as periods_counted
    from counted
    group by reporting_unit_key, activity_code, target_period_code
)

select
    {{- reporting_unit_columns('units') }}
    per_unit.activity_code,
    periods.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    per_unit.value,
    per_unit.unit_code,
    per_unit.aggregation_rule,
    per_unit.covers_whole_period,
    periods.period_kind = 'year' as adds_up_across_periods,
    per_unit.periods_counted
from per_unit
inner join {{ ref('dim_reporting_unit') }} as units
    on per_unit.reporting_unit_key = units.reporting_unit_key
inner join {{ ref('dim_period') }} as periods
    on per_unit.target_period_code = periods.period_code
