select
    {{ submission_row_columns() }},
    reporting_unit_level,
    nullif(trim(reporting_unit_name_sent), '') as reporting_unit_name_sent,
    unit_match_method,
    map_version,
    province_code,
    period_kind,
    period_start,
    period_end,
    nullif(trim(submitter), '') as submitter,
    nullif(trim(notes), '') as notes
from {{ source('submissions', 'submissions') }}
