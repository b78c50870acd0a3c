{#- Incremental by reporting unit or by province. Before dbt runs, the nightly
    pipeline records which units changed since the last publication (any
    submission landed, held, approved, withdrawn…) and their provinces
    (audit.build_units / audit.build_provinces; every one on a full rebuild).
    A model sliced by unit rebuilds the rows of those units: the rows it no
    longer gives are deleted (a unit whose reports were all withdrawn loses
    them all), the rows it gives anew inserted, and the others left as they
    are (incremental strategy `rebuilt_slices`). Models
    so configured carry `meta.slice`, which publishing reads to copy only the
    rebuilt slices into the public marts. Such a model filters its
    inputs with `rebuilt_filter(column, scope)` and
    names stg_pipeline__build_units (provinces) in a depends_on comment. -#}

{% macro rebuilt_units() -%}
    (select reporting_unit_code from {{ ref('stg_pipeline__build_units') }})
{%- endmacro %}

{% macro rebuilt_provinces() -%}
    (select province_code_2025_07 from {{ ref('stg_pipeline__build_provinces') }})
{%- endmacro %}

{#- The config of a model rebuilt slice by slice: by 'unit' (column
    reporting_unit_code) or by 'province' (column province_code_2025_07). -#}
{% macro sliced_by(scope, indexes=[]) -%}
    {%- set column = 'reporting_unit_code' if scope == 'unit' else 'province_code_2025_07' -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'rebuilt_slices',
        'on_schema_change': 'fail',
        'post_hook': "{{ analyze_if_changed() }}",
        'indexes': [{'columns': [column]}] + (indexes | rejectattr('columns', 'equalto', [column]) | list),
        'meta': {'slice': {'scope': scope, 'column': column}},
    }) }}
{%- endmacro %}

{#- The incremental strategy of a sliced model: within the rebuilt slices, the rows
    the build no longer gives are deleted and those it gives anew inserted, compared by
    the hash of the whole row. A night rebuilding a province whose rows mostly stay
    rewrites only the rows that changed, not the province (nor its indexes). -#}
{% macro get_incremental_rebuilt_slices_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set built = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set slice = config.get('meta')['slice'] -%}
    {%- set changes = adapter.quote(built.identifier ~ '__changes') -%}
    create temporary table {{ changes }} as
    select previous.row_id as previous_row, rebuilt.row_id as rebuilt_row
    from (
        select md5(row({{ columns }})::text) as row_hash, ctid as row_id
        from {{ target }}
        where {{ slice['column'] }} in
            {{ rebuilt_units() if slice['scope'] == 'unit' else rebuilt_provinces() }}
    ) as previous
    full join (
        select md5(row({{ columns }})::text) as row_hash, ctid as row_id
        from {{ built }}
    ) as rebuilt on previous.row_hash = rebuilt.row_hash
    where previous.row_hash is null or rebuilt.row_hash is null;
    delete from {{ target }}
    where ctid = any(array(select previous_row from {{ changes }} where previous_row is not null));
    insert into {{ target }} ({{ columns }})
    select {{ columns }} from {{ built }}
    where ctid = any(array(select rebuilt_row from {{ changes }} where rebuilt_row is not null));
    drop table {{ changes }}
{%- endmacro %}

{#- The condition a sliced model's rows meet in an incremental run (true on a full build). -#}
{% macro rebuilt_filter(column, scope='unit') -%}
    {%- if is_incremental() -%}
        {{ column }} in {{ rebuilt_units() if scope == 'unit' else rebuilt_provinces() }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- PostgreSQL plans badly on tables whose statistics are stale: analyse a table
    when a tenth of it changed since it was last analysed (or it never was), the
    rule of danvan.warehouse.db.statistics_stale. The
    hook runs in the model's own transaction, whose changes the cumulative
    statistics count only after it ends: they are added from pg_stat_xact_*. -#}
{% macro analyze_if_changed() -%}
    do $$
    begin
        if exists (
            select 1 from pg_stat_user_tables as stats
            join pg_stat_xact_user_tables as pending on pending.relid = stats.relid
            join pg_class as class on class.oid = stats.relid
            where stats.relid = '{{ this }}'::regclass
                and (stats.last_analyze is null and stats.last_autoanalyze is null
                     or stats.n_mod_since_analyze + pending.n_tup_ins + pending.n_tup_upd
                     + pending.n_tup_del > 0.1 * greatest(class.reltuples, 1000))
        ) then
            analyze {{ this }};
        end if;
    end
    $$
{%- endmacro %}

{#- Generic data tests of a model rebuilt slice by slice read only the slices this
    build rebuilt: the other rows passed when they were built, and a night's tests then
    cost what its new data costs. A full build tests every row. Replaces dbt's own
    get_where_subquery (which applies a test's `where` config, still honoured). -#}
{% macro get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- if config.get('where') -%}
        {%- do conditions.append(config.get('where')) -%}
    {%- endif -%}
    {%- set slice = rebuilt_slice_of(relation) if execute and not flags.FULL_REFRESH -%}
    {%- if slice -%}
        {%- do conditions.append(slice) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- The condition a sliced model's rows of the rebuilt slices meet; none for other models.
    A model built file by file declares `meta.tested_slice` instead: every row a night
    adds to it belongs to a rebuilt unit, so its tests read those units' rows. -#}
{% macro rebuilt_slice_of(relation) -%}
    {%- set found = namespace(slice=none) -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == relation.identifier
                and node.schema == relation.schema -%}
            {%- set found.slice = node.config.meta.get('slice')
                or node.config.meta.get('tested_slice') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found.slice is none -%}
        {%- do return(none) -%}
    {%- endif -%}
    {%- set table = 'build_units' if found.slice.scope == 'unit' else 'build_provinces' -%}
    {%- set rebuilt = graph.sources['source.danvan.pipeline.' ~ table] -%}
    {%- do return(found.slice.column ~ ' in (select ' ~ found.slice.column ~ ' from '
        ~ adapter.quote(rebuilt.schema) ~ '.' ~ adapter.quote(rebuilt.identifier) ~ ')') -%}
{%- endmacro %}

{#- A model rebuilt model by model (int_models__latest_state): the models a rebuilt
    unit reports now (in `reports`) or reported before (the model's
    reporting_unit_codes), noted in a temporary table before their rows are deleted,
    so that one whose reports from that unit were withdrawn is recomputed too. -#}
{% macro rebuilt_models() -%}
    {{ this.identifier }}__rebuilt
{%- endmacro %}

{% macro note_rebuilt_models(reports) -%}
    {%- if is_incremental() -%}
        drop table if exists {{ rebuilt_models() }};
        create temporary table {{ rebuilt_models() }} as
        select model_key from {{ this }}
        where reporting_unit_codes && array{{ rebuilt_units() }}
        union
        select model_key from {{ reports }}
        where reporting_unit_code in {{ rebuilt_units() }};
        analyze {{ rebuilt_models() }}
    {%- endif -%}
{%- endmacro %}

{% macro delete_rebuilt_models() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where model_key in (select model_key from {{ rebuilt_models() }})
    {%- endif -%}
{%- endmacro %}
