-- The life of every submission after it lands, the publications, and what each
-- night rebuilds. Idempotent: run before every load (after bootstrap.sql).
--
-- A submission here is one report as one file carries it: (file_id, unit,
-- period, date sent), the key of raw.submissions. Its state:
--   landed      in raw, not yet checked by the nightly gate
--   held        a rule that needs context failed (audit.holds says which and
--               where); excluded from the marts until corrected or released
--   accepted    passed, waiting for an operator's approval (only where
--               approval is required for its level)
--   approved    passed (or released by an operator): built into the marts
--   published   part of a publication (publication_id)
--   superseded  held, and a later submission of the same report replaced it
--   rejected    held, and an operator refused it
--   withdrawn   an operator withdrew the file that carries it
-- Every change is an event in audit.submission_events: who, when, why.

create table if not exists audit.submission_states (
    file_id bigint not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    state text not null check (
        state in (
            'landed', 'held', 'accepted', 'approved', 'published', 'superseded', 'rejected',
            'withdrawn'
        )
    ),
    reason_en text,
    reason_vi text,
    changed_at timestamptz not null default clock_timestamp(),
    changed_by text not null,
    publication_id bigint,
    primary key (file_id, reporting_unit_code, period_code, submitted_on)
);
create index if not exists submission_states_state_idx on audit.submission_states (state);
create index if not exists submission_states_report_idx
    on audit.submission_states (reporting_unit_code, period_code);
comment on table audit.submission_states is 'Where each landed submission (one report as one file carries it) stands: landed, held, accepted, approved, published, superseded, rejected or withdrawn.';

create table if not exists audit.submission_events (
    event_id bigint generated always as identity primary key,
    file_id bigint not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    from_state text,
    to_state text not null,
    reason_en text,
    reason_vi text,
    actor text not null,
    run_id uuid,
    happened_at timestamptz not null default clock_timestamp()
);
create index if not exists submission_events_submission_idx
    on audit.submission_events (file_id, reporting_unit_code, period_code, submitted_on);
comment on table audit.submission_events is 'Every change of a submission''s state: from, to, who (the nightly gate, an operator), when and why.';

-- Why a submission is held: one row per rule broken, with the cell it points at.
create table if not exists audit.holds (
    hold_id bigint generated always as identity primary key,
    file_id bigint not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    run_id uuid,
    suite text not null,
    rule text not null,
    sheet text,
    row_number integer,
    column_name text,
    value_text text,
    reason_en text not null,
    reason_vi text not null,
    found_at timestamptz not null default clock_timestamp()
);
create index if not exists holds_submission_idx
    on audit.holds (file_id, reporting_unit_code, period_code, submitted_on);
comment on table audit.holds is 'The rules a held submission broke: rule, sheet, row, column, value and what to fix (vi/en).';

create table if not exists audit.publications (
    publication_id bigint generated always as identity primary key,
    run_id uuid not null,
    published_at timestamptz not null default clock_timestamp(),
    -- submission events up to this one were taken into account
    last_event_id bigint not null,
    full_refresh boolean not null,
    submissions_published integer not null,
    submissions_held integer not null,
    units_rebuilt integer not null
);
comment on table audit.publications is 'Every publication of the marts: number, time, run and what it changed.';

-- The units (and their provinces) a run rebuilds: every unit with a submission
-- event since the last publication.
create table if not exists audit.build_scopes (
    run_id uuid not null,
    scope text not null check (scope in ('unit', 'province')),
    scope_key text not null,
    primary key (run_id, scope, scope_key)
);
comment on table audit.build_scopes is 'What each nightly run rebuilds incrementally: reporting units and provinces (2025-07 map).';

-- The run dbt is building now (one row), so models and tests read its scope
-- without a per-run variable (which would make dbt re-parse the project).
create table if not exists audit.current_build (
    singleton boolean primary key default true check (singleton),
    run_id uuid not null,
    full_refresh boolean not null
);

-- The current build's scope, copied from build_scopes when the run is planned and
-- analysed then: the planner knows a one-file night rebuilds one unit. (Through a
-- join of build_scopes to current_build it expected thousands, and read whole marts.)
create table if not exists audit.current_build_scopes (
    scope text not null check (scope in ('unit', 'province')),
    scope_key text not null,
    primary key (scope, scope_key)
);
comment on table audit.current_build_scopes is 'The reporting units and provinces the current build rebuilds (a copy of its rows of build_scopes).';

create or replace view audit.build_units as
select scope_key as reporting_unit_code
from audit.current_build_scopes
where scope = 'unit';
comment on view audit.build_units is 'Reporting units the current build rebuilds (every unit on a full rebuild).';

create or replace view audit.build_provinces as
select scope_key as province_code_2025_07
from audit.current_build_scopes
where scope = 'province';
comment on view audit.build_provinces is 'Provinces (2025-07 map) the current build rebuilds (every province on a full rebuild).';

-- The dbt project each build used (file checksums): a changed project or seed
-- means a full rebuild.
create table if not exists audit.deployments (
    deployment_id bigint generated always as identity primary key,
    run_id uuid not null,
    fingerprint text not null,
    deployed_at timestamptz not null default clock_timestamp()
);
comment on table audit.deployments is 'The dbt project (checksum of its files) each successful full build used.';

-- A run ends published, blocked (a systemic check failed: nothing published),
-- unchanged (nothing new to build) or failed (an error; see summary.error).
alter table audit.pipeline_runs drop constraint if exists pipeline_runs_status_check;
alter table audit.pipeline_runs add constraint pipeline_runs_status_check
    check (status in ('running', 'published', 'blocked', 'unchanged', 'failed'));
alter table audit.pipeline_runs add column if not exists publication_id bigint;

-- dq keeps one validation per nightly run (its run_id), with danvan's four severities.
alter table dq.expectation_results drop constraint if exists expectation_results_severity_check;
update dq.expectation_results set severity = 'block_publication' where severity = 'critical';
update dq.expectation_results set severity = 'warn' where severity = 'warning';
alter table dq.expectation_results add constraint expectation_results_severity_check
    check (severity in ('reject_row', 'hold_submission', 'block_publication', 'warn'));

-- The submissions a run evaluates: its gate's rules and the landing contract check these.
create table if not exists audit.run_submissions (
    run_id uuid not null,
    file_id bigint not null,
    reporting_unit_code text not null,
    period_code text not null,
    submitted_on date not null,
    primary key (run_id, file_id, reporting_unit_code, period_code, submitted_on)
);
comment on table audit.run_submissions is 'The submissions each nightly run evaluated (its gate and its landing-contract checks).';

-- Each file as it came through the inbox, and where it was archived: the
-- sender's feedback is written beside it from what the warehouse recorded.
create table if not exists audit.deliveries (
    delivery_id bigint generated always as identity primary key,
    run_id uuid,
    file_id bigint,
    inbox_name text not null,
    archived_path text not null,
    delivered_at timestamptz not null default clock_timestamp()
);
create index if not exists deliveries_file_idx on audit.deliveries (file_id);
create index if not exists deliveries_run_idx on audit.deliveries (run_id);
comment on table audit.deliveries is 'Every file taken from the inbox: which raw.files row it is (same content), and where it was archived with its feedback.';

alter table audit.holds add column if not exists column_header text;
comment on column audit.holds.column_header is 'The column as the form shows it to the sender (its Vietnamese header).';
alter table audit.deliveries
    add column if not exists reason_en text,
    add column if not exists reason_vi text;
comment on column audit.deliveries.reason_en is 'Why an entry that never reached raw.files was refused (a link, an unreadable file).';
