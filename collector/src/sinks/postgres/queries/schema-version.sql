-- Highest applied migration; the sink refuses to start on an older schema.
SELECT COALESCE(max(version), 0) AS version FROM hindsight.schema_migrations
