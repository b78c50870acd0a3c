#!/bin/sh
# Databases other services keep on this server, created once on an empty volume and
# owned by POSTGRES_USER (the image itself creates POSTGRES_DB): EXTRA_DATABASES="a b".
set -eu
for database in ${EXTRA_DATABASES:-}; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        --set database="$database" <<'SQL'
create database :"database";
SQL
done
