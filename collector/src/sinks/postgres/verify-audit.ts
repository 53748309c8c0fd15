import { Pool } from 'pg';
import { GENESIS_HASH, chainHash, type AuditChainFields } from './audit-chain';
import { query } from './sql-files';

/** Options of {@link verifyAudit}: where to read (any role with SELECT, e.g. hindsight_reader). */
export interface VerifyAuditOptions {
  connectionString?: string;
  /** Alternatively, an open pool (left open). */
  pool?: Pool;
  /** Check only this tenant; default: every tenant with audit rows. */
  tenant?: string;
  /** Rows read per round trip; memory stays bounded by one page. */
  pageSize?: number;
}

/** Verdict for one tenant's chain. */
export interface TenantVerdict {
  tenant: string;
  /** Rows found intact before the first break (all of them when the chain is intact). */
  checked: number;
  /** First seq at which the chain is broken (a missing seq for a deleted row). */
  firstBrokenSeq?: string;
  /** Why that seq is broken. */
  reason?: string;
  /** Last seq and hash of an intact chain: record them elsewhere to detect removal of the tail later. */
  head?: { seq: string; hash: string };
}

/** Result of {@link verifyAudit}: ok when every tenant's chain is intact. */
export interface VerifyAuditResult {
  ok: boolean;
  tenants: TenantVerdict[];
}

interface ChainRow extends Omit<AuditChainFields, 'details'> {
  details: string | null;
  prev_hash: Buffer;
  hash: Buffer;
}

/**
 * Walks each tenant's audit chain in seq order, page by page, and checks every row: seq follows
 * the previous one without a gap, prev_hash equals the previous row's hash, and hash equals
 * sha256(prev_hash || canonical form of the row as stored). Names the first broken seq per tenant.
 */
export async function verifyAudit(options: VerifyAuditOptions): Promise<VerifyAuditResult> {
  if (options.pool === undefined && options.connectionString === undefined) throw new Error('verifyAudit: give connectionString or pool');
  const pool = options.pool ?? new Pool({ connectionString: options.connectionString, max: 1, application_name: 'hindsight-verify-audit' });
  const pageSize = options.pageSize ?? 1000;
  try {
    let tenants: string[];
    if (options.tenant !== undefined) tenants = [options.tenant];
    else tenants = (await pool.query<{ tenant: string }>(query('verify-tenants'))).rows.map((r) => r.tenant);
    const verdicts: TenantVerdict[] = [];
    for (const tenant of tenants) verdicts.push(await verifyTenant(pool, tenant, pageSize));
    return { ok: verdicts.every((v) => v.firstBrokenSeq === undefined), tenants: verdicts };
  } finally {
    if (options.pool === undefined) await pool.end();
  }
}

async function verifyTenant(pool: Pool, tenant: string, pageSize: number): Promise<TenantVerdict> {
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const { rows } = await pool.query<ChainRow>(query('verify-page'), [tenant, (expectedSeq - 1n).toString(), pageSize]);
    for (const row of rows) {
      const broken = (reason: string): TenantVerdict => ({ tenant, checked, firstBrokenSeq: expectedSeq.toString(), reason });
      const seq = BigInt(row.seq);
      if (seq !== expectedSeq) return broken(`seq ${expectedSeq} is missing (next stored seq is ${seq}): a row was deleted or renumbered`);
      if (!row.prev_hash.equals(prevHash)) return broken('prev_hash does not match the hash of the previous row');
      const { prev_hash: _p, hash: stored, details, ...rest } = row;
      const recomputed = chainHash(prevHash, { ...rest, details: details === null ? null : (JSON.parse(details) as unknown) });
      if (!recomputed.equals(stored)) return broken('row content does not match its hash: the row was changed');
      prevHash = stored;
      expectedSeq += 1n;
      checked += 1;
    }
    if (rows.length < pageSize) break;
  }
  return checked === 0
    ? { tenant, checked }
    : { tenant, checked, head: { seq: (expectedSeq - 1n).toString(), hash: prevHash.toString('hex') } };
}
