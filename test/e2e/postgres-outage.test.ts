// Collector issue 7: Postgres stopped for 30 s under load, then started. Nothing acked is lost, nothing
// is stored twice, and the collector felt the outage (not ready, retries) and caught up on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext, type Hindsight } from '@hindsight/sdk';
import { CollectorProcess, writeCollectorConfig } from './harness/collector';
import { recordAudits, startSdk } from './harness/sdk';
import { collectorCli, createPostgres, createTopics, figures, sleep, uniqueSuffix, waitFor, type E2ePostgres, type E2eTopics } from './harness/stack';
import { startComponent, stopComponent } from '../stack/component-control';

const OUTAGE_MS = 30_000;
let topics: E2eTopics;
let pg: E2ePostgres;
let hs: Hindsight;
let collector: CollectorProcess;

before(async () => {
  topics = await createTopics('pgout');
  pg = await createPostgres('pgout');
  hs = startSdk('e2e-pg-outage', topics);
  collector = await CollectorProcess.start(writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, maxDelayMs: 2000 }).path);
});

after(async () => {
  await hs?.shutdown();
  const code = await collector?.stop();
  await pg?.drop();
  assert.equal(code, 0, 'the collector stopped cleanly after the outage');
});

test('Postgres stopped for 30 s under load, then started: nothing lost, nothing duplicated', async () => {
  const tenant = `pgout-${uniqueSuffix()}`;
  const runId = `run-${uniqueSuffix()}`;
  const rate = 40; // audit events per second, and as many journal events
  const total = Math.round(((3000 + OUTAGE_MS + 4000) / 1000) * rate);
  const journalIds: string[] = [];
  let journalStop = false;
  const journalLoad = (async () => {
    for (let i = 0; !journalStop; i++) {
      const id = withContext({ correlationId: `j-${i}`, tenant, runId }, () =>
        hs.journal.emit({ scope: 'run', kind: 'step', severity: i % 10 === 0 ? 'WARN' : 'INFO', summary: `step ${i}` }),
      );
      if (id !== undefined) journalIds.push(id);
      await sleep(1000 / rate);
    }
  })();
  const auditLoad = recordAudits(hs, total, { perSecond: rate, concurrency: 4, tenant });

  await sleep(3000);
  const readyBefore = (await collector.readyz()).status;
  const retriesBefore = CollectorProcess.sum(await collector.metrics(), 'hindsight_sink_write_retries_total', { sink: 'postgres' });
  let notReadyDuringOutage = 0;
  let probes = 0;
  const stoppedAt = Date.now();
  await stopComponent('postgres');
  try {
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      await sleep(1000);
      probes++;
      if ((await collector.readyz()).status === 503) notReadyDuringOutage++;
    }
  } finally {
    await startComponent('postgres');
  }
  const outageMs = Date.now() - stoppedAt;
  const retries = CollectorProcess.sum(await collector.metrics(), 'hindsight_sink_write_retries_total', { sink: 'postgres' }) - retriesBefore;

  const { acked, rejected } = await auditLoad;
  journalStop = true;
  await journalLoad;
  assert.equal(await hs.flush(), true, 'the SDK delivered every journal event to Kafka');
  assert.equal(rejected, 0, 'audit never depends on Postgres: every record() resolved');
  assert.deepEqual(hs.stats().dropped, {}, 'nothing shed by the SDK');

  const q = async (sql: string): Promise<Array<{ id: string }>> => (await pg.admin.query<{ id: string }>(sql, [tenant])).rows;
  const caughtUpAt = Date.now();
  await waitFor('Postgres to catch up', async () => {
    const a = (await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant])).rows[0]?.n;
    const j = (await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.journal_event WHERE tenant = $1', [tenant])).rows[0]?.n;
    return Number(a) >= acked.length && Number(j) >= journalIds.length ? true : undefined;
  }, 60_000, 250);
  const catchUpMs = Date.now() - caughtUpAt;
  await sleep(1000);

  const audit = await q('SELECT event_id::text AS id FROM hindsight.audit_event WHERE tenant = $1');
  const journal = await q('SELECT event_id::text AS id FROM hindsight.journal_event WHERE tenant = $1');
  const auditIds = new Set(audit.map((r) => r.id));
  const journalStored = new Set(journal.map((r) => r.id));
  const lost = acked.filter((id) => !auditIds.has(id)).length + journalIds.filter((id) => !journalStored.has(id)).length;
  const duplicates = audit.length - auditIds.size + (journal.length - journalStored.size);
  figures('postgres-outage', {
    outage_s: (outageMs / 1000).toFixed(1), audit_sent: total, audit_acked: acked.length, audit_stored: audit.length,
    journal_sent: journalIds.length, journal_stored: journal.length, duplicates, lost, write_retries: retries,
    not_ready_probes: `${notReadyDuringOutage}/${probes}`, catch_up_ms: catchUpMs,
  });
  assert.equal(readyBefore, 200);
  assert.ok(notReadyDuringOutage >= probes - 2, '/readyz reported the sink down during the outage');
  assert.ok(retries > 0, 'writes were retried during the outage');
  assert.equal(lost, 0, 'nothing lost');
  assert.equal(duplicates, 0, 'nothing stored twice');
  assert.equal(audit.length, acked.length, 'only acked audit events stored');
  assert.equal(journal.length, journalIds.length);
  const run = (await pg.admin.query<{ event_count: number }>('SELECT event_count::int AS event_count FROM hindsight.journal_run WHERE run_id = $1', [runId])).rows[0];
  assert.equal(run?.event_count, journalIds.length, 'the run\'s counts were not inflated by retried writes');
  const verified = await collectorCli(['verify-audit', '--url', pg.readerUrl, '--tenant', tenant]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  await collector.waitReady(15_000);
});
