{#- Lineage and identity columns every *__converted row keeps from its sent row. -#}
{% macro sent_row_columns(sent_alias) -%}
    {%- for column in ['file_id', 'source_sheet', 'source_row', 'reporting_unit_code', 'period_code',
                       'submitted_on'] %}
    {{ sent_alias }}.{{ column }},
    {%- endfor %}
{%- endmacro %}

{#- The unit a value was sent in (alias sent_unit) and the unit it is stored in
    (alias canonical_unit), for convert_unit(value, 'sent_unit', 'canonical_unit'). -#}
{% macro join_units_of_measure(sent_unit_column, canonical_unit_column) -%}
    left join {{ ref('ref_units_of_measure') }} as sent_unit
        on {{ sent_unit_column }} = sent_unit.unit_code
    left join {{ ref('ref_units_of_measure') }} as canonical_unit
        on {{ canonical_unit_column }} = canonical_unit.unit_code
{%- endmacro %}
