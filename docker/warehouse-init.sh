#!/bin/sh
# The read-only role BI tools use; the pipeline grants it SELECT on marts at each publish.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v reader_password="$DANVAN_READER_PASSWORD" <<'SQL'
create role danvan_reader login password :'reader_password';
grant connect on database danvan to danvan_reader;
SQL
