{#- The area columns every fact, model and reporting unit carries: its province
    on both administrative maps, its district (2025-01 map; districts were
    abolished on 1 July 2025) and its commune on both maps. -#}
{% macro area_columns() -%}
    {{ return(['province_code_2025_01', 'province_code_2025_07', 'district_code_2025_01',
               'commune_code_2025_01', 'commune_code_2025_07']) }}
{%- endmacro %}

{#- The area of something: that of its own unit when known (`primary`, e.g. a
    model's host commune, matched when primary.unit_code is not null), else
    that of a fallback unit (e.g. the unit reporting it). -#}
{% macro area_of(primary, fallback) -%}
    {%- for column in area_columns() %}
    case
        when {{ primary }}.unit_code is not null then {{ primary }}.{{ column }}
        else {{ fallback }}.{{ column }}
    end as {{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- The reporting unit and its area, as every rpt_* by reporting unit shows them. -#}
{% macro reporting_unit_columns(units_alias) -%}
    {%- for column in ['reporting_unit_key', 'reporting_unit_code', 'reporting_unit_name',
                       'reporting_unit_level', 'map_version', 'province_code_2025_01',
                       'province_code_2025_07', 'district_code_2025_01', 'commune_code_2025_07'] %}
    {{ units_alias }}.{{ column }},
    {%- endfor %}
{%- endmacro %}
