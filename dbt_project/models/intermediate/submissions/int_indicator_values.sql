-- Current indicator values per model, indicator and period, in the indicator's
-- canonical unit. Rows repeated within one report are combined by the
-- indicator's aggregation rule (summed if additive, else the last row sent).
with latest_rows as (
    select
        indicators.*,
        coalesce(
            indicators.model_code,
            model_keys.model_code,
            indicators.reporting_unit_code || ':' || indicators.model_name_key
        ) as model_key
    from {{ ref('stg_submissions__indicator_values') }} as indicators
    inner join {{ ref('int_section_versions') }} as versions
        on
            indicators.file_id = versions.file_id
            and indicators.reporting_unit_code = versions.reporting_unit_code
            and indicators.period_code = versions.period_code
            and indicators.submitted_on = versions.submitted_on
            and versions.section = 'indicators'
            and versions.is_latest
    left join {{ ref('int_model_keys') }} as model_keys
        on
            indicators.model_code is null
            and indicators.reporting_unit_code = model_keys.reporting_unit_code
            and indicators.model_name_key = model_keys.model_name_key
),

converted as (
    select
        latest_rows.*,
        catalogue.canonical_unit_code,
        catalogue.aggregation_rule,
        {{ convert_unit('latest_rows.value_sent', 'sent_unit', 'canonical_unit') }} as value
    from latest_rows
    inner join {{ ref('ref_indicators') }} as catalogue
        on latest_rows.indicator_code = catalogue.indicator_code
    left join {{ ref('ref_units_of_measure') }} as sent_unit
        on latest_rows.unit_code_sent = sent_unit.unit_code
    inner join {{ ref('ref_units_of_measure') }} as canonical_unit
        on catalogue.canonical_unit_code = canonical_unit.unit_code
)

select
    model_key,
    indicator_code,
    period_code,
    reporting_unit_code,
    max(file_id) as file_id,
    max(submitted_on) as submitted_on,
    max(canonical_unit_code) as unit_code,
    max(aggregation_rule) as aggregation_rule,
    case
        when max(aggregation_rule) = 'sum' then sum(value)
        else (array_agg(value order by source_sheet desc, source_row desc))[1]
    end as value,
    max(value_qualifier) as value_qualifier,
    count(*) as source_rows
from converted
group by model_key, indicator_code, period_code, reporting_unit_code
