-- Recognitions and typical selections by year, level, field and area. A model
-- counts once per level that recognised it (in the first year it was) and once
-- when it was first selected as typical (event_type), so sums over years never
-- count a model twice for the same level.
{{ config(indexes=filter_indexes(['province_code_2025_01', 'province_code_2025_07',
    'district_code_2025_01', 'commune_code_2025_01', 'commune_code_2025_07'
])) }}
{% set grain = ['event_type', 'event_year', 'recognition_level', 'field_code'] + area_columns() %}
select
    {{ grain | join(',\n    ') }},
    count(*) as models
from {{ ref('fct_model_events') }}
where event_type in ('recognised', 'selected_typical')
group by {{ grain | join(', ') }}
