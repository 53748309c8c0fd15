// Scenario 6: a rebalance storm. Three collector instances share the consumer groups; every few seconds
// one of them is stopped (SIGTERM) or started, for 40 s, during a stream of audit events over 8 tenants
// (the tenant is the partition key). Afterwards each tenant's chain must hold every acked event once,
// in the order the app recorded them (seq order = record order), with no gap in seq.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { verifyAudit } from '../../collector/src/sinks/postgres/verify-audit';
import { recordFigures } from './figures';
import { CollectorProcess, createPostgres, createTopics, printDiagnostics, sleep, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig } from './harness';

const STORM_MS = 40_000;

/** Each running instance's /readyz and last log lines: a stall after the storm is explained only by them. */
async function describeInstances(slots: ReadonlyArray<CollectorProcess | undefined>): Promise<string> {
  const parts: string[] = [];
  for (const [i, c] of slots.entries()) {
    if (c === undefined) continue;
    const readyz = await c.readyz().then((r) => `${r.status} ${r.body}`, (e: unknown) => String(e));
    parts.push(`\n--- instance ${i}: /readyz ${readyz}\n${c.logs.slice(-4000)}`);
  }
  return parts.join('');
}
const INSTANCES = 3;

test('rebalance storm: 3 instances started and stopped every few seconds; per-tenant order kept, no gaps, nothing lost', { timeout: 300_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f6');
  const pg = await createPostgres('f6');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, sessionTimeoutMs: 6000 });
  const tenants = Array.from({ length: 8 }, (_, i) => `storm-${s}-${i}`);
  const stream = await startStream({ topics, service: `storm-${s}`, auditPerS: 400, logsPerS: 0, tenants });
  const slots: Array<CollectorProcess | undefined> = Array.from({ length: INSTANCES }, (): CollectorProcess | undefined => undefined);
  let changes = 0;
  try {
    slots[0] = await CollectorProcess.start(config);
    const t0 = Date.now();
    for (let i = 0; Date.now() - t0 < STORM_MS; i++) {
      const k = i % INSTANCES;
      const c = slots[k];
      if (c !== undefined && slots.filter((x) => x !== undefined).length > 1) {
        await c.stop();
        slots[k] = undefined;
      } else if (c === undefined) {
        slots[k] = await CollectorProcess.start(config, { waitReady: false });
      }
      changes++;
      await sleep(2000 + Math.random() * 2000);
    }
    const sent = await stream.stop();
    await stream.hs.flush();
    await waitUntil('audit promises to settle', () => stream.acked.size + stream.rejected === sent.audit);
    if (!slots.some((x) => x !== undefined)) slots[0] = await CollectorProcess.start(config);
    await waitUntil('Postgres to catch up', async () => (await storedAudit(pg.adminUrl)).size >= stream.acked.size, 120_000).catch(() => undefined); // on timeout the assertions report the figures
    const stored = await storedAudit(pg.adminUrl);
    const lost = [...stream.acked].filter((id) => !stored.has(id)).length;
    const duplicates = [...stored.values()].reduce((a, n) => a + n - 1, 0);
    // Order and gaps, per tenant: seq runs 1..N with no hole, and the app's counter n grows with seq.
    const admin = new Client({ connectionString: pg.adminUrl });
    await admin.connect();
    const rows = (await admin.query<{ tenant: string; seq_text: string; n: number }>(`SELECT a.tenant, a.seq::text AS seq_text, (a.details->>'n')::int AS n FROM hindsight.audit_event a ORDER BY a.tenant, a.seq`)).rows;
    await admin.end();
    const problems: string[] = [];
    let prev: { tenant: string; seq: bigint; n: number } | undefined;
    for (const r of rows) {
      const seq = BigInt(r.seq_text);
      if (prev === undefined || prev.tenant !== r.tenant) {
        if (seq !== 1n) problems.push(`${r.tenant}: starts at seq ${seq}`);
      } else {
        if (seq !== prev.seq + 1n) problems.push(`${r.tenant}: gap after seq ${prev.seq}`);
        // The app gave tenant i the counters i, i+8, i+16...: a step other than 8 is a hole or a swap.
        if (r.n <= prev.n) problems.push(`${r.tenant}: seq ${seq} holds n=${r.n} after n=${prev.n}`);
        else if (r.n !== prev.n + tenants.length) problems.push(`${r.tenant}: events n=${prev.n + tenants.length}..${r.n - tenants.length} missing before seq ${seq}`);
      }
      prev = { tenant: r.tenant, seq, n: r.n };
    }
    const verdict = await verifyAudit({ connectionString: pg.readerUrl });
    const pass = lost === 0 && duplicates === 0 && problems.length === 0 && verdict.ok && stream.rejected === 0;
    recordFigures({
      id: 6,
      scenario: `rebalance storm: ${INSTANCES} instances, ${changes} stops/starts in ${STORM_MS / 1000} s (400 audit/s, 8 tenants)`,
      sent: sent.audit,
      acked: stream.acked.size,
      stored: stored.size,
      duplicates,
      lost,
      criterion: 'every acked event stored once; per tenant seq 1..N without gaps and in record order; chains verify',
      notes: `${problems.length} order/gap problems${problems.length ? ` (first: ${problems[0]})` : ''}`,
      pass,
    });
    if (!pass) for (const [k, slot] of slots.entries()) if (slot !== undefined) await printDiagnostics(slot, `scenario 6, collector ${k}`);
    assert.equal(stream.rejected, 0);
    const survivors = lost === 0 ? '' : await describeInstances(slots);
    assert.equal(lost, 0, `every acked audit event stored${survivors}`);
    assert.equal(duplicates, 0);
    assert.deepEqual(problems.slice(0, 10), [], 'per-tenant order kept, no gaps');
    assert.ok(verdict.ok, 'chains verify');
  } finally {
    await stream.stop();
    await stream.hs.shutdown();
    for (const c of slots) await c?.stop();
    await pg.drop().catch(() => undefined);
  }
});
