-- Kinds of organisation that lead models (Party committee, Fatherland Front,
-- Women's Union, police, military, enterprise…).
select
    organization_type_code,
    name_vi,
    name_en
from {{ ref('ref_organization_types') }}
