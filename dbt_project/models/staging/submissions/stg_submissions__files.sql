select
    file_id,
    file_name,
    content_sha256,
    byte_size,
    file_format,
    sections,
    status as file_status,
    reason_en as rejection_reason_en,
    reason_vi as rejection_reason_vi,
    rows_loaded,
    rows_quarantined,
    loaded_at
from {{ source('submissions', 'files') }}
