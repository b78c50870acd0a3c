-- One row per model (mô hình): as its reports describe it, or — for a model
-- only named by indicator or contribution rows, or as a parent — an inferred
-- row (is_inferred) so that every fact finds its model. The area columns place
-- it on both maps: its host commune when known, else the unit reporting it.
{{ config(indexes=filter_indexes([
    'reporting_unit_key', 'model_code', 'province_code_2025_01', 'province_code_2025_07'
])) }}
with models as (
    select
        model_key,
        model_code,
        model_name,
        field_code,
        topic,
        lead_organization_codes,
        reporting_unit_key,
        reporting_unit_code,
        reporting_unit_level,
        map_version,
        host_map_version,
        host_commune_code,
        village,
        start_date,
        coalesce(model_status, 'active') as model_status,
        households,
        members,
        parent_model_code,
        recognition_level,
        recognition_year,
        coalesce(is_typical, false) as is_typical,
        last_reported_period_code,
        first_reported_period_start,
        first_reported_on,
        last_reported_on,
        false as is_inferred
    from {{ ref('int_models__latest_state') }}
    union all
    select
        model_key,
        null as model_code,
        model_name,
        null as field_code,
        null as topic,
        null as lead_organization_codes,
        reporting_unit_key,
        reporting_unit_code,
        reporting_unit_level,
        map_version,
        null as host_map_version,
        null as host_commune_code,
        null as village,
        null as start_date,
        null as model_status,
        null as households,
        null as members,
        null as parent_model_code,
        null as recognition_level,
        null as recognition_year,
        null as is_typical,
        null as last_reported_period_code,
        null as first_reported_period_start,
        null as first_reported_on,
        null as last_reported_on,
        true as is_inferred
    from {{ ref('int_models__inferred') }}
)

select
    models.model_key,
    models.model_code,
    models.model_name,
    models.field_code,
    models.topic,
    models.lead_organization_codes,
    models.reporting_unit_key,
    models.reporting_unit_code,
    models.reporting_unit_level,
    models.map_version,
    host_unit.map_version || ':' || host_unit.unit_code as host_admin_unit_key,
    models.host_commune_code,
    models.village,
    models.start_date,
    extract(year from coalesce(models.start_date, models.first_reported_period_start))::integer
        as start_year,
    models.model_status,
    models.households,
    models.members,
    models.parent_model_code as parent_model_key,
    models.recognition_level,
    models.recognition_year,
    models.is_typical,
    models.last_reported_period_code,
    models.first_reported_on,
    models.last_reported_on,
    {{ area_of('host_unit', 'reporting_unit') }},
    models.is_inferred
from models
left join {{ ref('int_admin_units__mapped') }} as host_unit
    on
        models.host_map_version = host_unit.map_version
        and models.host_commune_code = host_unit.unit_code
left join {{ ref('int_reporting_units') }} as reporting_unit
    on models.reporting_unit_key = reporting_unit.reporting_unit_key
