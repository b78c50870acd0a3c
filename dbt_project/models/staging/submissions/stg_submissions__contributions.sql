select
    {{ submission_row_columns() }},
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    contribution_type_code,
    contribution_source_code,
    amount,
    unit_code,
    amount_qualifier,
    amount_sent,
    unit_code_sent
from {{ source('submissions', 'contributions') }}
