-- Pins a run of the caller's tenants through hindsight.pin_run (migration 004, SECURITY DEFINER), so
-- the operator role needs no write rights on journal_capture. No row when the run is not the caller's.
-- $1 run_id  $2 tenants text[] ('*' = all)  $3 mode  $4 requested_by  $5 note
SELECT hindsight.pin_run(r.run_id, $3::hindsight.pin_mode, $4::text, $5::text) AS found
FROM hindsight.journal_run r
WHERE r.run_id = $1::text AND (r.tenant = ANY($2::text[]) OR '*' = ANY($2::text[]))
