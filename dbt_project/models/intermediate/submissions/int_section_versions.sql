-- Which file carries the current version of each section of each unit's report
-- for a period, among the submissions the marts may use (approved or
-- published: a held submission waits, its report's earlier version stays). A
-- later submitted_on wins; on the same date the later load wins. Earlier
-- versions stay in raw for audit (is_latest = false). Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=[{'columns': ['file_id']}])) }}
with versions as (
    select
        submissions.reporting_unit_code,
        submissions.period_code,
        submissions.submitted_on,
        submissions.file_id,
        files.loaded_at,
        unnest(files.sections) as section
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
),

ranked as (
    select
        *,
        row_number() over (
            partition by reporting_unit_code, period_code, section
            order by submitted_on desc, loaded_at desc, file_id desc
        ) as version_rank
    from versions
    where section <> 'submission'
)

select
    reporting_unit_code,
    period_code,
    section,
    file_id,
    submitted_on,
    loaded_at,
    version_rank,
    version_rank = 1 as is_latest
from ranked
