-- Overlap rule invariant (sum indicators): when every model of a unit that
-- reported anything inside a period also reported that period itself (say its
-- nine-month report), the unit's figure for the period is exactly what it sent
-- for it — the quarters inside are never added on top.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
with models_inside as (
    select
        facts.reporting_unit_key,
        facts.indicator_code,
        containment.period_code,
        facts.model_key,
        bool_or(facts.period_code = containment.period_code) as reported_itself,
        sum(facts.value) filter (where facts.period_code = containment.period_code) as own_value
    from {{ ref('fct_indicator_values') }} as facts
    inner join {{ ref('dim_period_containment') }} as containment
        on facts.period_code = containment.contained_period_code
    where
        facts.aggregation_rule = 'sum'
        {%- if not flags.FULL_REFRESH %}
            -- a night checks the units it rebuilt: the others passed when they were built
            and facts.reporting_unit_code in {{ rebuilt_units() }}
        {%- endif %}
    group by facts.reporting_unit_key, facts.indicator_code, containment.period_code, facts.model_key
)

select
    models_inside.reporting_unit_key,
    models_inside.indicator_code,
    models_inside.period_code,
    sum(models_inside.own_value) as reported_value,
    max(reports.value) as report_value
from models_inside
inner join {{ ref('rpt_indicators_by_unit_period') }} as reports
    on
        models_inside.reporting_unit_key = reports.reporting_unit_key
        and models_inside.indicator_code = reports.indicator_code
        and models_inside.period_code = reports.period_code
group by models_inside.reporting_unit_key, models_inside.indicator_code, models_inside.period_code
having
    bool_and(models_inside.reported_itself)
    and sum(models_inside.own_value) is distinct from max(reports.value)
