-- Archives the pinned rows of one expired partition, then detaches and drops it ($1 partition name,
-- $2 keep days; the function refuses anything not a daily partition older than that).
SELECT archived, dropped FROM hindsight.retire_journal_partition($1::text, $2::integer)
