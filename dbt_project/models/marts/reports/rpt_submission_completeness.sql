-- Reporting completeness and punctuality by province (both maps), level and
-- period: units expected to report (see fct_expected_submissions for the
-- rule), how many did, on time, late, or not at all. Rebuilt province by province.
-- depends_on: {{ ref('stg_pipeline__build_provinces') }}
{{ config(sliced_by('province', indexes=filter_indexes([
    'period_code', 'province_code_2025_01', 'province_code_2025_07'
]))) }}
{% set grain = [
    'province_code_2025_01', 'province_code_2025_07', 'reporting_unit_level',
    'period_code', 'period_kind', 'period_start', 'period_end'
] %}
select
    {{ grain | join(',\n    ') }},
    count(*) as units_expected,
    count(*) filter (where has_reported) as units_reported,
    count(*) filter (where is_on_time) as units_on_time,
    count(*) filter (where has_reported and not is_on_time) as units_late,
    count(*) filter (where not has_reported) as units_missing,
    round(100.0 * count(*) filter (where has_reported) / count(*), 1) as completeness_pct,
    round(100.0 * count(*) filter (where is_on_time) / count(*), 1) as on_time_pct
from {{ ref('fct_expected_submissions') }}
where {{ rebuilt_filter('province_code_2025_07', 'province') }}
group by {{ grain | join(', ') }}
