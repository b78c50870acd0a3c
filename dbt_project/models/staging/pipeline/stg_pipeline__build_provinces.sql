select province_code_2025_07
from {{ source('pipeline', 'build_provinces') }}
