-- How far each replicated model has spread: one row per model with at least
-- one replica (a model naming it as parent), counting replicas of replicas too.
--   replica_villages  per replica, its latest villages_covered indicator when
--                     reported, else 1 when it names a village;
--   replica_members   per replica, its members, else its latest team_members;
--   communes_reached  distinct communes (today's map) the replicas are in.
-- The model's own village and members are shown beside (own_*). What the
-- replicas report may include the original village ("replicated to all 8
-- villages with 169 members"), so the two are never added here.
{{ config(indexes=filter_indexes(['reporting_unit_key', 'province_code_2025_01', 'province_code_2025_07'])) }}
with recursive models as (
    select * from {{ ref('dim_model') }}
),

replicas as (
    select
        parent.model_key as root_model_key,
        child.model_key,
        1 as depth,
        array[parent.model_key, child.model_key] as path
    from models as parent
    inner join models as child
        on parent.model_key = child.parent_model_key
    union all
    select
        replicas.root_model_key,
        child.model_key,
        replicas.depth + 1 as depth,
        replicas.path || child.model_key as path
    from replicas
    inner join models as child
        on replicas.model_key = child.parent_model_key
    where not child.model_key = any(replicas.path)
),

latest_indicators as (
    select distinct on (model_key, indicator_code)
        model_key,
        indicator_code,
        value
    from {{ ref('fct_indicator_values') }}
    where indicator_code in ('villages_covered', 'team_members')
    order by model_key asc, indicator_code asc, period_end desc, submitted_on desc
),

reach as (
    select
        replicas.root_model_key,
        count(*) filter (where replicas.depth = 1) as direct_replicas,
        count(*) as replicas,
        min(replica.start_year) as first_replicated_year,
        count(distinct replica.commune_code_2025_07) as communes_reached,
        sum(
            coalesce(villages.value, case when replica.village is not null then 1 else 0 end)
        ) as replica_villages,
        sum(coalesce(replica.members, team_members.value)) as replica_members
    from replicas
    inner join models as replica
        on replicas.model_key = replica.model_key
    left join latest_indicators as villages
        on
            replica.model_key = villages.model_key
            and villages.indicator_code = 'villages_covered'
    left join latest_indicators as team_members
        on
            replica.model_key = team_members.model_key
            and team_members.indicator_code = 'team_members'
    group by replicas.root_model_key
)

select
    models.model_key,
    models.model_name,
    models.field_code,
    models.reporting_unit_key,
    models.province_code_2025_01,
    models.province_code_2025_07,
    models.district_code_2025_01,
    models.commune_code_2025_01,
    models.commune_code_2025_07,
    models.start_year,
    models.village as own_village,
    models.members as own_members,
    reach.direct_replicas,
    reach.replicas,
    reach.first_replicated_year,
    reach.communes_reached,
    reach.replica_villages,
    reach.replica_members
from reach
inner join models
    on reach.root_model_key = models.model_key
