#!/bin/sh
# Superset's metadata database, its admin user and its roles; safe to run again.
# docker-compose's superset-init runs it before the server starts; tests/bi runs it too.
set -eu
superset db upgrade
superset fab create-admin \
    --username "$SUPERSET_ADMIN_USER" --password "$SUPERSET_ADMIN_PASSWORD" \
    --email "$SUPERSET_ADMIN_EMAIL" --firstname danvan --lastname admin
superset init
