-- Which organisations lead which model: a model can have several; lead_rank 1
-- is the one its report names first. The model's province (today's map) scopes
-- province readers.
select
    models.model_key,
    organizations.organization_type_code,
    min(organizations.lead_rank)::integer as lead_rank,
    max(models.province_code_2025_07) as province_code_2025_07
from {{ ref('dim_model') }} as models
cross join
    lateral unnest(models.lead_organization_codes) with ordinality
        as organizations (organization_type_code, lead_rank)
group by models.model_key, organizations.organization_type_code
