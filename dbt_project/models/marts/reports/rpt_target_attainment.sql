-- Attainment of the quotas in dim_target: for every target, every unit it
-- applies to (every unit of its level in its province on its map; agencies:
-- those that have reported) and every period it covers (each year of its
-- range, or the whole term), the new models (started in the period) or typical
-- models (first selected as typical in the period) against the quota.
-- A model counts for a district when its host commune, or else the unit
-- reporting it, lies in that district (2025-01 map); for a commune or province
-- when it is hosted there on the target's map; for an agency when the agency
-- reports it. status: met / not_met, or in_progress while the period has not
-- ended by the latest date any report was sent (the data's horizon, not the
-- clock, so figures do not move by themselves).
{{ config(indexes=filter_indexes(['target_code', 'province_code_2025_07'])) }}
with target_periods as (
    -- a year target: each year of its range; a term target: the term itself
    select
        targets.*,
        periods.period_code,
        periods.period_start,
        periods.period_end,
        extract(year from periods.period_start)::integer as first_period_year,
        periods.year_number as last_period_year
    from {{ ref('dim_target') }} as targets
    inner join {{ ref('dim_period') }} as periods
        on
            targets.period_kind = periods.period_kind
            and (
                (
                    targets.period_kind = 'year'
                    and periods.year_number between targets.first_year and targets.last_year
                )
                or (
                    targets.period_kind = 'term'
                    and periods.period_code = targets.first_year || '-' || targets.last_year
                )
            )
),

units as (
    select
        map_version,
        unit_level,
        unit_code,
        unit_name,
        province_code,
        province_code_2025_07
    from {{ ref('dim_admin_unit') }}
    union all
    select
        map_version,
        reporting_unit_level as unit_level,
        reporting_unit_code as unit_code,
        reporting_unit_name as unit_name,
        province_code,
        province_code_2025_07
    from {{ ref('dim_reporting_unit') }}
    where reporting_unit_level = 'agency'
),

scoped as (
    select
        target_periods.*,
        units.unit_code,
        units.unit_name,
        units.province_code_2025_07
    from target_periods
    inner join units
        on
            target_periods.unit_level = units.unit_level
            and target_periods.scope_map_version = units.map_version
            and (
                target_periods.scope_province_code is null
                or target_periods.scope_province_code = units.province_code
            )
),

-- each started / typical-selection event, counted per year for every unit it
-- counts for: its district, its commune and province on both maps, or the
-- agency reporting it (targets' periods are whole calendar years, so counting
-- by year is exact)
event_counts as materialized (
    select
        case events.event_type when 'started' then 'new_models' else 'typical_models' end as metric,
        attributed.unit_level,
        attributed.map_version,
        attributed.unit_code,
        events.event_year,
        count(*) as events
    from {{ ref('fct_model_events') }} as events
    cross join
        lateral (
            values
            ('district', '2025-01', events.district_code_2025_01),
            ('commune', '2025-01', events.commune_code_2025_01),
            ('commune', '2025-07', events.commune_code_2025_07),
            ('province', '2025-01', events.province_code_2025_01),
            ('province', '2025-07', events.province_code_2025_07),
            (
                'agency',
                split_part(events.reporting_unit_key, ':', 1),
                case when events.reporting_unit_level = 'agency' then events.reporting_unit_code end
            )
        ) as attributed (unit_level, map_version, unit_code)
    where
        events.event_type in ('started', 'selected_typical')
        and attributed.unit_code is not null
    group by 1, 2, 3, 4, 5
),

{% set target_columns = [
    'target_code', 'metric', 'unit_level', 'scope_map_version', 'unit_code', 'unit_name',
    'scope_province_code', 'province_code_2025_07', 'period_code', 'period_start', 'period_end',
    'min_value', 'stretch_value'
] %}
actuals as (
    select
        {{ 'scoped.' ~ target_columns | join(',\n        scoped.') }},
        coalesce(sum(event_counts.events), 0)::bigint as actual_value
    from scoped
    left join event_counts
        on
            scoped.metric = event_counts.metric
            and scoped.unit_level = event_counts.unit_level
            and scoped.scope_map_version = event_counts.map_version
            and scoped.unit_code = event_counts.unit_code
            and event_counts.event_year between scoped.first_period_year and scoped.last_period_year
    group by {{ 'scoped.' ~ target_columns | join(', scoped.') }}
),

-- the data's horizon: the latest date any report was sent (computed once)
horizon as materialized (
    select max(submitted_on) as data_horizon
    from {{ ref('fct_submissions') }}
)

select
    actuals.target_code,
    actuals.metric,
    actuals.unit_level,
    actuals.scope_map_version as map_version,
    actuals.unit_code,
    actuals.unit_name,
    actuals.scope_province_code as province_code,
    actuals.province_code_2025_07,
    actuals.period_code,
    actuals.period_start,
    actuals.period_end,
    actuals.min_value,
    actuals.stretch_value,
    actuals.actual_value,
    actuals.actual_value >= actuals.min_value as is_met,
    actuals.actual_value >= actuals.stretch_value as meets_stretch,
    case
        when actuals.period_end > horizon.data_horizon then 'in_progress'
        when actuals.actual_value >= actuals.min_value then 'met'
        else 'not_met'
    end as status
from actuals
cross join horizon
