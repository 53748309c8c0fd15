-- Unpins a run of the caller's tenants through hindsight.unpin_run (migration 004), which also removes
-- its archived rows. No row when the run is not the caller's. $1 run_id  $2 tenants text[] ('*' = all)
SELECT hindsight.unpin_run(r.run_id)::text AS removed
FROM hindsight.journal_run r
WHERE r.run_id = $1::text AND (r.tenant = ANY($2::text[]) OR '*' = ANY($2::text[]))
