-- Each model as its most recent report describes it (latest period, then the
-- latest version of that report).
with current_rows as (
    select
        models.*,
        submissions.period_end,
        submissions.map_version,
        coalesce(
            models.model_code,
            model_keys.model_code,
            models.reporting_unit_code || ':' || models.model_name_key
        ) as model_key
    from {{ ref('stg_submissions__models') }} as models
    inner join {{ ref('int_section_versions') }} as versions
        on
            models.file_id = versions.file_id
            and models.reporting_unit_code = versions.reporting_unit_code
            and models.period_code = versions.period_code
            and models.submitted_on = versions.submitted_on
            and versions.section = 'models'
            and versions.is_latest
    inner join {{ ref('stg_submissions__submissions') }} as submissions
        on
            models.file_id = submissions.file_id
            and models.reporting_unit_code = submissions.reporting_unit_code
            and models.period_code = submissions.period_code
            and models.submitted_on = submissions.submitted_on
    left join {{ ref('int_model_keys') }} as model_keys
        on
            models.model_code is null
            and models.reporting_unit_code = model_keys.reporting_unit_code
            and models.model_name_key = model_keys.model_name_key
),

ranked as (
    select
        *,
        row_number() over (
            partition by model_key
            order by period_end desc, submitted_on desc, file_id desc, source_row desc
        ) as recency,
        min(period_end) over (partition by model_key) as first_reported_on,
        max(period_end) over (partition by model_key) as last_reported_on
    from current_rows
)

select
    model_key,
    model_code,
    model_name,
    field_code,
    topic,
    lead_organization_codes,
    reporting_unit_code,
    map_version,
    host_commune_code,
    village,
    start_date,
    model_status,
    households,
    members,
    parent_model_code,
    recognition_level,
    recognition_year,
    is_typical,
    period_code as last_reported_period_code,
    first_reported_on,
    last_reported_on
from ranked
where recency = 1
