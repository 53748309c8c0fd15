-- Archives the pinned rows of journal_event_default older than the start of today - $1 days (UTC), then
-- deletes those rows from the default partition ($1 keep days; the function refuses less than 1).
-- `before` is that first kept day, YYYY-MM-DD.
SELECT archived, deleted, ((now() AT TIME ZONE 'UTC')::date - $1::integer)::text AS before
FROM hindsight.retire_journal_default_rows($1::integer)
