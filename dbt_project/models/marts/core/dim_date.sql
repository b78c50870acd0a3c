{% set first_year = var('calendar_first_year') %}
{% set last_year = var('calendar_last_year') %}
with days as (
    select day::date as date_day
    from generate_series(
        make_date({{ first_year }}, 1, 1), make_date({{ last_year }}, 12, 31), interval '1 day'
    ) as day
)

select
    date_day,
    extract(year from date_day)::integer as year_number,
    extract(quarter from date_day)::integer as quarter_number,
    extract(month from date_day)::integer as month_number,
    to_char(date_day, 'YYYY-MM') as month_period_code,
    extract(year from date_day)::integer || '-Q' || extract(quarter from date_day)::integer
        as quarter_period_code,
    extract(year from date_day)::integer || '-H'
    || case when extract(month from date_day) <= 6 then 1 else 2 end as half_year_period_code,
    case when date_day < date '2025-07-01' then '2025-01' else '2025-07' end as map_version_in_force
from days
