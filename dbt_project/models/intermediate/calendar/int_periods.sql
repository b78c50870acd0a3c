-- Every reporting period the programme uses, with the same codes ingestion
-- gives them: month 2025-01, quarter 2025-Q3, half-year 2024-H1, first nine
-- months 2023-9M, year 2023, multi-year term 2020-2025 (standard five-year
-- terms plus any term a submission names).
{% set first_year = var('calendar_first_year') %}
{% set last_year = var('calendar_last_year') %}
with years as (
    select generate_series({{ first_year }}, {{ last_year }}) as year_number
),

months as (
    select
        to_char(make_date(year_number, month_number, 1), 'YYYY-MM') as period_code,
        'month' as period_kind,
        make_date(year_number, month_number, 1) as period_start,
        (make_date(year_number, month_number, 1) + interval '1 month - 1 day')::date as period_end,
        'Tháng ' || month_number || '/' || year_number as period_label_vi
    from years
    cross join generate_series(1, 12) as month_number
),

quarters as (
    select
        year_number || '-Q' || quarter_number as period_code,
        'quarter' as period_kind,
        make_date(year_number, quarter_number * 3 - 2, 1) as period_start,
        (make_date(year_number, quarter_number * 3 - 2, 1) + interval '3 months - 1 day')::date
            as period_end,
        'Quý ' || (array['I', 'II', 'III', 'IV'])[quarter_number] || '/' || year_number
            as period_label_vi
    from years
    cross join generate_series(1, 4) as quarter_number
),

halves as (
    select
        year_number || '-H' || half_number as period_code,
        'half_year' as period_kind,
        make_date(year_number, half_number * 6 - 5, 1) as period_start,
        (make_date(year_number, half_number * 6 - 5, 1) + interval '6 months - 1 day')::date
            as period_end,
        '6 tháng ' || case half_number when 1 then 'đầu' else 'cuối' end || ' năm ' || year_number
            as period_label_vi
    from years
    cross join generate_series(1, 2) as half_number
),

nine_months as (
    select
        year_number || '-9M' as period_code,
        'nine_months' as period_kind,
        make_date(year_number, 1, 1) as period_start,
        make_date(year_number, 9, 30) as period_end,
        '9 tháng năm ' || year_number as period_label_vi
    from years
),

calendar_years as (
    select
        year_number::text as period_code,
        'year' as period_kind,
        make_date(year_number, 1, 1) as period_start,
        make_date(year_number, 12, 31) as period_end,
        'Năm ' || year_number as period_label_vi
    from years
),

standard_terms as (
    select
        start_year || '-' || (start_year + 5) as period_code,
        make_date(start_year, 1, 1) as period_start,
        make_date(start_year + 5, 12, 31) as period_end
    from generate_series({{ first_year }}, {{ last_year }} - 1, 5) as start_year
),

reported_terms as (
    select distinct
        period_code,
        period_start,
        period_end
    from {{ ref('stg_submissions__submissions') }}
    where period_kind = 'term'
),

terms as (
    select
        period_code,
        'term' as period_kind,
        period_start,
        period_end,
        'Giai đoạn ' || period_code as period_label_vi
    from (
        select * from standard_terms
        union
        select * from reported_terms
    ) as all_terms
)

select * from months
union all
select * from quarters
union all
select * from halves
union all
select * from nine_months
union all
select * from calendar_years
union all
select * from terms
