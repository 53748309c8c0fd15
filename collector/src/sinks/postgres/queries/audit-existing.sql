-- Event ids of the batch that are already stored: a redelivered event is skipped, never re-chained.
-- $1 uuid[]
SELECT event_id::text AS event_id
FROM hindsight.audit_event
WHERE event_id = ANY ($1::uuid[])
