import type { PoolClient } from 'pg';
import type { AuditEvent } from '@hindsight/sdk/contract';
import { GENESIS_HASH, chainHash } from './audit-chain';
import { AUDIT_INSERT_COLUMNS, auditRow, columnArrays, type AuditRow } from './rows';
import { query } from './sql-files';

/** Advisory lock namespace (first key) of audit chain appends; the second key is hashtext(tenant). */
export const AUDIT_CHAIN_LOCK_NAMESPACE = 1751737683;

/** A row ready to insert: contract fields plus its place in the chain. */
interface ChainedRow extends AuditRow {
  seq: string;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * Appends `events` to their tenants' chains inside the caller's transaction (READ COMMITTED).
 * Tenants are locked first, so seq/prev_hash are read and written with no concurrent append in
 * between; events already stored (redelivery) are skipped; the rest get consecutive seqs in batch
 * order, which is Kafka order per tenant because the tenant is the partition key.
 * Returns how many rows were inserted.
 */
export async function appendAuditEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map(auditRow);

  // Hash the ts exactly as Postgres will return it.
  const normalized = await client.query<{ ts: string }>(query('audit-normalize-ts'), [rows.map((r) => r.ts)]);
  normalized.rows.forEach((n, i) => {
    const row = rows[i];
    if (row !== undefined) row.ts = n.ts;
  });

  const tenants = [...new Set(rows.map((r) => r.tenant))].sort();
  await client.query(query('audit-lock-tenants'), [AUDIT_CHAIN_LOCK_NAMESPACE, tenants]);

  const existing = await client.query<{ event_id: string }>(query('audit-existing'), [rows.map((r) => r.event_id)]);
  const seen = new Set(existing.rows.map((r) => r.event_id));
  const fresh: AuditRow[] = [];
  for (const row of rows) {
    const id = row.event_id.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id); // the same event twice in one batch is stored once
    fresh.push(row);
  }
  if (fresh.length === 0) return 0;

  const heads = await client.query<{ tenant: string; seq: string | null; hash: Buffer | null }>(
    query('audit-chain-heads'),
    [tenants],
  );
  const head = new Map<string, { seq: bigint; hash: Buffer }>();
  for (const h of heads.rows) {
    head.set(h.tenant, h.seq === null || h.hash === null ? { seq: 0n, hash: GENESIS_HASH } : { seq: BigInt(h.seq), hash: h.hash });
  }

  const chained: ChainedRow[] = fresh.map((row) => {
    const prev = head.get(row.tenant) ?? { seq: 0n, hash: GENESIS_HASH };
    const seq = (prev.seq + 1n).toString();
    const hash = chainHash(prev.hash, { ...row, seq });
    head.set(row.tenant, { seq: prev.seq + 1n, hash });
    return { ...row, seq, prev_hash: prev.hash, hash };
  });

  const params = [
    ...columnArrays(chained, AUDIT_INSERT_COLUMNS),
    chained.map((r) => r.seq),
    chained.map((r) => r.prev_hash),
    chained.map((r) => r.hash),
  ];
  const res = await client.query(query('audit-insert'), params);
  return res.rowCount ?? chained.length;
}
