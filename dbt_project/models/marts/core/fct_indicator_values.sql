select
    md5(
        indicators.model_key || '|' || indicators.indicator_code || '|'
        || indicators.period_code || '|' || indicators.reporting_unit_code
    ) as indicator_value_key,
    indicators.model_key,
    indicators.indicator_code,
    indicators.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    indicators.reporting_unit_code,
    submissions.reporting_unit_level,
    submissions.map_version,
    reporting_units.province_code_2025_01,
    reporting_units.province_code_2025_07,
    indicators.value,
    indicators.unit_code,
    indicators.aggregation_rule,
    indicators.value_qualifier,
    indicators.source_rows,
    indicators.file_id,
    indicators.submitted_on
from {{ ref('int_indicator_values') }} as indicators
inner join {{ ref('int_submissions__latest') }} as submissions
    on
        indicators.reporting_unit_code = submissions.reporting_unit_code
        and indicators.period_code = submissions.period_code
inner join {{ ref('int_periods') }} as periods
    on indicators.period_code = periods.period_code
left join {{ ref('int_reporting_units') }} as reporting_units
    on
        indicators.reporting_unit_code = reporting_units.reporting_unit_code
        and submissions.map_version = reporting_units.map_version
