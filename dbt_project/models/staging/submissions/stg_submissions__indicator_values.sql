select
    {{ submission_row_columns() }},
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    indicator_code,
    value,
    unit_code,
    value_qualifier,
    value_sent,
    unit_code_sent
from {{ source('submissions', 'indicator_values') }}
