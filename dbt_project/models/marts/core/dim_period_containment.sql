-- Which periods lie inside which: the 2023-9M report contains 2023-Q1..Q3 and
-- their months; 2023 contains everything of 2023. Reports pick one kind of
-- period per figure through this, so overlapping reports never add up twice.
select
    outer_period.period_code,
    inner_period.period_code as contained_period_code,
    inner_period.period_kind as contained_period_kind
from {{ ref('int_periods') }} as outer_period
inner join {{ ref('int_periods') }} as inner_period
    on
        outer_period.period_start <= inner_period.period_start
        and outer_period.period_end >= inner_period.period_end
