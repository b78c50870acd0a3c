-- One row per version of a report (a unit's report for a period as sent on one
-- date): its deadline (ref_reporting_deadlines: due N days after the period
-- ends), whether it met it, whether it revised an earlier version and is the
-- one the marts use. Completeness against the units expected to report is in
-- fct_expected_submissions. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
select
    versions.submission_key,
    versions.reporting_unit_key,
    versions.reporting_unit_code,
    versions.reporting_unit_level,
    versions.reporting_unit_name_sent,
    versions.unit_match_method,
    versions.map_version,
    units.province_code_2025_01,
    units.province_code_2025_07,
    versions.period_code,
    versions.period_kind,
    versions.period_start,
    versions.period_end,
    versions.submitted_on,
    versions.due_date,
    versions.days_late,
    versions.is_on_time,
    versions.version_number,
    versions.versions_sent,
    versions.is_revision,
    versions.is_latest,
    versions.sections_sent,
    versions.files_sent,
    versions.file_id,
    versions.first_loaded_at::timestamp as first_loaded_at,
    versions.submitter
from {{ ref('int_submission_versions') }} as versions
left join {{ ref('int_reporting_units') }} as units
    on versions.reporting_unit_key = units.reporting_unit_key
where {{ rebuilt_filter('versions.reporting_unit_code') }}
