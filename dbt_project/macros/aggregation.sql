{#- Combine several values of one series by its aggregation rule (ref_indicators,
    ref_activities): `sum` adds them; `latest` (stocks) and `rate` (percentages)
    take the first value in `order_by` (e.g. the last row sent, the latest
    period). Use inside a group by. -#}
{% macro combine_by_rule(value, rule, order_by) -%}
    case
        when max({{ rule }}) = 'sum' then sum({{ value }})
        else (array_agg({{ value }} order by {{ order_by }}))[1]
    end
{%- endmacro %}

{#- The latest non-blank value of a column over a model's reports (a later report
    that leaves a cell blank does not erase what an earlier one said; with
    skip_blank=false, the latest report's value as it is). The order is total, so
    two reports of periods ending on one day (Q3 and 9M) in one file give one
    answer. Use inside a group by over int_model_reports. -#}
{% macro latest_reported(column, skip_blank=true) -%}
    (
        array_agg({{ column }} order by period_end desc, submitted_on desc, file_id desc, source_row desc)
        {%- if skip_blank %}
            filter (where {{ column }} is not null)
        {%- endif %}
    )[1]
{%- endmacro %}

{#- The value of ``column`` in the first report (earliest period, then version; the
    same total order) meeting ``condition``. Use inside a group by over
    int_model_reports. -#}
{% macro first_reported(column, condition) -%}
    (
        array_agg({{ column }} order by period_end, submitted_on, file_id, source_row)
            filter (where {{ condition }})
    )[1]
{%- endmacro %}

{#- Rank of a recognition level: the higher, the more senior. -#}
{% macro recognition_rank(level) -%}
    case {{ level }}
        when 'central' then 4
        when 'province' then 3
        when 'district' then 2
        when 'commune' then 1
        else 0
    end
{%- endmacro %}
