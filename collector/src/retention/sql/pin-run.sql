-- $1 run id, $2 mode, $3 requested by, $4 note; false when the run is unknown.
SELECT hindsight.pin_run($1::text, $2::hindsight.pin_mode, $3::text, $4::text) AS found
