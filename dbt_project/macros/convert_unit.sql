{#- A value in the unit it was sent in, expressed in a target unit of the same
    dimension (factors are relative to the dimension's canonical unit). A blank
    sent unit means the value is already in the target unit; a unit of another
    dimension gives null, which the quality gate reports. -#}
{% macro convert_unit(value, sent_unit_alias, target_unit_alias) -%}
    case
        when {{ sent_unit_alias }}.unit_code is null then {{ value }}
        when {{ sent_unit_alias }}.dimension = {{ target_unit_alias }}.dimension
            then {{ value }} * {{ sent_unit_alias }}.factor_to_canonical
                / {{ target_unit_alias }}.factor_to_canonical
    end
{%- endmacro %}
