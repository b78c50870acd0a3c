{#- Foreign keys are declared in the marts' contracts (for BI tools and the
    docs) and enforced in the published schema, where publishing creates them
    deferrable so one transaction can change every table in any order. In the
    shadow schema dbt rebuilds table by table: swapping a dimension would drop
    the keys pointing at it, and two threads adding keys to the same
    dimensions deadlock; so the shadow tables get every constraint but those. -#}
{% macro default__get_table_columns_and_constraints() -%}
    {%- set raw_column_constraints = adapter.render_raw_columns_constraints(raw_columns=model['columns']) -%}
    {%- set kept = model['constraints'] | rejectattr('type', 'equalto', 'foreign_key') | list -%}
    {%- set raw_model_constraints = adapter.render_raw_model_constraints(raw_constraints=kept) -%}
    (
    {% for c in raw_column_constraints -%}
        {{ c }}{{ "," if not loop.last or raw_model_constraints }}
    {% endfor %}
    {% for c in raw_model_constraints -%}
        {{ c }}{{ "," if not loop.last }}
    {% endfor -%}
    )
{%- endmacro %}
