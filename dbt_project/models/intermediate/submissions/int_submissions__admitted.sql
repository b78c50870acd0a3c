-- The submissions the marts may use (approved or published: a held one waits),
-- one row per file and report version it carries, with the file's load time and
-- sections: what int_section_versions and int_submission_versions rank.
-- Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
select
    submissions.reporting_unit_code,
    submissions.period_code,
    submissions.submitted_on,
    submissions.file_id,
    files.loaded_at,
    files.sections,
    submissions.reporting_unit_level,
    submissions.reporting_unit_name_sent,
    submissions.unit_match_method,
    submissions.map_version,
    submissions.province_code,
    submissions.period_kind,
    submissions.period_start,
    submissions.period_end,
    submissions.submitter
from {{ ref('stg_submissions__submissions') }} as submissions
inner join {{ ref('stg_submissions__files') }} as files
    on submissions.file_id = files.file_id
inner join {{ ref('stg_pipeline__submission_states') }} as states
    on
        submissions.file_id = states.file_id
        and submissions.reporting_unit_code = states.reporting_unit_code
        and submissions.period_code = states.period_code
        and submissions.submitted_on = states.submitted_on
where
    files.file_status = 'loaded'
    and states.is_admitted
    and {{ rebuilt_filter('submissions.reporting_unit_code') }}
