{#- The join condition of two relations' rows of one file's submission: the same
    file, unit, period and date sent (the submission's key in raw). -#}
{% macro same_submission(left, right) -%}
    {{ left }}.file_id = {{ right }}.file_id
    and {{ left }}.reporting_unit_code = {{ right }}.reporting_unit_code
    and {{ left }}.period_code = {{ right }}.period_code
    and {{ left }}.submitted_on = {{ right }}.submitted_on
{%- endmacro %}

{#- Keep only the rows that belong to the current version of their section of a
    unit's report for a period (int_section_versions: a later submitted_on
    wins, on the same date the later load). Earlier versions stay in raw and in
    the *__all_versions models for audit. -#}
{% macro join_latest_version(rows_alias, section, versions_alias='versions') -%}
    inner join {{ ref('int_section_versions') }} as {{ versions_alias }}
        on
            {{ same_submission(rows_alias, versions_alias) }}
            and {{ versions_alias }}.section = '{{ section }}'
            and {{ versions_alias }}.is_latest
{%- endmacro %}

{#- The header columns every current-value row carries from its report. -#}
{% macro report_header_columns() -%}
    {{ return(['reporting_unit_code', 'reporting_unit_key', 'reporting_unit_level', 'map_version',
               'period_code', 'period_kind', 'period_start', 'period_end']) }}
{%- endmacro %}

{#- The rows of a *__all_versions model that belong to the current version of
    their section, with their report's header (int_submissions__latest) and,
    for sections about models, the durable model_key; in an incremental run,
    only the rebuilt units' rows. -#}
{% macro current_version_rows(converted, section, keyed_by_model=true) -%}
    select
        {%- if keyed_by_model %}
        {{ model_key('converted') }} as model_key,
        {%- endif %}
        converted.*,
        submissions.reporting_unit_key,
        submissions.reporting_unit_level,
        submissions.map_version,
        submissions.period_kind,
        submissions.period_start,
        submissions.period_end
    from {{ converted }} as converted
    {{ join_latest_version('converted', section) }}
    inner join {{ ref('int_submissions__latest') }} as submissions
        on
            converted.reporting_unit_code = submissions.reporting_unit_code
            and converted.period_code = submissions.period_code
    {%- if keyed_by_model %}
    {{ join_model_keys('converted') }}
    {%- endif %}
    where {{ rebuilt_filter('converted.reporting_unit_code') }}
{%- endmacro %}
