-- Unit-level mass-mobilisation activities (conferences, trainings, citizen
-- receptions, petitions, commendations) and their units.
select
    activities.activity_code,
    activities.name_vi,
    activities.name_en,
    activities.unit_code,
    units.name_vi as unit_name_vi,
    units.name_en as unit_name_en,
    activities.aggregation_rule
from {{ ref('ref_activities') }} as activities
inner join {{ ref('ref_units_of_measure') }} as units
    on activities.unit_code = units.unit_code
