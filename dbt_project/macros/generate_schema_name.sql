{#- Layers get fixed schema names (raw, staging, intermediate, marts…) rather
    dbt's default <target>_<custom> prefixing, because analysts and BI tools
    look for them by name. The public `marts` layer is built into a shadow
    schema and only published after validation. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name == 'marts' -%}
        {{ var('marts_build_schema') }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
