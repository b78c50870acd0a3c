#!/bin/sh
# The warehouse's login roles, created once on an empty volume: the owner the pipeline
# uses and the read-only role of BI tools. POSTGRES_USER stays the only superuser.
# Passwords come from the environment (psql \getenv), never from a command line.
# 20-danvan-privileges.sql (src/danvan/warehouse/sql/privileges.sql) runs next.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<'SQL'
\getenv owner_password DANVAN_PASSWORD
\getenv reader_password DANVAN_READER_PASSWORD
create role danvan login password :'owner_password';
create role danvan_reader login password :'reader_password';
alter database danvan owner to danvan;
SQL
