-- Resources mobilised per model, contribution type, source, period and
-- reporting unit: the latest version of each report, in the type's canonical
-- unit (VND, m², labour days). Periods overlap: add amounts up through
-- rpt_contributions_by_source, or within one period_kind. Rebuilt unit by unit.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit', indexes=fact_indexes())) }}
select
    md5(
        contributions.model_key || '|' || contributions.contribution_type_code || '|'
        || contributions.contribution_source_code || '|' || contributions.period_code || '|'
        || contributions.reporting_unit_code
    ) as contribution_key,
    contributions.model_key,
    contributions.contribution_type_code,
    contributions.contribution_source_code,
    contributions.period_code,
    contributions.period_kind,
    contributions.period_start,
    contributions.period_end,
    contributions.reporting_unit_key,
    contributions.reporting_unit_code,
    contributions.reporting_unit_level,
    contributions.map_version,
    units.province_code_2025_01,
    units.province_code_2025_07,
    contributions.amount,
    contributions.unit_code,
    contributions.amount_qualifier,
    contributions.source_rows,
    contributions.file_id,
    contributions.submitted_on
from {{ ref('int_contributions') }} as contributions
left join {{ ref('int_reporting_units') }} as units
    on contributions.reporting_unit_key = units.reporting_unit_key
where {{ rebuilt_filter('contributions.reporting_unit_code') }}
