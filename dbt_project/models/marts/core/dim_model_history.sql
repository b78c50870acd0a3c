-- How each model's status, recognition and typical selection changed, as the
-- warehouse learnt it: one row per version kept by the snapshot snap_models
-- (valid_from/valid_to are when the nightly saw the change). For when things
-- happened in the field, use fct_model_events.
select
    md5(model_key || '|' || dbt_valid_from::text) as model_history_key,
    model_key,
    model_name,
    field_code,
    coalesce(model_status, 'active') as model_status,
    recognition_level,
    recognition_year,
    coalesce(is_typical, false) as is_typical,
    households,
    members,
    last_reported_period_code,
    dbt_valid_from::timestamp as valid_from,
    dbt_valid_to::timestamp as valid_to,
    dbt_valid_to is null as is_current
from {{ ref('snap_models') }}
