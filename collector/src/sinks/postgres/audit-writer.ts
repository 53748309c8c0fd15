import type { PoolClient } from 'pg';
import type { AuditEvent } from '@hindsight/sdk/contract';
import { GENESIS_HASH, chainHash } from './audit-chain';
import { copyCsv, csvRows } from './copy-csv';
import { AUDIT_INSERT_COLUMNS, auditRow, type AuditRow } from './rows';
import { query } from './sql-files';

/** Advisory lock namespace (first key) of audit chain appends; the second key is hashtext(tenant). */
export const AUDIT_CHAIN_LOCK_NAMESPACE = 1751737683;

/** A row ready to insert: contract fields plus its place in the chain. */
interface ChainedRow extends AuditRow {
  seq: string;
  prev_hash: Buffer;
  hash: Buffer;
}

/** Columns of the COPY into audit_event: the contract's, then the chain's. */
const AUDIT_COPY_COLUMNS = [...AUDIT_INSERT_COLUMNS, 'seq', 'prev_hash', 'hash'] as const satisfies ReadonlyArray<keyof ChainedRow>;

/**
 * Appends `events` to their tenants' chains inside the caller's transaction (READ COMMITTED).
 * Tenants are locked first, so seq/prev_hash are read and written with no concurrent append in
 * between; events already stored (redelivery) are skipped; the rest get consecutive seqs in batch
 * order, which is Kafka order per tenant because the tenant is the partition key, and are COPYed
 * into audit_event. Returns how many rows were inserted.
 */
export async function appendAuditEvents(client: PoolClient, events: readonly AuditEvent[]): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map(auditRow);

  const tenants = [...new Set(rows.map((r) => r.tenant))].sort();
  await client.query(query('audit-lock-tenants'), [AUDIT_CHAIN_LOCK_NAMESPACE, tenants]);

  // After the locks: no concurrent append of these tenants can store an id between this read and the COPY.
  const prepared = await client.query<{ ts: string; stored: boolean }>(query('audit-prepare'), [
    rows.map((r) => r.ts),
    rows.map((r) => r.event_id),
  ]);
  const seen = new Set<string>();
  const fresh: AuditRow[] = [];
  rows.forEach((row, i) => {
    const p = prepared.rows[i];
    if (p === undefined) throw new Error(`audit-prepare returned ${prepared.rows.length} rows for ${rows.length} events`);
    if (p.stored) return;
    const id = row.event_id.toLowerCase();
    if (seen.has(id)) return; // the same event twice in one batch is stored once
    seen.add(id);
    fresh.push({ ...row, ts: p.ts }); // hash the ts exactly as Postgres will return it
  });
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

  // No ON CONFLICT: the ids were checked under the locks, and a concurrent insert of the same id by
  // another path fails this COPY with 23505, retried as a conflict, so a seq is never skipped.
  await copyCsv(client, 'hindsight.audit_event', AUDIT_COPY_COLUMNS, csvRows(chained, AUDIT_COPY_COLUMNS));
  return chained.length;
}
