-- Every contribution row of every loaded file — all versions, the current one
-- is picked downstream — with its amount in the contribution type's canonical
-- unit (VND, m², labour days; materials in kind are valued in VND), converted
-- at landing, as sent beside it. Incremental (see the YAML): a run reads only
-- the files not read yet.
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
    sent.amount,
    sent.unit_code,
    sent.amount_qualifier
from {{ ref('stg_submissions__contributions') }} as sent
{% if is_incremental() %}
    where sent.file_id in ({{ files_not_yet_read(this) }})
{% endif %}
