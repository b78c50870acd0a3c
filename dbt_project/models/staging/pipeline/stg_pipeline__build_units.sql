select reporting_unit_code
from {{ source('pipeline', 'build_units') }}
