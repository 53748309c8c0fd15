-- Edits a run's metadata (absent values keep theirs) when it belongs to one of the caller's tenants.
-- Runs as hindsight_operator, which may update only these columns. Returns the run id, or no row.
-- $1 run_id  $2 tenants text[] ('*' = all)  $3 tags text[]  $4 test_plan  $5 description
-- $6 test_plan given (so null clears it)  $7 description given
UPDATE hindsight.journal_run
   SET tags = COALESCE($3::text[], tags),
       test_plan = CASE WHEN $6::boolean THEN $4::text ELSE test_plan END,
       description = CASE WHEN $7::boolean THEN $5::text ELSE description END,
       -- An edit is a value of now: events newer than it replace it, older ones do not (journal-runs.sql).
       tags_ts = CASE WHEN $3::text[] IS NOT NULL THEN now() ELSE tags_ts END,
       test_plan_ts = CASE WHEN $6::boolean THEN now() ELSE test_plan_ts END,
       description_ts = CASE WHEN $7::boolean THEN now() ELSE description_ts END,
       updated_at = now()
 WHERE run_id = $1::text AND (tenant = ANY($2::text[]) OR '*' = ANY($2::text[]))
RETURNING run_id
