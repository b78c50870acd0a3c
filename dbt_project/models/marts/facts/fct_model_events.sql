-- What happened to each model and when, as its reports tell it (business time;
-- dim_model_history has when the warehouse learnt it). One row per event:
--   started           once per model: its start date, else the start of the
--                     first period it was reported in (date_basis says which);
--   recognised        once per model and level: the first year its reports give
--                     for that level (dated 1 January of that year);
--   selected_typical  once per model: the first report marking it typical, in
--                     that report's recognition year, else the year the report
--                     was sent (or its period ended, if earlier), at that
--                     report's recognition level, else the level of the unit
--                     that reported it (an agency's: province);
--   replicated        once per replica, on the parent model, dated by the
--                     replica's start; the area is the replica's (where the
--                     model was replicated into), related_model_key the replica;
--   discontinued      once per model: the end of the first period a report
--                     says it stopped.
{{ config(indexes=fact_indexes(['model_key'])) }}
with models as (
    select * from {{ ref('int_models__latest_state') }}
),

first_typical as (
    select
        model_key,
        typical_selection_year as selection_year,
        typical_selection_level as selection_level,
        typical_period_code as period_code
    from models
    where typical_period_code is not null
),

first_discontinued as (
    select
        model_key,
        discontinued_period_end as period_end,
        discontinued_period_code as period_code
    from models
    where discontinued_period_code is not null
),

events as (
    select
        model_key,
        'started' as event_type,
        coalesce(start_date, first_reported_period_start) as event_date,
        case when start_date is null then 'first_report' else 'start_date' end as date_basis,
        null as recognition_level,
        null as related_model_key,
        first_reported_period_code as period_code,
        model_key as area_model_key
    from models
    union all
    select
        model_key,
        'recognised' as event_type,
        make_date(recognition_year, 1, 1) as event_date,
        'year' as date_basis,
        recognition_level,
        null as related_model_key,
        first_reported_period_code as period_code,
        model_key as area_model_key
    from {{ ref('int_model_recognitions') }}
    union all
    select
        model_key,
        'selected_typical' as event_type,
        make_date(selection_year, 1, 1) as event_date,
        'year' as date_basis,
        selection_level as recognition_level,
        null as related_model_key,
        period_code,
        model_key as area_model_key
    from first_typical
    union all
    select
        parent_model_code as model_key,
        'replicated' as event_type,
        coalesce(start_date, first_reported_period_start) as event_date,
        case when start_date is null then 'first_report' else 'start_date' end as date_basis,
        null as recognition_level,
        model_key as related_model_key,
        first_reported_period_code as period_code,
        model_key as area_model_key
    from models
    where parent_model_code is not null
    union all
    select
        model_key,
        'discontinued' as event_type,
        period_end as event_date,
        'report_period_end' as date_basis,
        null as recognition_level,
        null as related_model_key,
        period_code,
        model_key as area_model_key
    from first_discontinued
)

select
    md5(
        events.model_key || '|' || events.event_type || '|'
        || coalesce(events.recognition_level, events.related_model_key, '')
    ) as model_event_key,
    events.model_key,
    events.event_type,
    events.event_date,
    extract(year from events.event_date)::integer as event_year,
    events.date_basis,
    events.recognition_level,
    events.related_model_key,
    events.period_code,
    coalesce(event_model.field_code, area_model.field_code) as field_code,
    area_model.reporting_unit_key,
    area_model.reporting_unit_code,
    area_model.reporting_unit_level,
    area_model.province_code_2025_01,
    area_model.province_code_2025_07,
    area_model.district_code_2025_01,
    area_model.commune_code_2025_01,
    area_model.commune_code_2025_07,
    area_model.village,
    area_model.households,
    area_model.members
from events
inner join {{ ref('dim_model') }} as area_model
    on events.area_model_key = area_model.model_key
inner join {{ ref('dim_model') }} as event_model
    on events.model_key = event_model.model_key
