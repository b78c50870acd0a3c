-- Unit-level mass-mobilisation work per reporting unit, activity and period
-- (conferences, trainings, citizens received, petitions, commendations): the
-- latest version of each report. Periods overlap: add values up through
-- rpt_unit_activities, or within one period_kind. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
select
    md5(
        activities.reporting_unit_code || '|' || activities.activity_code || '|' || activities.period_code
    ) as unit_activity_key,
    activities.activity_code,
    activities.period_code,
    activities.period_kind,
    activities.period_start,
    activities.period_end,
    activities.reporting_unit_key,
    activities.reporting_unit_code,
    activities.reporting_unit_level,
    activities.map_version,
    units.province_code_2025_01,
    units.province_code_2025_07,
    activities.value,
    activities.unit_code,
    activities.aggregation_rule,
    activities.value_qualifier,
    activities.source_rows,
    activities.file_id,
    activities.submitted_on
from {{ ref('int_unit_activities') }} as activities
left join {{ ref('int_reporting_units') }} as units
    on activities.reporting_unit_key = units.reporting_unit_key
where {{ rebuilt_filter('activities.reporting_unit_code') }}
