{#- Indexes on what analysts and BI tools filter the marts by (docs/analyst-guide.md):
    one unit's periods, one period, a province on either map. Each entry names its
    columns joined by '+'. tests/marts/test_analyst_guide.py checks that the guide's
    queries can reach their rows through them. -#}
{% macro filter_indexes(columns) -%}
    {%- set indexes = [] -%}
    {%- for entry in columns -%}
        {%- do indexes.append({'columns': entry.split('+')}) -%}
    {%- endfor -%}
    {{ return(indexes) }}
{%- endmacro %}

{#- A fact's or report's: by unit and period, period, province on either map. -#}
{% macro fact_indexes(extra=[]) -%}
    {{ return(filter_indexes([
        'reporting_unit_key+period_code', 'period_code',
        'province_code_2025_01', 'province_code_2025_07'
    ] + extra)) }}
{%- endmacro %}
