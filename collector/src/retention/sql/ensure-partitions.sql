-- $1 days ahead, $2 days behind; returns how many partitions were created.
SELECT hindsight.ensure_journal_partitions($1::integer, $2::integer) AS created
