-- What each report says about each model: the models-section rows of the
-- current version of every unit's report for every period, keyed by the
-- durable model key, with the report's period and map. A model listed twice in
-- one report keeps its last row. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
with rebuilt_rows as materialized (
    -- The rebuilt units' rows taken apart first: the planner expects a handful of rows
    -- from their join to the versions and would scan a file's rows once per submission.
    select models.*
    from {{ ref('stg_submissions__models') }} as models
    where {{ rebuilt_filter('models.reporting_unit_code') }}
),

current_rows as (
    select
        {{ model_key('models') }} as model_key,
        models.*,
        submissions.map_version,
        submissions.reporting_unit_level,
        submissions.period_kind,
        submissions.period_start,
        submissions.period_end,
        row_number() over (
            partition by {{ model_key('models') }}, models.reporting_unit_code, models.period_code
            order by models.source_sheet desc, models.source_row desc
        ) as row_rank
    from rebuilt_rows as models
    {{ join_latest_version('models', 'models') }}
    inner join {{ ref('stg_submissions__submissions') }} as submissions
        on
            {{ same_submission('models', 'submissions') }}
    {{ join_model_keys('models') }}
)

select
    model_key,
    map_version || ':' || reporting_unit_code as reporting_unit_key,
    reporting_unit_code,
    reporting_unit_level,
    map_version,
    period_code,
    period_kind,
    period_start,
    period_end,
    submitted_on,
    file_id,
    source_sheet,
    source_row,
    model_code,
    model_name,
    field_code,
    topic,
    lead_organization_codes,
    host_commune_code,
    village,
    start_date,
    model_status,
    households,
    members,
    parent_model_code,
    recognition_level,
    recognition_year,
    is_typical
from current_rows
where row_rank = 1
