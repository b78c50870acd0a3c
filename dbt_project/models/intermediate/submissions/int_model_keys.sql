-- A durable key per model: its code when it has one, else the reporting unit
-- plus the model's folded name. Rows that name a model without its code get
-- the code another row of the same unit gave that name.
with named as (
    select
        reporting_unit_code,
        model_name_key,
        max(model_code) as model_code,
        count(distinct model_code) as codes_for_name
    from {{ ref('stg_submissions__models') }}
    group by reporting_unit_code, model_name_key
)

select
    reporting_unit_code,
    model_name_key,
    case when codes_for_name = 1 then model_code end as model_code
from named
