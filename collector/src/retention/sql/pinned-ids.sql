-- Ids the ClickHouse retention keeps for pinned runs: each run id, and every correlation id its
-- journal events carry (live or archived), since spans and logs are tagged with either.
SELECT r.run_id AS id, r.pin_mode::text AS mode FROM hindsight.journal_run r WHERE r.pinned
UNION
SELECT e.correlation_id, r.pin_mode::text FROM hindsight.journal_run r
  JOIN hindsight.journal_event e ON e.run_id = r.run_id AND e.tenant = r.tenant WHERE r.pinned
UNION
SELECT a.correlation_id, r.pin_mode::text FROM hindsight.journal_run r
  JOIN hindsight.journal_event_archive a ON a.run_id = r.run_id AND a.tenant = r.tenant WHERE r.pinned
