#!/usr/bin/env bash
# Runs once, when the postgres container initialises an empty data volume.
# Creates the roles of docs/development.md ("Postgres roles") with the login passwords given in the
# environment. `hindsight-collector migrate` (run by the collector-migrate service as the cluster's
# superuser) then finds them, creates schema `hindsight` and its tables as hindsight_owner (SET ROLE)
# and grants the writer and reader their rights. Its role bootstrap is idempotent, so either side
# may come first.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v writer_pw="$HINDSIGHT_PG_WRITER_PASSWORD" \
  -v reader_pw="$HINDSIGHT_PG_READER_PASSWORD" \
  -v db="$POSTGRES_DB" <<'SQL'
-- Nobody logs in as the owner: DDL rights stay away from any credential an application holds.
CREATE ROLE hindsight_owner  NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE ROLE hindsight_writer LOGIN   NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'writer_pw';
CREATE ROLE hindsight_reader LOGIN   NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'reader_pw';
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE :"db" TO hindsight_owner;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO hindsight_writer, hindsight_reader;
-- Grafana's queries must never hold a connection for long, nor write.
ALTER ROLE hindsight_reader SET statement_timeout = '30s';
ALTER ROLE hindsight_reader SET default_transaction_read_only = on;
SQL
