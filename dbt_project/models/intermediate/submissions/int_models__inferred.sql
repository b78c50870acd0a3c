-- Models the warehouse knows only because other rows name them: indicator or
-- contribution rows of a model no models section describes (yet), and parent
-- models a replica names by a code no report describes. They get a row in
-- dim_model (is_inferred) so every fact finds its model; their name and unit
-- are what those rows say.
{% set naming_rows = [ref('int_indicator_values'), ref('int_contributions')] %}
with referenced as (
    {%- for relation in naming_rows %}
        select
            model_key,
            model_name,
            reporting_unit_key,
            reporting_unit_code,
            reporting_unit_level,
            map_version,
            period_end,
            submitted_on
        from {{ relation }}
        union all
    {%- endfor %}
    select
        parent_model_code as model_key,
        null as model_name,
        null as reporting_unit_key,
        null as reporting_unit_code,
        null as reporting_unit_level,
        null as map_version,
        null as period_end,
        null as submitted_on
    from {{ ref('int_models__latest_state') }}
    where parent_model_code is not null
)

select
    referenced.model_key,
    (
        array_agg(referenced.model_name order by referenced.period_end desc, referenced.submitted_on desc)
        filter (where referenced.model_name is not null)
    )[1] as model_name,
    (array_agg(referenced.reporting_unit_key order by referenced.period_end desc nulls last))[1]
        as reporting_unit_key,
    (array_agg(referenced.reporting_unit_code order by referenced.period_end desc nulls last))[1]
        as reporting_unit_code,
    (array_agg(referenced.reporting_unit_level order by referenced.period_end desc nulls last))[1]
        as reporting_unit_level,
    (array_agg(referenced.map_version order by referenced.period_end desc nulls last))[1] as map_version
from referenced
where
    not exists (
        select 1
        from {{ ref('int_models__latest_state') }} as described
        where described.model_key = referenced.model_key
    )
group by referenced.model_key
