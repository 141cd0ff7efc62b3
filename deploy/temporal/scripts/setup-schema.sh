#!/bin/sh
# One-shot job (service `temporal-schema-setup`, image temporalio/admin-tools): creates Temporal's
# two PostgreSQL databases and brings their schemas to the version shipped with this admin-tools
# release. The `temporal` server service starts only after this exits 0.
#
# Re-running is safe and is exactly how upgrades are applied: bump the server and admin-tools tags
# together (one minor version at a time), `docker compose up -d`, and this job runs again:
#   create-database -> "database already exists" is treated as success by temporal-sql-tool
#   setup-schema   -> creates only the version tables, skipped when a version is already recorded
#   update-schema  -> applies only the versioned migrations newer than the recorded version
#
# The same three steps as dev/temporal-schema.ts (npm run start:production and the tests); the compose test
# holds them equal.
# temporal-sql-tool reads its connection from the environment: SQL_PLUGIN, SQL_HOST, SQL_PORT,
# SQL_USER, SQL_PASSWORD (set in docker-compose.yml), so the password never appears in argv.
set -eu

: "${SQL_PLUGIN:=postgres12}"
: "${SQL_HOST:?SQL_HOST must be set}"
: "${SQL_PORT:=5432}"
: "${SQL_USER:?SQL_USER must be set}"
: "${SQL_PASSWORD:?SQL_PASSWORD must be set}"
export SQL_PLUGIN SQL_HOST SQL_PORT SQL_USER SQL_PASSWORD

TEMPORAL_DB=${TEMPORAL_DB:-temporal}
VISIBILITY_DB=${TEMPORAL_VISIBILITY_DB:-temporal_visibility}
SCHEMA_ROOT=${TEMPORAL_SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}
WAIT_ATTEMPTS=${WAIT_ATTEMPTS:-60}

attempt=1
until nc -z -w 5 "$SQL_HOST" "$SQL_PORT"; do
  if [ "$attempt" -ge "$WAIT_ATTEMPTS" ]; then
    echo "schema-setup: PostgreSQL at $SQL_HOST:$SQL_PORT is unreachable, giving up" >&2
    exit 1
  fi
  echo "schema-setup: waiting for PostgreSQL at $SQL_HOST:$SQL_PORT ($attempt/$WAIT_ATTEMPTS)"
  attempt=$((attempt + 1))
  sleep 2
done

setup_database() {
  db=$1
  versioned_dir=$2
  if [ ! -d "$versioned_dir" ]; then
    echo "schema-setup: schema directory $versioned_dir is missing from this admin-tools image" >&2
    exit 1
  fi
  echo "schema-setup: database $db (plugin $SQL_PLUGIN, schema $versioned_dir)"
  temporal-sql-tool --db "$db" create-database
  temporal-sql-tool --db "$db" setup-schema -v 0.0
  temporal-sql-tool --db "$db" update-schema -d "$versioned_dir"
}

setup_database "$TEMPORAL_DB" "$SCHEMA_ROOT/temporal/versioned"
setup_database "$VISIBILITY_DB" "$SCHEMA_ROOT/visibility/versioned"

echo "schema-setup: $TEMPORAL_DB and $VISIBILITY_DB are at the latest schema version"
