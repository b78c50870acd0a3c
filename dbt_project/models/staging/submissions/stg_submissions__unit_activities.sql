select
    file_id,
    sheet as source_sheet,
    row_number as source_row,
    reporting_unit_code,
    period_code,
    submitted_on,
    activity_code,
    value,
    value_qualifier
from {{ source('submissions', 'unit_activities') }}
