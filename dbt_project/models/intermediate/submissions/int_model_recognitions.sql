-- Each level that recognised each model, once: the first year the model's
-- reports give for that level. A report naming a level without a year dates it
-- to the year the report was sent (or its period ended, if earlier).
select
    model_key,
    recognition_level,
    {{ recognition_rank('recognition_level') }} as recognition_rank,
    min(
        coalesce(recognition_year, extract(year from least(period_end, submitted_on))::integer)
    ) as recognition_year,
    (array_agg(period_code order by period_end, submitted_on))[1] as first_reported_period_code,
    (array_agg(reporting_unit_key order by period_end, submitted_on))[1] as reporting_unit_key
from {{ ref('int_model_reports') }}
where recognition_level is not null
group by model_key, recognition_level
