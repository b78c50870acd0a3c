select
    {{ submission_row_columns() }},
    activity_code,
    value,
    value_qualifier
from {{ source('submissions', 'unit_activities') }}
