-- Every version of every report the marts may use (approved or published): one
-- unit's report for one period as sent on one date. A version may span several
-- files (CSV exports send one file per section); its header is taken from the
-- file loaded last. version_number counts a report's versions by date; the
-- latest is the one the marts use. Each version is checked against its
-- deadline (ref_reporting_deadlines). Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
with headers as (
    select
        submissions.*,
        files.loaded_at,
        row_number() over (
            partition by
                submissions.reporting_unit_code, submissions.period_code, submissions.submitted_on
            order by files.loaded_at desc, submissions.file_id desc
        ) as load_rank
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

version_files as (
    select
        headers.reporting_unit_code,
        headers.period_code,
        headers.submitted_on,
        count(distinct headers.file_id) as files_sent,
        min(headers.loaded_at) as first_loaded_at,
        array_agg(distinct file_sections.section order by file_sections.section) as sections_sent
    from headers
    inner join {{ ref('stg_submissions__files') }} as files
        on headers.file_id = files.file_id
    cross join lateral unnest(files.sections) as file_sections (section)
    where file_sections.section <> 'submission'
    group by headers.reporting_unit_code, headers.period_code, headers.submitted_on
),

versions as (
    select
        headers.*,
        version_files.files_sent,
        version_files.first_loaded_at,
        version_files.sections_sent,
        dense_rank() over (
            partition by headers.reporting_unit_code, headers.period_code
            order by headers.submitted_on
        ) as version_number,
        count(*) over (
            partition by headers.reporting_unit_code, headers.period_code
        ) as versions_sent,
        max(headers.submitted_on) over (
            partition by headers.reporting_unit_code, headers.period_code
        ) as latest_submitted_on
    from headers
    inner join version_files
        on
            headers.reporting_unit_code = version_files.reporting_unit_code
            and headers.period_code = version_files.period_code
            and headers.submitted_on = version_files.submitted_on
    where headers.load_rank = 1
)

select
    md5(
        versions.reporting_unit_code || '|' || versions.period_code || '|' || versions.submitted_on::text
    ) as submission_key,
    versions.map_version || ':' || versions.reporting_unit_code as reporting_unit_key,
    versions.reporting_unit_code,
    versions.period_code,
    versions.submitted_on,
    versions.file_id,
    versions.loaded_at,
    versions.first_loaded_at,
    versions.files_sent,
    versions.sections_sent,
    versions.reporting_unit_level,
    versions.reporting_unit_name_sent,
    versions.unit_match_method,
    versions.map_version,
    versions.province_code,
    versions.period_kind,
    versions.period_start,
    versions.period_end,
    versions.submitter,
    versions.version_number,
    versions.versions_sent,
    versions.submitted_on = versions.latest_submitted_on as is_latest,
    versions.version_number > 1 as is_revision,
    versions.period_end + deadlines.days_after_period_end as due_date,
    versions.submitted_on - (versions.period_end + deadlines.days_after_period_end) as days_late,
    versions.submitted_on <= versions.period_end + deadlines.days_after_period_end as is_on_time
from versions
left join {{ ref('ref_reporting_deadlines') }} as deadlines
    on versions.period_kind = deadlines.period_kind
