-- Models counted by where they are (province on either map, district of the
-- 2025-01 map, commune on either map), field, the year they started (else the
-- year they were first reported), highest recognition level (null: not
-- recognised), status, typical selection and whether they replicate another
-- model. Models only named by other rows (dim_model.is_inferred) are not
-- counted: nothing says what they are. Sum `models` over what you do not need.
{{ config(indexes=filter_indexes(['province_code_2025_01', 'province_code_2025_07',
    'district_code_2025_01', 'commune_code_2025_01', 'commune_code_2025_07'
])) }}
{% set grain = area_columns() + [
    'field_code', 'start_year', 'recognition_level', 'model_status', 'is_typical'
] %}
select
    {{ grain | join(',\n    ') }},
    parent_model_key is not null as is_replica,
    count(*) as models,
    sum(households) as households,
    sum(members) as members
from {{ ref('dim_model') }}
where not is_inferred
group by {{ grain | join(', ') }}, parent_model_key is not null
