-- $1 run id; the archived rows removed, NULL when the run is unknown.
SELECT hindsight.unpin_run($1::text) AS removed
