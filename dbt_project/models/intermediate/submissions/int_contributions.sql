-- Current contributions per model, contribution type, source, period and
-- reporting unit, in the type's canonical unit, from the latest version of
-- each report. Rows repeated within one report add up.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
{% set grain = ['model_key', 'contribution_type_code', 'contribution_source_code']
    + report_header_columns() %}
with current_rows as (
    {{ current_version_rows(ref('int_contributions__all_versions'), 'contributions') }}
)

select
    {{ grain | join(',\n    ') }},
    max(model_name) as model_name,
    max(file_id) as file_id,
    max(submitted_on) as submitted_on,
    max(unit_code) as unit_code,
    sum(amount) as amount,
    max(amount_qualifier) as amount_qualifier,
    count(*) as source_rows
from current_rows
group by {{ grain | join(', ') }}
