-- Each reporting unit's figure per indicator and period (its models added up; rates
-- left out): the history the outlier checks score a new figure against — the
-- unit's own earlier periods of the same kind, and its peers' figures for the same
-- period. Indexed for both look-ups, so scoring a night's figures reads only
-- their histories. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=[
    {'columns': ['reporting_unit_code', 'indicator_code', 'period_kind']},
    {'columns': ['indicator_code', 'period_code', 'reporting_unit_level']},
])) }}
select
    values_by_model.reporting_unit_code,
    values_by_model.reporting_unit_level,
    values_by_model.indicator_code,
    values_by_model.period_kind,
    values_by_model.period_code,
    sum(values_by_model.value) as total,
    max(values_by_model.file_id) as file_id,
    max(values_by_model.submitted_on) as submitted_on
from {{ ref('int_indicator_values') }} as values_by_model
where
    values_by_model.aggregation_rule <> 'rate'
    and values_by_model.value is not null
    and {{ rebuilt_filter('values_by_model.reporting_unit_code') }}
group by
    values_by_model.reporting_unit_code,
    values_by_model.reporting_unit_level,
    values_by_model.indicator_code,
    values_by_model.period_kind,
    values_by_model.period_code
