select
    {{ submission_row_columns() }},
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    field_code,
    nullif(trim(topic), '') as topic,
    lead_organization_codes,
    host_commune_code,
    nullif(trim(village), '') as village,
    start_date,
    status as model_status,
    households,
    members,
    nullif(trim(parent_model_code), '') as parent_model_code,
    recognition_level,
    recognition_year,
    is_typical
from {{ source('submissions', 'models') }}
