-- Every version of every report the marts may use (approved or published): one
-- unit's report for one period as sent on one date. A version may span several
-- files (CSV exports send one file per section); its header is taken from the
-- file loaded last. version_number counts a report's versions by date; the
-- latest is the one the marts use. Each version is checked against its
-- deadline (ref_reporting_deadlines). Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
with version_files as (
    -- One pass over each version's files, no self-join on the version's 3-column key
    -- (misestimated into nested loops): the file loaded last gives the header; the
    -- counts take the files sending a section besides the header (a version with none
    -- is left out).
    select
        admitted.reporting_unit_code,
        admitted.period_code,
        admitted.submitted_on,
        (array_agg(admitted.file_id order by admitted.loaded_at desc, admitted.file_id desc))[1]
            as header_file_id,
        count(distinct admitted.file_id) filter (where sent.section is not null) as files_sent,
        min(admitted.loaded_at) filter (where sent.section is not null) as first_loaded_at,
        array_agg(distinct sent.section order by sent.section) filter (
            where sent.section is not null
        ) as sections_sent
    from {{ ref('int_submissions__admitted') }} as admitted
    left join lateral unnest(admitted.sections) as sent (section)
        on sent.section <> 'submission'
    where {{ rebuilt_filter('admitted.reporting_unit_code') }}
    group by admitted.reporting_unit_code, admitted.period_code, admitted.submitted_on
    having count(sent.section) > 0
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
    from version_files
    inner join {{ ref('int_submissions__admitted') }} as headers
        on
            version_files.header_file_id = headers.file_id
            and version_files.reporting_unit_code = headers.reporting_unit_code
            and version_files.period_code = headers.period_code
            and version_files.submitted_on = headers.submitted_on
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
