-- Least privilege in the warehouse database, for the embedded warehouse (at every
-- start) and the docker-compose one (at initialisation). Idempotent, and it writes a
-- catalog row only when something differs, so concurrent starts do not collide.
--
-- PUBLIC (every role) gets nothing here: no CONNECT, no TEMP, nothing on schema public.
-- The reader connects and reads marts (granted when they are published), cannot
-- create temporary tables, and cannot hold a transaction or a query open for long.
-- The owner builds and publishes; it creates no roles. Analysts' and operators' group
-- roles (danvan access adds login roles to them) exist, the reader among the analysts.
do $$
begin
    if has_database_privilege('public', current_database(), 'connect, create, temporary') then
        execute format('revoke all on database %I from public', current_database());
    end if;
    if not has_database_privilege('danvan_reader', current_database(), 'connect') then
        execute format('grant connect on database %I to danvan_reader', current_database());
    end if;
    if has_schema_privilege('public', 'public', 'usage, create') then
        revoke all on schema public from public;
    end if;
    if not exists (select from pg_roles where rolname = 'danvan_analysts') then
        create role danvan_analysts nologin;
    end if;
    if not exists (select from pg_roles where rolname = 'danvan_operators') then
        create role danvan_operators nologin;
        grant danvan_analysts to danvan_operators;
    end if;
    if not pg_has_role('danvan_reader', 'danvan_analysts', 'member') then
        grant danvan_analysts to danvan_reader;
    end if;
    if exists (select from pg_roles where rolname = 'danvan' and (rolcreaterole or rolcreatedb)) then
        alter role danvan nocreaterole nocreatedb;
    end if;
    if not exists (
        select from pg_db_role_setting as setting
        inner join pg_roles as role on setting.setrole = role.oid
        where role.rolname = 'danvan_reader' and setting.setdatabase = 0
            and setting.setconfig @> array[
                'statement_timeout=5min', 'idle_in_transaction_session_timeout=1min'
            ]
    ) then
        alter role danvan_reader set statement_timeout = '5min';
        alter role danvan_reader set idle_in_transaction_session_timeout = '1min';
    end if;
end
$$;
