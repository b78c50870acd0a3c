{#- Lineage and identity columns every *__all_versions row keeps from its sent row. -#}
{% macro sent_row_columns(sent_alias) -%}
    {%- for column in ['file_id', 'source_sheet', 'source_row', 'reporting_unit_code', 'period_code',
                       'submitted_on'] %}
    {{ sent_alias }}.{{ column }},
    {%- endfor %}
{%- endmacro %}
