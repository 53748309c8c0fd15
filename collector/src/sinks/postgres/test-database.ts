import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier } from 'pg';
import { newEventId, nowTimestamp, type AuditEvent, type JournalEvent } from '@hindsight/sdk/contract';
import { runMigrations } from './migrate';
import type { SinkRecord } from '../records';
import { loadStackEndpoints, type StackEndpoints } from '../../../../test/stack/endpoints';

type StackPostgres = StackEndpoints['postgres'];

/** A migrated, throw-away database on the stack's Postgres, with URLs for each role. */
export interface TestDatabase {
  name: string;
  /** Superuser (the stack's login): for setup, inspection and tampering. */
  adminUrl: string;
  writerUrl: string;
  readerUrl: string;
  /** A connected superuser client on this database. */
  admin: Client;
  /** Connects as `url`; closed by drop(). */
  connect(url: string): Promise<Client>;
  drop(): Promise<void>;
}

function urlFor(pg: StackPostgres, user: string, database: string): string {
  return `postgres://${encodeURIComponent(user)}@${pg.host}:${pg.port}/${encodeURIComponent(database)}`;
}

/** Creates `hs_test_<prefix>_<random>` and migrates it (roles are cluster-wide and shared). */
export async function createTestDatabase(prefix: string, migrate = true): Promise<TestDatabase> {
  const pg = loadStackEndpoints().postgres;
  const name = `hs_test_${prefix}_${randomBytes(4).toString('hex')}`;
  const root = new Client({ connectionString: urlFor(pg, pg.user, pg.database) });
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
  } finally {
    await root.end();
  }
  const adminUrl = urlFor(pg, pg.user, name);
  if (migrate) await runMigrations({ connectionString: adminUrl });
  const clients: Client[] = [];
  const connect = async (url: string): Promise<Client> => {
    const c = new Client({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
  const admin = await connect(adminUrl);
  return {
    name,
    adminUrl,
    writerUrl: urlFor(pg, 'hindsight_writer', name),
    readerUrl: urlFor(pg, 'hindsight_reader', name),
    admin,
    connect,
    async drop() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      const r = new Client({ connectionString: urlFor(pg, pg.user, pg.database) });
      await r.connect();
      try {
        await r.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await r.end();
      }
    },
  };
}

/** A fresh random id for tenants, runs and correlation ids of one test. */
export const uniqueId = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

const origin = (topic: string, offset: number) => ({ topic, partition: 0, offset: String(offset) });

/** A valid audit record for `tenant`; `n` varies the content. */
export function auditRecord(tenant: string, n: number, overrides: Partial<AuditEvent> = {}): SinkRecord {
  const event: AuditEvent = {
    event_id: newEventId(),
    schema: { name: 'hindsight.audit', version: 1 },
    ts: nowTimestamp(),
    tenant,
    service: 'billing-api',
    correlation_id: `req-${n}`,
    causation_id: null,
    trace_id: null,
    span_id: null,
    actor: { id: `user-${n % 3}`, type: 'user' },
    action: 'invoice.approve',
    resource: { type: 'invoice', id: `INV-${n}` },
    outcome: 'success',
    reason: null,
    details: { n, amount: n * 10.5, tags: ['a', 'b'], nested: { z: 1, a: 'ü' } },
    client: { ip: '203.0.113.7', user_agent: 'Mozilla/5.0' },
    ...overrides,
  };
  return { kind: 'audit', event, origin: origin('hindsight.audit', n) };
}

/** A valid journal record of run `runId` (null: no run). */
export function journalRecord(runId: string | null, n: number, overrides: Partial<JournalEvent> = {}): SinkRecord {
  const event: JournalEvent = {
    event_id: newEventId(),
    schema: { name: 'hindsight.journal', version: 1 },
    ts: nowTimestamp(),
    tenant: 'acme',
    service: 'nightly-import',
    correlation_id: `corr-${runId ?? 'none'}`,
    causation_id: null,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: null,
    actor: { id: 'scheduler', type: 'system' },
    scope: 'run',
    run_id: runId,
    kind: 'run.step',
    severity: 'INFO',
    summary: `step ${n}`,
    details: { n },
    pointers: { logs: `correlation_id=corr-${n}` },
    ...overrides,
  };
  return { kind: 'journal', event, origin: origin('hindsight.journal', n) };
}
