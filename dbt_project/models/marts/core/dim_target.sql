-- Quotas set from above (ref_targets): new or typical models per unit per year
-- or per term. Attainment is in rpt_target_attainment.
select
    target_code,
    scope_map_version,
    scope_province_code,
    unit_level,
    metric,
    period_kind,
    first_year,
    last_year,
    min_value,
    stretch_value,
    description_en,
    description_vi,
    source
from {{ ref('ref_targets') }}
