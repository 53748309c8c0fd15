#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume.
# Creates the database's three login roles with the passwords given in the environment
# (docs/development.md, "Postgres roles"). `hindsight-collector migrate`, connecting as
# hindsight_owner, then creates schema `hindsight`, its tables and the grants.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_pw="$HINDSIGHT_PG_OWNER_PASSWORD" \
  -v writer_pw="$HINDSIGHT_PG_WRITER_PASSWORD" \
  -v reader_pw="$HINDSIGHT_PG_READER_PASSWORD" \
  -v db="$POSTGRES_DB" <<'SQL'
CREATE ROLE hindsight_owner  LOGIN PASSWORD :'owner_pw';
CREATE ROLE hindsight_writer LOGIN PASSWORD :'writer_pw';
CREATE ROLE hindsight_reader LOGIN PASSWORD :'reader_pw';
-- The owner creates the schema; the others may only connect until migrate grants them more.
ALTER DATABASE :"db" OWNER TO hindsight_owner;
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO hindsight_writer, hindsight_reader;
-- Queries from Grafana must never hold a connection for long.
ALTER ROLE hindsight_reader SET statement_timeout = '30s';
ALTER ROLE hindsight_reader SET default_transaction_read_only = on;
SQL
