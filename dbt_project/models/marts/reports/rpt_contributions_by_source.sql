-- Resources mobilised by reporting unit, contribution type, source and period,
-- overlapping reports counted once (reports_counted_in_periods, per model,
-- type and source), added up over the unit's models. Amounts are in the type's
-- canonical unit (VND, m², labour days). covers_whole_period: every model's
-- counted reports cover every day of the period. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
with reports as (
    select
        reporting_unit_key,
        model_key,
        contribution_type_code,
        contribution_source_code,
        unit_code,
        period_code,
        period_start,
        period_end,
        amount
    from {{ ref('fct_contributions') }}
    where {{ rebuilt_filter('reporting_unit_code') }}
),

counted as (
    {{ reports_counted_in_periods(
        'reports',
        ['reporting_unit_key', 'model_key', 'contribution_type_code', 'contribution_source_code'],
        ref('dim_period'), ref('dim_period_containment')
    ) }}
),

per_model as (
    select
        reporting_unit_key,
        contribution_type_code,
        contribution_source_code,
        target_period_code,
        model_key,
        max(unit_code) as unit_code,
        sum(amount) as amount,
        sum(period_end - period_start + 1) = max(target_days) as covers_whole_period,
        string_agg(period_code, ', ' order by period_code) as periods_counted
    from counted
    group by
        reporting_unit_key, contribution_type_code, contribution_source_code, target_period_code, model_key
),

per_unit as (
    select
        reporting_unit_key,
        contribution_type_code,
        contribution_source_code,
        target_period_code,
        max(unit_code) as unit_code,
        sum(amount) as amount,
        count(*) as models,
        bool_and(covers_whole_period) as covers_whole_period
    from per_model
    group by reporting_unit_key, contribution_type_code, contribution_source_code, target_period_code
)

select
    {{- reporting_unit_columns('units') }}
    per_unit.contribution_type_code,
    per_unit.contribution_source_code,
    periods.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    per_unit.amount,
    per_unit.unit_code,
    per_unit.models,
    per_unit.covers_whole_period,
    periods.period_kind = 'year' as adds_up_across_periods
from per_unit
inner join {{ ref('dim_reporting_unit') }} as units
    on per_unit.reporting_unit_key = units.reporting_unit_key
inner join {{ ref('dim_period') }} as periods
    on per_unit.target_period_code = periods.period_code
