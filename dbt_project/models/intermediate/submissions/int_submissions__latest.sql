-- The current header (period, map, province) of each unit's report per period.
with ranked as (
    select
        submissions.*,
        files.loaded_at,
        row_number() over (
            partition by submissions.reporting_unit_code, submissions.period_code
            order by submissions.submitted_on desc, files.loaded_at desc, submissions.file_id desc
        ) as version_rank
    from {{ ref('stg_submissions__submissions') }} as submissions
    inner join {{ ref('stg_submissions__files') }} as files
        on submissions.file_id = files.file_id
)

select
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
from ranked
where version_rank = 1
