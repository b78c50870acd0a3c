select
    field_code,
    sort_order,
    name_vi,
    name_en
from {{ ref('ref_fields') }}
