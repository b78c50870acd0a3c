{#- The durable key of the model a section row names: the row's own code, else
    the code other rows of the same unit gave that name (int_model_keys), else
    the reporting unit plus the folded name. Use with join_model_keys. -#}
{% macro model_key(rows_alias, keys_alias='model_keys') -%}
    coalesce(
        {{ rows_alias }}.model_code,
        {{ keys_alias }}.model_code,
        {{ rows_alias }}.reporting_unit_code || ':' || {{ rows_alias }}.model_name_key
    )
{%- endmacro %}

{% macro join_model_keys(rows_alias, keys_alias='model_keys') -%}
    left join {{ ref('int_model_keys') }} as {{ keys_alias }}
        on
            {{ rows_alias }}.model_code is null
            and {{ rows_alias }}.reporting_unit_code = {{ keys_alias }}.reporting_unit_code
            and {{ rows_alias }}.model_name_key = {{ keys_alias }}.model_name_key
{%- endmacro %}
