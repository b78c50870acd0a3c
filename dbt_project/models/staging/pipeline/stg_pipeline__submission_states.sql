select
    file_id,
    reporting_unit_code,
    period_code,
    submitted_on,
    state as submission_state,
    state in ('approved', 'published') as is_admitted,
    changed_at as state_changed_at,
    publication_id
from {{ source('pipeline', 'submission_states') }}
