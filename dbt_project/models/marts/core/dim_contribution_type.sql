-- Kinds of contribution (money, land, labour days, materials) and the unit
-- their amounts are stored in.
select
    contribution_types.contribution_type_code,
    contribution_types.name_vi,
    contribution_types.name_en,
    contribution_types.canonical_unit_code as unit_code,
    units.name_vi as unit_name_vi,
    units.name_en as unit_name_en
from {{ ref('ref_contribution_types') }} as contribution_types
inner join {{ ref('ref_units_of_measure') }} as units
    on contribution_types.canonical_unit_code = units.unit_code
