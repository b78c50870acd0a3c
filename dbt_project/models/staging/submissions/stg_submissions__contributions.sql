select
    {{ submission_row_columns() }},
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    contribution_type_code,
    contribution_source_code,
    amount as amount_sent,
    unit_code as unit_code_sent,
    amount_qualifier
from {{ source('submissions', 'contributions') }}
