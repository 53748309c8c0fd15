-- The last link of each tenant's chain (read under the tenant lock; READ COMMITTED sees every
-- append committed before the lock was granted). $1 text[]: the tenants.
SELECT t.tenant, h.seq::text AS seq, h.hash
FROM unnest($1::text[]) AS t(tenant)
LEFT JOIN LATERAL (
  SELECT a.seq, a.hash
  FROM hindsight.audit_event a
  WHERE a.tenant = t.tenant
  ORDER BY a.seq DESC
  LIMIT 1
) h ON true
