-- A durable key per model: its code when it has one, else the reporting unit
-- plus the model's folded name. A row that names a model without its code gets
-- the code other rows of the same unit (in any section) gave that name, when
-- they gave exactly one.
with named_rows as (
    select
        reporting_unit_code,
        model_name_key,
        model_code
    from {{ ref('stg_submissions__models') }}
    union all
    select
        reporting_unit_code,
        model_name_key,
        model_code
    from {{ ref('stg_submissions__indicator_values') }}
    where model_name_key is not null
    union all
    select
        reporting_unit_code,
        model_name_key,
        model_code
    from {{ ref('stg_submissions__contributions') }}
    where model_name_key is not null
),

named as (
    select
        reporting_unit_code,
        model_name_key,
        max(model_code) as model_code,
        count(distinct model_code) as codes_for_name
    from named_rows
    group by reporting_unit_code, model_name_key
)

select
    reporting_unit_code,
    model_name_key,
    case when codes_for_name = 1 then model_code end as model_code
from named
