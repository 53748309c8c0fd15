#!/usr/bin/env bash
# Runs once, when the clickhouse container initialises an empty data volume (after it created
# CLICKHOUSE_USER and CLICKHOUSE_DB). Adds the read-only user Grafana's datasource uses.
# The collector's ClickHouse sink creates its tables in CLICKHOUSE_DB as CLICKHOUSE_USER when it starts.
set -euo pipefail

# readonly = 1 with max_execution_time changeable is what the Grafana ClickHouse plugin documents
# for a read-only user (its client sets max_execution_time on every query).
clickhouse client --user "$CLICKHOUSE_USER" --password "$CLICKHOUSE_PASSWORD" --multiquery <<SQL
CREATE USER IF NOT EXISTS hindsight_reader IDENTIFIED WITH sha256_password BY '${HINDSIGHT_CH_READER_PASSWORD}'
  SETTINGS max_execution_time = 60 CHANGEABLE_IN_READONLY, readonly = 1;
GRANT SELECT ON ${CLICKHOUSE_DB}.* TO hindsight_reader;
SQL
