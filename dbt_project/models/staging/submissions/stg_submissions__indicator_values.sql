select
    {{ submission_row_columns() }},
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    indicator_code,
    value as value_sent,
    unit_code as unit_code_sent,
    value_qualifier
from {{ source('submissions', 'indicator_values') }}
