-- Landing, audit and data-quality tables. Idempotent: run before every load.
-- dbt owns staging, intermediate, marts, reference and snapshots.

create schema if not exists raw;
create schema if not exists audit;
create schema if not exists dq;

comment on schema raw is 'Submissions as landed, one row per sent row, with lineage (file, sheet, row).';
comment on schema audit is 'Quarantined rows and pipeline runs.';
comment on schema dq is 'Data-quality results of every validation run.';

create table if not exists raw.files (
    file_id bigint generated always as identity primary key,
    file_name text not null,
    content_sha256 text not null unique,
    byte_size bigint not null,
    file_format text not null,
    sections text[] not null default '{}',
    status text not null check (status in ('loaded', 'rejected')),
    reason_en text,
    reason_vi text,
    rows_loaded integer not null default 0,
    rows_quarantined integer not null default 0,
    loaded_at timestamptz not null default clock_timestamp()
);
comment on table raw.files is 'Every file received: loaded (possibly with quarantined rows) or rejected whole, with why.';
-- note_en, note_vi: how a loaded file was read that its sender should know of (a legacy
-- code page, text typed with a legacy font read back as Unicode); reason_*: why it was rejected.
alter table raw.files
    add column if not exists note_en text,
    add column if not exists note_vi text;

-- Rows are written by COPY in the same transaction as their file's row in raw.files.
-- A per-row foreign key would triple the cost of COPY, so instead the raw GX suites
-- check that every row joins its submission and every submission its loaded file.
-- Every section row carries its submission identity
-- (reporting_unit_code, period_code, submitted_on) and its lineage.
-- model_name_key is the name folded for matching (case, diacritics, spacing).
create table if not exists raw.submissions (
    file_id bigint not null,
    sheet text not null,
    row_number integer not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    reporting_unit_level text not null,
    reporting_unit_name_sent text,
    unit_match_method text not null,
    map_version text not null,
    province_code text,
    period_kind text not null,
    period_start date not null,
    period_end date not null,
    submitter text,
    notes text,
    primary key (file_id, reporting_unit_code, period_code, submitted_on)
);

create table if not exists raw.models (
    file_id bigint not null,
    sheet text not null,
    row_number integer not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    model_code text,
    model_name text not null,
    model_name_key text not null,
    field_code text not null,
    topic text,
    lead_organization_codes text[],
    host_commune_code text,
    village text,
    start_date date,
    status text,
    households integer,
    members integer,
    parent_model_code text,
    recognition_level text,
    recognition_year integer,
    is_typical boolean,
    primary key (file_id, sheet, row_number)
);

create table if not exists raw.indicator_values (
    file_id bigint not null,
    sheet text not null,
    row_number integer not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    model_code text,
    model_name text,
    model_name_key text,
    indicator_code text not null,
    value numeric not null,
    unit_code text,
    value_qualifier text,
    value_sent numeric,
    unit_code_sent text,
    primary key (file_id, sheet, row_number)
);
-- value and unit_code: in the indicator's canonical unit (converted at landing, the only
-- place a figure is converted); value_sent and unit_code_sent: as written (no unit written:
-- the canonical one).
alter table raw.indicator_values
    add column if not exists value_sent numeric,
    add column if not exists unit_code_sent text;

create table if not exists raw.contributions (
    file_id bigint not null,
    sheet text not null,
    row_number integer not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    model_code text,
    model_name text,
    model_name_key text,
    contribution_type_code text not null,
    contribution_source_code text not null,
    amount numeric not null,
    unit_code text,
    amount_qualifier text,
    amount_sent numeric,
    unit_code_sent text,
    primary key (file_id, sheet, row_number)
);
-- amount and unit_code: in the contribution type's canonical unit; *_sent: as written.
alter table raw.contributions
    add column if not exists amount_sent numeric,
    add column if not exists unit_code_sent text;

create table if not exists raw.unit_activities (
    file_id bigint not null,
    sheet text not null,
    row_number integer not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    activity_code text not null,
    value numeric not null,
    value_qualifier text,
    primary key (file_id, sheet, row_number)
);

alter table raw.submissions drop constraint if exists submissions_file_id_fkey;
alter table raw.models drop constraint if exists models_file_id_fkey;
alter table raw.indicator_values drop constraint if exists indicator_values_file_id_fkey;
alter table raw.contributions drop constraint if exists contributions_file_id_fkey;
alter table raw.unit_activities drop constraint if exists unit_activities_file_id_fkey;

create table if not exists audit.quarantine (
    quarantine_id bigint generated always as identity primary key,
    file_id bigint not null references raw.files (file_id),
    file_name text not null,
    sheet text,
    row_number integer,
    column_name text,
    value_text text,
    reason_code text not null,
    reason_en text not null,
    reason_vi text not null,
    row_values jsonb,
    quarantined_at timestamptz not null default clock_timestamp()
);
-- Each file's feedback lists its quarantined rows: found by file, in order.
create index if not exists quarantine_file_idx on audit.quarantine (file_id, quarantine_id);
comment on table audit.quarantine is 'Rows that could not be loaded: where (file, sheet, row, column), what, and why (vi/en).';

create table if not exists audit.pipeline_runs (
    run_id uuid primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    status text not null check (status in ('running', 'published', 'failed')),
    summary jsonb
);

create table if not exists dq.validation_runs (
    run_id uuid primary key,
    validated_at timestamptz not null default clock_timestamp(),
    success boolean not null,
    published boolean not null,
    data_docs_path text
);
comment on table dq.validation_runs is 'One row per validation of a build: did it pass, was it published, where its Data Docs are.';

create table if not exists dq.expectation_results (
    run_id uuid not null references dq.validation_runs (run_id),
    suite text not null,
    expectation text not null,
    table_name text not null,
    column_name text,
    severity text not null check (severity in ('critical', 'warning')),
    success boolean not null,
    element_count bigint,
    unexpected_count bigint,
    sample_keys jsonb,
    primary key (run_id, suite, expectation)
);
alter table dq.expectation_results
    add column if not exists description text,
    add column if not exists error text;
comment on table dq.expectation_results is 'One row per expectation per validation run; sample_keys names failing rows.';
comment on column dq.expectation_results.description is 'Why the rule exists (the suite file''s meta.why).';
comment on column dq.expectation_results.error is 'Why the expectation could not be evaluated (it then counts as failed).';

-- Up to 200 failing rows per expectation and run, placed on a submission and a
-- province so quality can be charted per province over time.
create table if not exists dq.failing_rows (
    run_id uuid not null,
    suite text not null,
    expectation text not null,
    row_index integer not null,
    file_id bigint,
    reporting_unit_code text,
    period_code text,
    province_code text,
    row_keys jsonb not null,
    primary key (run_id, suite, expectation, row_index),
    foreign key (run_id, suite, expectation)
        references dq.expectation_results (run_id, suite, expectation)
);
comment on table dq.failing_rows is 'Failing rows of each expectation per run: submission (file, unit, period), province and keys.';
comment on column dq.failing_rows.province_code is 'Province of the row''s submission on the 2025-07 map (old provinces merged whole), when the row names a submission.';

create or replace view dq.failures_by_province as
select
    runs.run_id,
    runs.validated_at,
    runs.published,
    results.suite,
    results.expectation,
    results.severity,
    failing.province_code,
    count(*) as failing_rows,
    count(distinct failing.file_id) as files
from dq.failing_rows as failing
inner join dq.expectation_results as results using (run_id, suite, expectation)
inner join dq.validation_runs as runs using (run_id)
group by
    runs.run_id, runs.validated_at, runs.published, results.suite, results.expectation,
    results.severity, failing.province_code;
comment on view dq.failures_by_province is 'Failing rows per run, expectation and province (2025-07 map): the data-quality chart.';

-- Analysts read marts only; data quality and audit are for operators
-- (danvan_operators, see danvan access), so a reader granted dq earlier loses it.
do $$
begin
    if exists (select from pg_roles where rolname = 'danvan_reader') then
        revoke all on all tables in schema dq from danvan_reader;
        revoke usage on schema dq from danvan_reader;
    end if;
end
$$;
