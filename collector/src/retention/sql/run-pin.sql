-- Pin state of run $1.
SELECT run_id, pinned, pin_mode::text AS pin_mode, pinned_at FROM hindsight.journal_run WHERE run_id = $1
