{#- A value in the unit it was sent in, expressed in a target unit with the same
    canonical unit (factors are relative to it). Counts of different things
    (bridges, houses) share a dimension but never convert. A blank sent unit
    means the value is already in the target unit; any other unit gives null,
    which the quality gate reports. -#}
{% macro convert_unit(value, sent_unit_alias, target_unit_alias) -%}
    case
        when {{ sent_unit_alias }}.unit_code is null then {{ value }}
        when {{ sent_unit_alias }}.canonical_unit_code = {{ target_unit_alias }}.canonical_unit_code
            then trim_scale({{ value }} * {{ sent_unit_alias }}.factor_to_canonical
                / {{ target_unit_alias }}.factor_to_canonical)
    end
{%- endmacro %}
