-- Every tenant with audit rows (a loose index scan over the (tenant, seq) key, so it stays cheap
-- with few tenants and many rows).
WITH RECURSIVE t AS (
  (SELECT tenant FROM hindsight.audit_event ORDER BY tenant LIMIT 1)
  UNION ALL
  SELECT (SELECT a.tenant FROM hindsight.audit_event a WHERE a.tenant > t.tenant ORDER BY a.tenant LIMIT 1)
  FROM t
  WHERE t.tenant IS NOT NULL
)
SELECT tenant FROM t WHERE tenant IS NOT NULL
