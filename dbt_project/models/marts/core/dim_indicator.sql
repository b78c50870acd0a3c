select
    indicators.indicator_code,
    indicators.name_vi,
    indicators.name_en,
    indicators.canonical_unit_code as unit_code,
    units.name_vi as unit_name_vi,
    units.name_en as unit_name_en,
    indicators.aggregation_rule,
    indicators.field_code
from {{ ref('ref_indicators') }} as indicators
inner join {{ ref('ref_units_of_measure') }} as units
    on indicators.canonical_unit_code = units.unit_code
