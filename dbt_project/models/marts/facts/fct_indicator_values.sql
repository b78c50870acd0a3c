-- Indicator values per model, indicator, period and reporting unit: the latest
-- version of each report, in the indicator's canonical unit. Periods overlap
-- (a nine-month report and its quarters): add values up through
-- rpt_indicators_by_unit_period, or within one period_kind. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes(['indicator_code']))) }}
select
    md5(
        indicator_values.model_key || '|' || indicator_values.indicator_code || '|'
        || indicator_values.period_code || '|' || indicator_values.reporting_unit_code
    ) as indicator_value_key,
    indicator_values.model_key,
    indicator_values.indicator_code,
    indicator_values.period_code,
    indicator_values.period_kind,
    indicator_values.period_start,
    indicator_values.period_end,
    indicator_values.reporting_unit_code,
    indicator_values.reporting_unit_level,
    indicator_values.map_version,
    units.province_code_2025_01,
    units.province_code_2025_07,
    indicator_values.value,
    indicator_values.unit_code,
    indicator_values.aggregation_rule,
    indicator_values.value_qualifier,
    indicator_values.source_rows,
    indicator_values.file_id,
    indicator_values.submitted_on,
    indicator_values.reporting_unit_key
from {{ ref('int_indicator_values') }} as indicator_values
left join {{ ref('int_reporting_units') }} as units
    on indicator_values.reporting_unit_key = units.reporting_unit_key
where {{ rebuilt_filter('indicator_values.reporting_unit_code') }}
