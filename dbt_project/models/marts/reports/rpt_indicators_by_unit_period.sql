-- Indicators by reporting unit and period, overlapping reports counted once.
-- For every period that contains reports of a unit (quarters, half-years, nine
-- months, years, terms), each model's indicator counts the reports chosen by
-- reports_counted_in_periods (2023 = the nine-month report + Q4 when both it
-- and the quarters were sent). Per model, a `sum` indicator adds the counted
-- reports; a `latest` (stock) or `rate` indicator takes the latest one. Across
-- the unit's models, sum and latest values add up (households in all its
-- models); rates are averaged (`models` says over how many).
-- covers_whole_period: every model's figure covers the whole period (sum:
-- every day of it; latest/rate: a report ending on its last day).
-- Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes(['indicator_code']))) }}
with reports as (
    select
        reporting_unit_key,
        model_key,
        indicator_code,
        aggregation_rule,
        unit_code,
        period_code,
        period_start,
        period_end,
        value
    from {{ ref('fct_indicator_values') }}
    where {{ rebuilt_filter('reporting_unit_code') }}
),

counted as (
    {{ reports_counted_in_periods(
        'reports',
        ['reporting_unit_key', 'model_key', 'indicator_code'],
        ref('dim_period'), ref('dim_period_containment')
    ) }}
),

per_model as (
    select
        reporting_unit_key,
        indicator_code,
        target_period_code,
        model_key,
        max(aggregation_rule) as aggregation_rule,
        max(unit_code) as unit_code,
        {{ combine_by_rule('value', 'aggregation_rule', 'period_end desc') }} as value,
        {{ covers_whole_period('aggregation_rule') }} as covers_whole_period
    from counted
    group by reporting_unit_key, indicator_code, target_period_code, model_key
),

periods_counted as (
    select
        reporting_unit_key,
        indicator_code,
        target_period_code,
        string_agg(distinct period_code, ', ' order by period_code) as periods_counted
    from counted
    group by reporting_unit_key, indicator_code, target_period_code
),

per_unit as (
    select
        reporting_unit_key,
        indicator_code,
        target_period_code,
        max(aggregation_rule) as aggregation_rule,
        max(unit_code) as unit_code,
        case when max(aggregation_rule) = 'rate' then trim_scale(avg(value)) else sum(value) end as value,
        count(*) as models,
        bool_and(covers_whole_period) as covers_whole_period
    from per_model
    group by reporting_unit_key, indicator_code, target_period_code
)

select
    {{- reporting_unit_columns('units') }}
    per_unit.indicator_code,
    periods.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    per_unit.value,
    per_unit.unit_code,
    per_unit.aggregation_rule,
    per_unit.models,
    per_unit.covers_whole_period,
    periods.period_kind = 'year' as adds_up_across_periods,
    periods_counted.periods_counted
from per_unit
inner join periods_counted
    on
        per_unit.reporting_unit_key = periods_counted.reporting_unit_key
        and per_unit.indicator_code = periods_counted.indicator_code
        and per_unit.target_period_code = periods_counted.target_period_code
inner join {{ ref('dim_reporting_unit') }} as units
    on per_unit.reporting_unit_key = units.reporting_unit_key
inner join {{ ref('dim_period') }} as periods
    on per_unit.target_period_code = periods.period_code
