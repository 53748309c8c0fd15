-- Serializes chain appends per tenant for the rest of the transaction. $2 is sorted by the caller so
-- that concurrent batches touching several tenants lock in the same order and cannot deadlock (a
-- function scan over unnest keeps the array's order). A hashtext collision only makes two tenants
-- wait for each other; it never mixes their chains.
-- $1 int: the lock namespace, $2 text[]: the tenants.
SELECT pg_advisory_xact_lock($1::integer, hashtext(t)) AS locked
FROM unnest($2::text[]) AS i(t)
