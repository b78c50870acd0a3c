{#- The loaded files an incremental *__converted model has not converted yet.
    A landed file never changes (it is identified by its content hash), so a
    file converted once stays converted. An anti-join on file_id rather than a
    high-water mark also catches a file whose landing committed after a later
    one (`danvan ingest` may run beside the nightly). -#}
{% macro files_not_yet_converted(converted_relation) -%}
    select files.file_id
    from {{ ref('stg_submissions__files') }} as files
    where
        files.file_status = 'loaded'
        and not exists (
            select 1
            from {{ converted_relation }} as converted
            where converted.file_id = files.file_id
        )
{%- endmacro %}
