select
    period_code,
    period_kind,
    period_start,
    period_end,
    period_label_vi,
    extract(year from period_end)::integer as year_number,
    (period_end - period_start + 1)::integer as days_in_period
from {{ ref('int_periods') }}
