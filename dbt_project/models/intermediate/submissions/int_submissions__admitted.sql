-- The submissions the marts may use (approved or published: a held one waits),
-- one row per file and report version it carries, with the file's load time and
-- sections: what int_section_versions and int_submission_versions rank.
-- Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
with loaded as materialized (
    -- Files joined first, apart: the planner expects a couple of rows from the
    -- 4-column join to the states and would scan every submission for each file.
    select
        submissions.*,
        files.loaded_at,
        files.sections
    from {{ ref('stg_submissions__submissions') }} as submissions
    inner join {{ ref('stg_submissions__files') }} as files
        on submissions.file_id = files.file_id
    where
        files.file_status = 'loaded'
        and {{ rebuilt_filter('submissions.reporting_unit_code') }}
)

select
    loaded.reporting_unit_code,
    loaded.period_code,
    loaded.submitted_on,
    loaded.file_id,
    loaded.loaded_at,
    loaded.sections,
    loaded.reporting_unit_level,
    loaded.reporting_unit_name_sent,
    loaded.unit_match_method,
    loaded.map_version,
    loaded.province_code,
    loaded.period_kind,
    loaded.period_start,
    loaded.period_end,
    loaded.submitter
from loaded
inner join {{ ref('stg_pipeline__submission_states') }} as states
    on
        {{ same_submission('loaded', 'states') }}
where states.is_admitted
