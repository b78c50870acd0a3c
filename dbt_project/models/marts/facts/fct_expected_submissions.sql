-- Which units were expected to report for which periods, and whether, when and
-- how promptly they did. "Expected" is derived from the data, not from a list:
-- a unit that has sent a report for one kind of period (month, quarter,
-- half-year, nine months, year) is expected to send every later period of that
-- kind, up to the latest period of that kind any unit of the same level in the
-- same (today's) province has reported — the horizon is the data, not the
-- clock, so a figure never changes just because time passed. Units of the
-- 2025-01 map (districts, old communes) are not expected for periods ending
-- after 30 June 2025. A term report is expected only from the units that sent
-- one. On time: the first version arrived by the due date. Rebuilt province by
-- province (a report extends its province's horizon).
-- depends_on: {{ ref('stg_pipeline__build_provinces') }}
{{ config(sliced_by('province', indexes=fact_indexes())) }}
with units as (
    select * from {{ ref('int_reporting_units') }}
    where {{ rebuilt_filter('province_code_2025_07', 'province') }}
),

reports as (
    select
        reporting_unit_key,
        period_code,
        min(submitted_on) as first_submitted_on,
        max(submitted_on) as last_submitted_on,
        count(*) as versions_sent
    from {{ ref('int_submission_versions') }}
    where reporting_unit_key in (select units.reporting_unit_key from units)
    group by reporting_unit_key, period_code
),

periods as (
    select * from {{ ref('dim_period') }}
),

reported_periods as (
    select
        reports.reporting_unit_key,
        units.map_version,
        units.reporting_unit_level,
        units.province_code_2025_07,
        periods.period_kind,
        periods.period_start,
        periods.period_end
    from reports
    inner join units
        on reports.reporting_unit_key = units.reporting_unit_key
    inner join periods
        on reports.period_code = periods.period_code
),

cadences as (
    select
        reporting_unit_key,
        map_version,
        reporting_unit_level,
        province_code_2025_07,
        period_kind,
        min(period_start) as first_period_start
    from reported_periods
    where period_kind <> 'term'
    group by reporting_unit_key, map_version, reporting_unit_level, province_code_2025_07, period_kind
),

horizons as (
    select
        province_code_2025_07,
        reporting_unit_level,
        period_kind,
        max(period_end) as horizon_end
    from reported_periods
    group by province_code_2025_07, reporting_unit_level, period_kind
),

expected as (
    select
        cadences.reporting_unit_key,
        periods.period_code
    from cadences
    inner join horizons
        on
            cadences.province_code_2025_07 = horizons.province_code_2025_07
            and cadences.reporting_unit_level = horizons.reporting_unit_level
            and cadences.period_kind = horizons.period_kind
    inner join periods
        on
            cadences.period_kind = periods.period_kind
            and cadences.first_period_start <= periods.period_start
            and horizons.horizon_end >= periods.period_end
    where cadences.map_version = '2025-07' or periods.period_end < date '2025-07-01'
    union
    select
        reporting_unit_key,
        period_code
    from reports
)

select
    md5(expected.reporting_unit_key || '|' || expected.period_code) as expected_submission_key,
    expected.reporting_unit_key,
    units.reporting_unit_code,
    units.reporting_unit_level,
    units.map_version,
    units.province_code_2025_01,
    units.province_code_2025_07,
    periods.period_code,
    periods.period_kind,
    periods.period_start,
    periods.period_end,
    periods.period_end + deadlines.days_after_period_end as due_date,
    reports.reporting_unit_key is not null as has_reported,
    reports.first_submitted_on,
    reports.last_submitted_on,
    coalesce(reports.versions_sent, 0) as versions_sent,
    coalesce(reports.first_submitted_on <= periods.period_end + deadlines.days_after_period_end, false)
        as is_on_time,
    reports.first_submitted_on - (periods.period_end + deadlines.days_after_period_end) as days_late
from expected
inner join units
    on expected.reporting_unit_key = units.reporting_unit_key
inner join periods
    on expected.period_code = periods.period_code
left join reports
    on
        expected.reporting_unit_key = reports.reporting_unit_key
        and expected.period_code = reports.period_code
left join {{ ref('ref_reporting_deadlines') }} as deadlines
    on periods.period_kind = deadlines.period_kind
