-- Daily journal partitions ensure_journal_partitions($1 days ahead, $2 days behind) would create.
SELECT 'journal_event_p' || to_char(d, 'YYYYMMDD') AS partition
FROM generate_series((now() AT TIME ZONE 'UTC')::date - $2::integer,
                     (now() AT TIME ZONE 'UTC')::date + $1::integer, interval '1 day') AS d
WHERE to_regclass(format('hindsight.%I', 'journal_event_p' || to_char(d, 'YYYYMMDD'))) IS NULL
ORDER BY 1
