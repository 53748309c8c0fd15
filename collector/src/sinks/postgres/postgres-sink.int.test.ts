import { strict as assert } from 'node:assert';
import type { JournalEvent } from '@hindsight/sdk/contract';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SinkRecord } from '../records';
import { TransientError, PermanentError } from '../../errors/hindsight-error';
import { createPostgresSink, type PostgresSink } from './postgres-sink';
import { PG_ERROR_CODES } from './pg-errors';
import { auditRecord, createTestDatabase, journalRecord, uniqueId, type TestDatabase } from './test-database';
import { verifyAudit } from './verify-audit';

const idOf = (r: SinkRecord): string => (r.kind === 'audit' || r.kind === 'journal' ? r.event.event_id : '');

describe('postgres sink writes', () => {
  let db: TestDatabase;
  let sink: PostgresSink;
  before(async () => {
    db = await createTestDatabase('sink');
    sink = createPostgresSink({ url: db.writerUrl }, 'pg-test');
    await sink.start();
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  it('stores a mixed batch and reads every field back', async () => {
    const tenant = uniqueId('t');
    const run = uniqueId('run');
    const batch = [auditRecord(tenant, 1), journalRecord(run, 1), auditRecord(tenant, 2, { client: undefined, details: undefined, reason: 'because' })];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    assert.equal(sink.health().ready, true);

    const a = batch[0]!.kind === 'audit' ? batch[0]!.event : undefined;
    const { rows } = await db.admin.query(
      `SELECT event_id::text, schema_name, schema_version, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS ts,
              tenant, actor_id, actor_type, resource_type, resource_id, outcome, details, client_ip, client_user_agent, seq::int
       FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq`, [tenant]);
    assert.equal(rows.length, 2);
    assert.deepEqual(rows[0], {
      event_id: a!.event_id, schema_name: 'hindsight.audit', schema_version: 1, ts: a!.ts, tenant,
      actor_id: a!.actor.id, actor_type: 'user', resource_type: 'invoice', resource_id: a!.resource.id, outcome: 'success',
      details: a!.details, client_ip: '203.0.113.7', client_user_agent: 'Mozilla/5.0', seq: 1,
    });
    assert.equal(rows[1].seq, 2);
    assert.equal(rows[1].details, null);
    assert.equal(rows[1].client_ip, null);

    const j = batch[1]!.kind === 'journal' ? batch[1]!.event : undefined;
    const jr = await db.admin.query(
      'SELECT scope, run_id, kind, severity, summary, details, pointers, trace_id, actor_type FROM hindsight.journal_event WHERE event_id = $1', [j!.event_id]);
    assert.deepEqual(jr.rows[0], {
      scope: 'run', run_id: run, kind: 'run.step', severity: 'INFO', summary: 'step 1', details: j!.details,
      pointers: j!.pointers, trace_id: j!.trace_id, actor_type: 'system',
    });
  });

  it('redelivery of the same batch adds nothing and keeps the chain valid', async () => {
    const tenant = uniqueId('t');
    const run = uniqueId('run');
    const batch = [auditRecord(tenant, 1), auditRecord(tenant, 2), journalRecord(run, 1), journalRecord(run, 2)];
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    assert.deepEqual(await sink.write(batch), { status: 'written' });
    // redelivered as part of a larger batch, and a duplicate inside one batch
    const next = auditRecord(tenant, 3);
    assert.deepEqual(await sink.write([...batch, next, next]), { status: 'written' });
    const audit = await db.admin.query('SELECT seq::int FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant]);
    assert.deepEqual(audit.rows.map((r: { seq: number }) => r.seq), [1, 2, 3]);
    const journal = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1', [run]);
    assert.equal(journal.rows[0].n, 2);
    const runRow = await db.admin.query('SELECT event_count::int FROM hindsight.journal_run WHERE run_id = $1', [run]);
    assert.equal(runRow.rows[0].event_count, 2, 'redelivery must not inflate run counts');
    const verdict = await verifyAudit({ connectionString: db.readerUrl, tenant });
    assert.deepEqual(verdict.tenants.map((t) => [t.checked, t.firstBrokenSeq]), [[3, undefined]]);
  });

  it('a journal event repeated within one batch and redelivered is stored and counted once', async () => {
    const run = uniqueId('run');
    const a = journalRecord(run, 1);
    const b = journalRecord(run, 2, { severity: 'WARN' });
    assert.deepEqual(await sink.write([a, b, a, a]), { status: 'written' });
    assert.deepEqual(await sink.write([b, a, journalRecord(run, 3)]), { status: 'written' });
    const journal = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1', [run]);
    assert.equal(journal.rows[0].n, 3);
    const runRow = await db.admin.query('SELECT event_count::int, warn_count::int FROM hindsight.journal_run WHERE run_id = $1', [run]);
    assert.deepEqual(runRow.rows[0], { event_count: 3, warn_count: 1 });
  });

  it('a stored journal event found only by the COPY (no probe first) rolls back nothing but that attempt', async () => {
    const tenant = uniqueId('t');
    const run = uniqueId('run');
    const stored = journalRecord(run, 1);
    assert.deepEqual(await sink.write([stored]), { status: 'written' });
    // The unprobed COPY of this batch fails on `stored`; the audit link appended before it must go
    // with that attempt, or the chain would get the event twice.
    assert.deepEqual(await sink.write([auditRecord(tenant, 1), journalRecord(run, 2), stored]), { status: 'written' });
    // Fresh batches after a redelivery (probed, then not) store everything once.
    assert.deepEqual(await sink.write([auditRecord(tenant, 2), journalRecord(run, 3)]), { status: 'written' });
    assert.deepEqual(await sink.write([journalRecord(run, 4), journalRecord(run, 5, { severity: 'ERROR' })]), { status: 'written' });
    const journal = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1', [run]);
    assert.equal(journal.rows[0].n, 5);
    const runRow = await db.admin.query('SELECT event_count::int, error_count::int FROM hindsight.journal_run WHERE run_id = $1', [run]);
    assert.deepEqual(runRow.rows[0], { event_count: 5, error_count: 1 });
    const audit = await db.admin.query('SELECT seq::int FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant]);
    assert.deepEqual(audit.rows.map((r: { seq: number }) => r.seq), [1, 2]);
    const verdict = await verifyAudit({ connectionString: db.readerUrl, tenant });
    assert.deepEqual(verdict.tenants.map((t) => [t.checked, t.firstBrokenSeq]), [[2, undefined]]);
  });

  it('redelivered audit and journal events are counted in hindsight_sink_redelivered_skipped_total, per kind', async () => {
    const metrics = new Registry();
    const counted = createPostgresSink({ url: db.writerUrl }, 'pg-counted', metrics);
    await counted.start();
    try {
      const tenant = uniqueId('t');
      const run = uniqueId('run');
      const batch = [auditRecord(tenant, 1), journalRecord(run, 1), journalRecord(run, 2)];
      assert.deepEqual(await counted.write(batch), { status: 'written' });
      // Once unprobed (the COPY finds the stored rows), then probed: both redeliveries are counted.
      assert.deepEqual(await counted.write([...batch, journalRecord(run, 3)]), { status: 'written' });
      assert.deepEqual(await counted.write(batch), { status: 'written' });
      const values = (await metrics.getSingleMetric('hindsight_sink_redelivered_skipped_total')!.get()).values;
      const byKind = Object.fromEntries(values.map((v) => [v.labels['kind'], v.value]));
      assert.deepEqual(byKind, { audit: 2, journal: 4 });
      assert.ok(values.every((v) => v.labels['sink'] === 'pg-counted'));
    } finally {
      await counted.shutdown();
    }
  });

  it('values with CSV and COPY metacharacters are stored exactly (COPY path), and the chain verifies', async () => {
    const tenant = uniqueId('t');
    const run = uniqueId('run');
    const nasty = 'say "hi", then\nleave\r\n\\N \\. back\\slash\ttab ü 🎉';
    const audit = auditRecord(tenant, 1, {
      reason: nasty, client: { ip: '::1', user_agent: '' }, correlation_id: '\\N',
      details: { q: '"', nl: '\n', bs: '\\', empty: '', nested: { arr: ['a,b', null, 1.5] } },
    });
    const journal = journalRecord(run, 1, { summary: nasty, causation_id: '', details: { text: nasty }, pointers: { logs: 'a"b,c' } });
    assert.deepEqual(await sink.write([audit, journal]), { status: 'written' });
    const a = audit.kind === 'audit' ? audit.event : undefined;
    const ar = await db.admin.query('SELECT reason, client_user_agent, correlation_id, details FROM hindsight.audit_event WHERE event_id = $1', [a!.event_id]);
    assert.deepEqual(ar.rows[0], { reason: nasty, client_user_agent: '', correlation_id: '\\N', details: a!.details });
    const j = journal.kind === 'journal' ? journal.event : undefined;
    const jr = await db.admin.query('SELECT summary, causation_id, details, pointers FROM hindsight.journal_event WHERE event_id = $1', [j!.event_id]);
    assert.deepEqual(jr.rows[0], { summary: nasty, causation_id: '', details: j!.details, pointers: j!.pointers });
    assert.equal((await verifyAudit({ connectionString: db.readerUrl, tenant })).ok, true);
  });

  it('upserts journal_run with first/last ts, counts and metadata from details', async () => {
    const run = uniqueId('run');
    const first = journalRecord(run, 1, { ts: '2026-03-01T10:00:00.000001Z', kind: 'run.started',
      details: { scenario: 'checkout', test_plan: 'tp-7', description: 'nightly', tags: ['smoke', 'eu'] } });
    const warn = journalRecord(run, 2, { ts: '2026-03-01T10:05:00.000000Z', severity: 'WARN' });
    assert.deepEqual(await sink.write([warn, first]), { status: 'written' });
    const last = journalRecord(run, 3, { ts: '2026-03-01T11:00:00.500000Z', severity: 'ERROR', details: { scenario: 'checkout-v2' } });
    const early = journalRecord(run, 4, { ts: '2026-03-01T09:00:00.000000Z' });
    assert.deepEqual(await sink.write([last, early]), { status: 'written' });
    const { rows } = await db.admin.query(
      `SELECT tenant, scenario, test_plan, description, tags, event_count::int, warn_count::int, error_count::int, pinned,
              to_char(first_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS first_ts,
              to_char(last_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS last_ts
       FROM hindsight.journal_run WHERE run_id = $1`, [run]);
    assert.deepEqual(rows[0], {
      tenant: 'acme', scenario: 'checkout-v2', test_plan: 'tp-7', description: 'nightly', tags: ['smoke', 'eu'],
      event_count: 4, warn_count: 1, error_count: 1, pinned: false,
      first_ts: '2026-03-01T09:00:00.000000', last_ts: '2026-03-01T11:00:00.500000',
    });
    const none = journalRecord(null, 5);
    assert.deepEqual(await sink.write([none]), { status: 'written' });
    const runs = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_run WHERE run_id IS NULL');
    assert.equal(runs.rows[0].n, 0);
  });

  it('a run id another tenant uses too stays its first tenant\'s run: neither sees or changes the other\'s summary', async () => {
    const run = uniqueId('shared-run');
    const a = (n: number, o: Partial<JournalEvent> = {}) => journalRecord(run, n, { tenant: 'tenant-a', ...o });
    const b = (n: number, o: Partial<JournalEvent> = {}) => journalRecord(run, n, { tenant: 'tenant-b', ...o });
    assert.deepEqual(await sink.write([a(1, { ts: '2026-03-01T10:00:00.000000Z', details: { scenario: 'a-scenario' } })]), { status: 'written' });
    // Another batch, and one mixing both tenants: B's events are stored, never folded into A's run.
    assert.deepEqual(await sink.write([b(1, { ts: '2026-03-01T10:01:00.000000Z', severity: 'ERROR', details: { scenario: 'b-secret', description: 'b payroll' } })]), { status: 'written' });
    assert.deepEqual(await sink.write([
      b(2, { ts: '2026-03-01T10:02:00.000000Z', severity: 'WARN' }),
      a(2, { ts: '2026-03-01T10:03:00.000000Z', severity: 'WARN' }),
    ]), { status: 'written' });
    const { rows } = await db.admin.query(
      'SELECT tenant, scenario, description, event_count::int, warn_count::int, error_count::int FROM hindsight.journal_run WHERE run_id = $1', [run]);
    assert.deepEqual(rows, [{ tenant: 'tenant-a', scenario: 'a-scenario', description: null, event_count: 2, warn_count: 1, error_count: 0 }]);
    const stored = await db.admin.query('SELECT tenant, count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1 GROUP BY tenant ORDER BY tenant', [run]);
    assert.deepEqual(stored.rows, [{ tenant: 'tenant-a', n: 2 }, { tenant: 'tenant-b', n: 2 }]);
  });

  it('isolates records Postgres refuses and writes the rest (partial)', async () => {
    const tenant = uniqueId('t');
    const run = uniqueId('run');
    const good = [auditRecord(tenant, 1), auditRecord(tenant, 2), journalRecord(run, 1), auditRecord(tenant, 4), journalRecord(run, 2)];
    // jsonb cannot hold \u0000, text cannot hold a NUL byte: both are refused by the server
    const badJson = auditRecord(tenant, 3, { details: { note: 'nul\u0000inside' } });
    const badText = journalRecord(run, 3, { summary: 'nul\u0000byte' });
    const batch = [good[0]!, good[1]!, badJson, good[2]!, badText, good[3]!, good[4]!];
    const result = await sink.write(batch);
    assert.equal(result.status, 'partial');
    if (result.status !== 'partial') return;
    assert.deepEqual(result.rejected.map((r) => idOf(r.record)).sort(), [idOf(badJson), idOf(badText)].sort());
    for (const r of result.rejected) {
      assert.ok(r.error instanceof PermanentError);
      assert.equal(r.error.code, PG_ERROR_CODES.rejected);
    }
    const audit = await db.admin.query('SELECT event_id::text, seq::int FROM hindsight.audit_event WHERE tenant = $1 ORDER BY seq', [tenant]);
    assert.deepEqual(audit.rows, [good[0]!, good[1]!, good[3]!].map((r, i) => ({ event_id: idOf(r), seq: i + 1 })), 'audit order kept, no gap');
    const journal = await db.admin.query('SELECT count(*)::int AS n FROM hindsight.journal_event WHERE run_id = $1', [run]);
    assert.equal(journal.rows[0].n, 2);
    assert.equal((await verifyAudit({ connectionString: db.readerUrl, tenant })).ok, true);
  });

  it('refuses kinds it does not store, as permanent rejections', async () => {
    const span = { kind: 'span', span: {} as never, origin: { topic: 'otlp_spans', partition: 0, offset: '1' } } as SinkRecord;
    const result = await sink.write([span, journalRecord(null, 1)]);
    assert.equal(result.status, 'partial');
    if (result.status === 'partial') assert.equal(result.rejected[0]?.error.code, PG_ERROR_CODES.unsupportedKind);
  });
});

describe('postgres sink when Postgres is unreachable', () => {
  it('start fails with a transient error, write asks for a retry, health is not ready', async () => {
    // A port nothing listens on: connection refused, as when the server is down.
    const sink = createPostgresSink({ url: 'postgres://hindsight_writer@127.0.0.1:1/none', connectTimeoutMs: 1000 });
    await assert.rejects(sink.start(), (err: unknown) => err instanceof TransientError && err.code === PG_ERROR_CODES.unavailable);
    assert.equal(sink.health().ready, false);
    const result = await sink.write([journalRecord(null, 1)]);
    assert.equal(result.status, 'retry');
    await sink.shutdown();
    await sink.shutdown();
    assert.deepEqual(sink.health(), { ready: false, detail: 'shut down' });
  });

  it('a write after the connection is lost is retried, and health recovers after a good write', async () => {
    const db = await createTestDatabase('sinkdown');
    const sink = createPostgresSink({ url: db.writerUrl, poolSize: 1 });
    try {
      await sink.start();
      const killWriter = () => db.admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND usename = 'hindsight_writer'", [db.name]);
      assert.deepEqual(await sink.write([journalRecord(null, 1)]), { status: 'written' });

      // A connection lost in the middle of a write: hold a lock the write needs, kill it while it waits.
      const locker = await db.connect(db.adminUrl);
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE hindsight.journal_run IN ACCESS EXCLUSIVE MODE');
      const pending = sink.write([journalRecord(uniqueId('run'), 2)]);
      for (let i = 0; i < 100; i++) {
        const waiting = await db.admin.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND usename = 'hindsight_writer' AND wait_event_type = 'Lock'", [db.name]);
        if (waiting.rows.length > 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await killWriter();
      const failed = await pending;
      await locker.query('ROLLBACK');
      assert.equal(failed.status, 'retry');
      if (failed.status === 'retry') assert.ok(failed.error instanceof TransientError && failed.error.code === PG_ERROR_CODES.unavailable, failed.error.message);
      assert.equal(sink.health().ready, false);
      assert.match(sink.health().detail, /POSTGRES_UNAVAILABLE/);
      assert.deepEqual(await sink.write([journalRecord(null, 3)]), { status: 'written' });
      assert.equal(sink.health().ready, true);
    } finally {
      await sink.shutdown();
      await db.drop();
    }
  });
});
