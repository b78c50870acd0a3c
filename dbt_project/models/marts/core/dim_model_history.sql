-- How each model's status, recognition and typical selection changed, as the
-- warehouse learnt it: one row per version kept by the snapshot snap_models
-- (valid_from/valid_to are when the nightly saw the change). For when things
-- happened in the field, use fct_model_events. The model's province (today's
-- map) scopes province readers. Only models dim_model knows: the versions of a
-- model key that no longer exists (a model named first and given a code later
-- is known by its code from then on; a model whose every report was withdrawn)
-- stay in snapshots.snap_models.
select
    md5(history.model_key || '|' || history.dbt_valid_from::text) as model_history_key,
    history.model_key,
    history.model_name,
    history.field_code,
    coalesce(history.model_status, 'active') as model_status,
    history.recognition_level,
    history.recognition_year,
    coalesce(history.is_typical, false) as is_typical,
    history.households,
    history.members,
    history.last_reported_period_code,
    history.dbt_valid_from::timestamp as valid_from,
    history.dbt_valid_to::timestamp as valid_to,
    history.dbt_valid_to is null as is_current,
    models.province_code_2025_07
from {{ ref('snap_models') }} as history
inner join {{ ref('dim_model') }} as models
    on history.model_key = models.model_key
