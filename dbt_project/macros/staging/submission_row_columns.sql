{#- Lineage and submission identity every landed row carries, renamed for staging. -#}
{% macro submission_row_columns() -%}
    file_id,
    sheet as source_sheet,
    row_number as source_row,
    reporting_unit_code,
    period_code,
    submitted_on
{%- endmacro %}
