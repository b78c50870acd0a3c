-- The current header (period, map, province) of each unit's report per period:
-- its latest version. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
select
    reporting_unit_key,
    reporting_unit_code,
    period_code,
    submitted_on,
    file_id,
    loaded_at,
    reporting_unit_level,
    unit_match_method,
    map_version,
    province_code,
    period_kind,
    period_start,
    period_end,
    submitter
from {{ ref('int_submission_versions') }}
where is_latest and {{ rebuilt_filter('reporting_unit_code') }}
