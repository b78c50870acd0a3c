-- Every indicator row of every loaded file — all versions, the current one is
-- picked downstream — with its value in the indicator's canonical unit
-- (converted at landing, as sent beside it) and the indicator's aggregation
-- rule. Incremental (see the YAML): a run reads only the files not read yet.
-- depends_on: {{ ref('stg_submissions__files') }}
select
    {{- sent_row_columns('sent') }}
    sent.model_code,
    sent.model_name,
    sent.model_name_key,
    sent.indicator_code,
    sent.value_sent,
    sent.unit_code_sent,
    sent.value,
    sent.unit_code,
    catalogue.aggregation_rule,
    sent.value_qualifier
from {{ ref('stg_submissions__indicator_values') }} as sent
left join {{ ref('ref_indicators') }} as catalogue
    on sent.indicator_code = catalogue.indicator_code
{% if is_incremental() %}
    where sent.file_id in ({{ files_not_yet_read(this) }})
{% endif %}
