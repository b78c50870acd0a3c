-- Which file carries the current version of each section of each unit's report
-- for a period, among the submissions the marts may use (approved or
-- published: a held submission waits, its report's earlier version stays). A
-- later submitted_on wins; on the same date the later load wins. Earlier
-- versions stay in raw for audit (is_latest = false). Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
-- Indexed by a submission's whole key: a row of a province export finds its version
-- among the export's thousands.
{{ config(sliced_by('unit', indexes=[
    {'columns': ['file_id', 'reporting_unit_code', 'period_code', 'submitted_on']}
])) }}
with versions as (
    select
        reporting_unit_code,
        period_code,
        submitted_on,
        file_id,
        loaded_at,
        unnest(sections) as section
    from {{ ref('int_submissions__admitted') }}
    where {{ rebuilt_filter('reporting_unit_code') }}
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
