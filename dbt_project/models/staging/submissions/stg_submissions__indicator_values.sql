select
    file_id,
    sheet as source_sheet,
    row_number as source_row,
    reporting_unit_code,
    period_code,
    submitted_on,
    nullif(trim(model_code), '') as model_code,
    model_name,
    model_name_key,
    indicator_code,
    value as value_sent,
    unit_code as unit_code_sent,
    value_qualifier
from {{ source('submissions', 'indicator_values') }}
