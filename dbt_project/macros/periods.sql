{#- Overlapping reports never add up twice. For every period that wholly contains
    a report (the target period), each series (say one model's indicator sent by
    one unit) counts the reports inside the target that no longer (ties: earlier
    starting) report of the same series inside the target overlaps. So 2023 is
    the nine-month report plus Q4 when a unit sent 9M and quarters, the first
    half of 2023 is Q1 + Q2, and 2023-9M is the nine-month report itself.
    Longer reports win because they are the unit's own consolidated (often
    revised) figure. The rule never double counts; with chains of partial
    overlaps (9M, H2 and Q4 all sent) it may count less than the whole target,
    which the reports show as incomplete coverage.

    `reports`: a relation or CTE with the series columns, period_code,
    period_start and period_end (one row per series and period). `periods`: the
    calendar (dim_period); `containment`: which period contains which
    (dim_period_containment: an equi-join, not a range join over the calendar).
    Returns the report rows that count, with the target period's code, kind,
    start, end and length. -#}
{% macro reports_counted_in_periods(reports, series_columns, periods, containment) -%}
    select ranked.*
    from (
        select
            report.*,
            target.period_code as target_period_code,
            target.period_kind as target_period_kind,
            target.period_start as target_period_start,
            target.period_end as target_period_end,
            target.period_end - target.period_start + 1 as target_days,
            range_agg(daterange(report.period_start, report.period_end, '[]')) over (
                partition by {{ series_columns | join(', ') }}, target.period_code
                order by report.period_end - report.period_start desc, report.period_start, report.period_code
                rows between unbounded preceding and 1 preceding
            ) as preferred_reports
        from {{ reports }} as report
        inner join {{ containment }} as containment
            on report.period_code = containment.contained_period_code
        inner join {{ periods }} as target
            on containment.period_code = target.period_code
    ) as ranked
    where not coalesce(ranked.preferred_reports && daterange(ranked.period_start, ranked.period_end, '[]'), false)
{%- endmacro %}

{#- Whether one series' counted reports cover the whole target period: a `sum`
    series covers every day of it; a `latest` or `rate` series has a report
    ending on its last day. Use inside a group by over reports_counted_in_periods. -#}
{% macro covers_whole_period(rule) -%}
    case
        when max({{ rule }}) = 'sum' then sum(period_end - period_start + 1) = max(target_days)
        else max(period_end) = max(target_period_end)
    end
{%- endmacro %}
