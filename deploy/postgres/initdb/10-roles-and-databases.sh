#!/bin/sh
# Runs once, when the postgres container starts on an EMPTY data volume (the official image
# executes /docker-entrypoint-initdb.d/* only then). It creates the two login roles the stack uses:
#
#   temporal  CREATEDB, so the temporal-schema-setup job can create `temporal` and
#             `temporal_visibility` itself (temporal-sql-tool create) and own them.
#   orders    owner of the application database `orders`; the app runs its own migrations on start.
#
# Passwords come from the container environment (see docker-compose.yml). Changing them later does
# NOT re-run this script: on an existing volume use ALTER ROLE ... PASSWORD by hand.
# Every statement is guarded, so running the script a second time by hand is harmless.
set -eu

: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD must be set}"
: "${ORDERS_DB_PASSWORD:?ORDERS_DB_PASSWORD must be set}"

# psql variables (-v) are quoted by format(%L), so any password characters are safe here.
psql --no-psqlrc -v ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v temporal_pw="$TEMPORAL_DB_PASSWORD" \
  -v orders_pw="$ORDERS_DB_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE temporal LOGIN CREATEDB PASSWORD %L', :'temporal_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'temporal') \gexec

SELECT format('CREATE ROLE orders LOGIN PASSWORD %L', :'orders_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orders') \gexec

SELECT 'CREATE DATABASE orders OWNER orders'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'orders') \gexec

-- Nobody but the owner needs to reach the app's data.
REVOKE ALL ON DATABASE orders FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE orders TO orders;
SQL

echo "initdb: roles temporal/orders and database orders are ready"
