-- Each model as its reports describe it: every attribute from the latest report
-- that states it (latest period, then latest version; a blank cell in a later
-- report does not erase an earlier value), recognition at the highest level
-- ever reached. Models known only from other sections are in
-- int_models__inferred. Rebuilt model by model: a night recomputes the models a
-- rebuilt unit reports now or reported before (reporting_unit_codes).
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook=[
        "{{ note_rebuilt_models(ref('int_model_reports')) }}",
        "{{ delete_rebuilt_models() }}",
    ],
    post_hook="{{ analyze_if_changed() }}",
    indexes=[
        {'columns': ['model_key'], 'unique': true},
        {'columns': ['reporting_unit_codes'], 'type': 'gin'},
    ],
) }}
with reports as (
    select * from {{ ref('int_model_reports') }}
    {%- if is_incremental() %}
        where model_key in (select model_key from {{ rebuilt_models() }})
    {%- endif %}
),

described as (
    select
        model_key,
        {{ latest_reported('model_code') }} as model_code,
        {{ latest_reported('model_name') }} as model_name,
        {{ latest_reported('field_code') }} as field_code,
        {{ latest_reported('topic') }} as topic,
        -- arrays of different lengths cannot be aggregated into one array: the
        -- codes (snake_case, no commas) travel as text
        string_to_array({{ latest_reported("array_to_string(lead_organization_codes, ',')") }}, ',')
            as lead_organization_codes,
        {{ latest_reported('reporting_unit_code', skip_blank=false) }} as reporting_unit_code,
        {{ latest_reported('reporting_unit_level', skip_blank=false) }} as reporting_unit_level,
        {{ latest_reported('map_version', skip_blank=false) }} as map_version,
        {{ latest_reported("map_version || ':' || host_commune_code") }} as host_admin_unit_key,
        {{ latest_reported('village') }} as village,
        {{ latest_reported('start_date') }} as start_date,
        {{ latest_reported('model_status') }} as model_status,
        {{ latest_reported('households') }} as households,
        {{ latest_reported('members') }} as members,
        {{ latest_reported('parent_model_code') }} as parent_model_code,
        {{ latest_reported('is_typical') }} as is_typical,
        {{ latest_reported('period_code', skip_blank=false) }} as last_reported_period_code,
        (array_agg(period_code order by period_end, period_start))[1] as first_reported_period_code,
        min(period_start) as first_reported_period_start,
        min(period_end) as first_reported_on,
        max(period_end) as last_reported_on,
        count(*) as reports,
        array_agg(distinct reporting_unit_code order by reporting_unit_code) as reporting_unit_codes,
        -- the first report marking it typical: its recognition year and level, else the
        -- year it was sent (or its period ended, if earlier) and the reporting unit's
        -- level (an agency's: province)
        {{ first_reported(
            "coalesce(recognition_year, extract(year from least(period_end, submitted_on))::integer)",
            "is_typical",
        ) }} as typical_selection_year,
        {{ first_reported(
            "coalesce(recognition_level, case reporting_unit_level when 'agency' then 'province'"
            ~ " else reporting_unit_level end)",
            "is_typical",
        ) }} as typical_selection_level,
        {{ first_reported('period_code', 'is_typical') }} as typical_period_code,
        -- the first report saying it stopped
        {{ first_reported('period_end', "model_status = 'discontinued'") }} as discontinued_period_end,
        {{ first_reported('period_code', "model_status = 'discontinued'") }} as discontinued_period_code
    from reports
    group by model_key
),

highest_recognition as (
    select distinct on (model_key)
        model_key,
        recognition_level,
        recognition_year
    from {{ ref('int_model_recognitions') }}
    {%- if is_incremental() %}
        where model_key in (select model_key from {{ rebuilt_models() }})
    {%- endif %}
    order by model_key asc, recognition_rank desc, recognition_year asc
)

select
    described.model_key,
    described.model_code,
    described.model_name,
    described.field_code,
    described.topic,
    described.lead_organization_codes,
    described.map_version || ':' || described.reporting_unit_code as reporting_unit_key,
    described.reporting_unit_code,
    described.reporting_unit_level,
    described.map_version,
    described.host_admin_unit_key,
    split_part(described.host_admin_unit_key, ':', 1) as host_map_version,
    split_part(described.host_admin_unit_key, ':', 2) as host_commune_code,
    described.village,
    described.start_date,
    described.model_status,
    described.households,
    described.members,
    described.parent_model_code,
    highest_recognition.recognition_level,
    highest_recognition.recognition_year,
    described.is_typical,
    described.last_reported_period_code,
    described.first_reported_period_code,
    described.first_reported_period_start,
    described.first_reported_on,
    described.last_reported_on,
    described.reports,
    described.reporting_unit_codes,
    described.typical_selection_year,
    described.typical_selection_level,
    described.typical_period_code,
    described.discontinued_period_end,
    described.discontinued_period_code
from described
left join highest_recognition
    on described.model_key = highest_recognition.model_key
