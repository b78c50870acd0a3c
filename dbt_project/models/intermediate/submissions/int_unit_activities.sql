-- Current unit-level activities per activity, period and reporting unit, from
-- the latest version of each report. Rows repeated within one report are
-- combined by the activity's aggregation rule.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
{% set grain = ['activity_code'] + report_header_columns() %}
with current_rows as (
    {{ current_version_rows(ref('int_unit_activities__all_versions'), 'activities', keyed_by_model=false) }}
)

select
    {{ grain | join(',\n    ') }},
    max(file_id) as file_id,
    max(submitted_on) as submitted_on,
    max(unit_code) as unit_code,
    max(aggregation_rule) as aggregation_rule,
    {{ combine_by_rule('value', 'aggregation_rule', 'source_sheet desc, source_row desc') }} as value,
    max(value_qualifier) as value_qualifier,
    count(*) as source_rows
from current_rows
group by {{ grain | join(', ') }}
