-- A durable key per model: its code when it has one, else the reporting unit
-- plus the model's folded name. A row that names a model without its code gets
-- the code other rows of the same unit (in any section of any report the
-- marts may use) gave that name, when they gave exactly one. Rebuilt unit by
-- unit: a new report can give a code to a name the unit used before.
-- depends_on: {{ ref('stg_pipeline__build_units') }}
{{ config(sliced_by('unit')) }}
{% set naming_rows = [
    ref('stg_submissions__models'),
    ref('stg_submissions__indicator_values'),
    ref('stg_submissions__contributions'),
] %}
with named_rows as materialized (
    -- The rebuilt units' rows taken apart first: the planner expects a handful of
    -- rows from their join to the states and would scan a file's rows once per
    -- submission in it; from here each row finds its state by primary key.
    {%- for relation in naming_rows %}
        select
            named.file_id,
            named.reporting_unit_code,
            named.period_code,
            named.submitted_on,
            named.model_name_key,
            named.model_code
        from {{ relation }} as named
        where
            named.model_name_key is not null
            and {{ rebuilt_filter('named.reporting_unit_code') }}
        {{ 'union all' if not loop.last }}
    {%- endfor %}
),

admitted_rows as (
    select
        named_rows.reporting_unit_code,
        named_rows.model_name_key,
        named_rows.model_code
    from named_rows
    inner join {{ ref('stg_pipeline__submission_states') }} as states
        on {{ same_submission('named_rows', 'states') }}
    where states.is_admitted
),

named as (
    select
        reporting_unit_code,
        model_name_key,
        max(model_code) as model_code,
        count(distinct model_code) as codes_for_name
    from admitted_rows
    group by reporting_unit_code, model_name_key
)

select
    reporting_unit_code,
    model_name_key,
    case when codes_for_name = 1 then model_code end as model_code
from named
