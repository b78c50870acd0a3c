{#- The loaded files an incremental *__all_versions model has not read yet.
    A landed file never changes (it is identified by its content hash), so a
    file read once stays read. An anti-join on file_id rather than a
    high-water mark also catches a file whose landing committed after a later
    one (`danvan ingest` may run beside the nightly). -#}
{% macro files_not_yet_read(relation) -%}
    select files.file_id
    from {{ ref('stg_submissions__files') }} as files
    where
        files.file_status = 'loaded'
        and not exists (
            select 1
            from {{ relation }} as read_rows
            where read_rows.file_id = files.file_id
        )
{%- endmacro %}
