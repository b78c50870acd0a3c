-- Who contributed: state budget, residents, enterprises, philanthropists,
-- organisations, other.
select
    contribution_source_code,
    name_vi,
    name_en
from {{ ref('ref_contribution_sources') }}
