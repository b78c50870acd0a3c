-- Every contribution row of every loaded file — all versions, the current one
-- is picked downstream — with its amount in the contribution type's canonical
-- unit (VND, m², labour days; materials in kind are valued in VND).
-- Incremental (see the YAML): a run converts only the files not converted yet.
-- depends_on: {{ ref('stg_submissions__files') }}
select
    {{- sent_row_columns('sent') }}
    sent.model_code,
    sent.model_name,
    sent.model_name_key,
    sent.contribution_type_code,
    sent.contribution_source_code,
    sent.amount_sent,
    sent.unit_code_sent,
    {{ convert_unit('sent.amount_sent', 'sent_unit', 'canonical_unit') }} as amount,
    contribution_type.canonical_unit_code as unit_code,
    sent.amount_qualifier
from {{ ref('stg_submissions__contributions') }} as sent
left join {{ ref('ref_contribution_types') }} as contribution_type
    on sent.contribution_type_code = contribution_type.contribution_type_code
{{ join_units_of_measure('sent.unit_code_sent', 'contribution_type.canonical_unit_code') }}
{% if is_incremental() %}
    where sent.file_id in ({{ files_not_yet_converted(this) }})
{% endif %}
