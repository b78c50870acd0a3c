-- Every activity row of every loaded file — all versions, the current one is
-- picked downstream — with the activity's unit and aggregation rule (counts
-- need no conversion). Incremental (see the YAML): a run reads only the files
-- not read yet.
-- depends_on: {{ ref('stg_submissions__files') }}
select
    {{- sent_row_columns('sent') }}
    sent.activity_code,
    sent.value,
    activity.unit_code,
    activity.aggregation_rule,
    sent.value_qualifier
from {{ ref('stg_submissions__unit_activities') }} as sent
left join {{ ref('ref_activities') }} as activity
    on sent.activity_code = activity.activity_code
{% if is_incremental() %}
    where sent.file_id in ({{ files_not_yet_read(this) }})
{% endif %}
