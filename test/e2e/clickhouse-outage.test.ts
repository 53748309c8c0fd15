// ClickHouse issue 6: ClickHouse stopped for 30 s under load and started again. No span is lost or
// stored twice, and Postgres, fed by its own consumer group, keeps ingesting at its rate meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext, type Hindsight } from '@hindsight/sdk';
import { CollectorProcess, writeCollectorConfig } from './harness/collector';
import { startSdk } from './harness/sdk';
import {
  clickHouseDatabase, createPostgres, createTopics, figures, sleep, uniqueSuffix, waitFor,
  type E2eClickHouse, type E2ePostgres, type E2eTopics,
} from './harness/stack';
import { startComponent, stopComponent } from '../stack/component-control';

const OUTAGE_MS = 30_000;
let topics: E2eTopics;
let ch: E2eClickHouse;
let pg: E2ePostgres;
let hs: Hindsight;
let collector: CollectorProcess;

before(async () => {
  topics = await createTopics('chout');
  ch = clickHouseDatabase('chout');
  pg = await createPostgres('chout');
  collector = await CollectorProcess.start(
    writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database }, maxDelayMs: 2000 }).path,
  );
  hs = startSdk('e2e-ch-outage', topics);
});

after(async () => {
  await hs?.shutdown();
  const code = await collector?.stop();
  await ch?.drop();
  await pg?.drop();
  assert.equal(code, 0);
});

test('ClickHouse stopped for 30 s under load, then started: no span lost or duplicated, Postgres unaffected', async () => {
  const tenant = `chout-${uniqueSuffix()}`;
  const rate = 30; // requests per second: one span and one audit event each
  const spanIds: string[] = [];
  const acked: string[] = [];
  let rejected = 0;
  let stop = false;
  const pending: Array<Promise<void>> = [];
  const load = (async () => {
    const started = Date.now();
    for (let i = 0; !stop; i++) {
      const due = started + (i * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      withContext({ correlationId: `req-${i}`, tenant }, () => {
        const span = hs.tracer.startSpan('POST /pay', { kind: 1 });
        spanIds.push(span.spanContext().spanId);
        pending.push(
          hs.audit.record({ action: 'payment.create', resource: { type: 'payment', id: `p-${i}` }, outcome: 'success' }).then(
            (e) => void acked.push(e.event_id),
            () => void rejected++,
          ),
        );
        span.end();
      });
    }
  })();
  const pgRows = async (): Promise<number> =>
    Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event WHERE tenant = $1', [tenant])).rows[0]?.n);

  // Warm up until Postgres follows the stream (the first group join takes a few seconds).
  await waitFor('Postgres to follow the stream', async () => (acked.length > rate && acked.length - (await pgRows()) < rate ? true : undefined), 30_000);
  const beforeStart = { t: Date.now(), n: await pgRows(), acked: acked.length };
  let worstLagBefore = 0;
  for (let i = 0; i < 6; i++) {
    await sleep(1000);
    worstLagBefore = Math.max(worstLagBefore, acked.length - (await pgRows()));
  }
  const beforeEnd = { t: Date.now(), n: await pgRows(), acked: acked.length };
  const retriesBefore = CollectorProcess.sum(await collector.metrics(), 'hindsight_sink_write_retries_total', { sink: 'clickhouse' });
  let chNotReady = 0;
  let probes = 0;
  let duringEnd = beforeEnd;
  await stopComponent('clickhouse');
  const stoppedAt = Date.now();
  const duringStart = { t: Date.now(), n: await pgRows(), acked: acked.length };
  let worstPgLag = 0;
  try {
    while (Date.now() - stoppedAt < OUTAGE_MS) {
      await sleep(1000);
      probes++;
      const ready = JSON.parse((await collector.readyz()).body) as unknown;
      if (JSON.stringify(ready).includes('clickhouse') && (await collector.readyz()).status === 503) chNotReady++;
      duringEnd = { t: Date.now(), n: await pgRows(), acked: acked.length };
      worstPgLag = Math.max(worstPgLag, acked.length - duringEnd.n);
    }
  } finally {
    await startComponent('clickhouse');
  }
  const retries = CollectorProcess.sum(await collector.metrics(), 'hindsight_sink_write_retries_total', { sink: 'clickhouse' }) - retriesBefore;
  await sleep(3000);
  stop = true;
  await load;
  await Promise.all(pending);
  assert.equal(await hs.flush(), true, 'the SDK delivered every span to Kafka');
  assert.deepEqual(hs.stats().dropped, {}, 'nothing shed by the SDK');
  assert.equal(rejected, 0);

  type Mark = { t: number; n: number; acked: number };
  const rateOf = (a: Mark, b: Mark): number => ((b.n - a.n) * 1000) / (b.t - a.t);
  const ackedRate = (a: Mark, b: Mark): number => ((b.acked - a.acked) * 1000) / (b.t - a.t);
  const pgBefore = rateOf(beforeStart, beforeEnd);
  const pgDuring = rateOf(duringStart, duringEnd);
  const ackedDuring = ackedRate(duringStart, duringEnd);
  const lagAtEnd = duringEnd.acked - duringEnd.n;

  await waitFor(`all ${spanIds.length} spans in ClickHouse`, async () => {
    const [r] = (await (await ch.client.query({ query: `SELECT count() AS n FROM spans WHERE tenant = '${tenant}'`, format: 'JSONEachRow' })).json()) as Array<{ n: string }>;
    return Number(r?.n) >= spanIds.length ? true : undefined;
  }, 60_000, 500);
  await waitFor('all acked audit events in Postgres', async () => ((await pgRows()) >= acked.length ? true : undefined), 30_000);
  await sleep(1500); // a late duplicate insert would land now

  // Raw rows without FINAL: a redelivered insert would show here before any merge.
  const stored = ((await (await ch.client.query({ query: `SELECT span_id FROM spans WHERE tenant = '${tenant}'`, format: 'JSONEachRow' })).json()) as Array<{ span_id: string }>).map((r) => r.span_id);
  const storedSet = new Set(stored);
  const lost = spanIds.filter((id) => !storedSet.has(id)).length;
  const duplicates = stored.length - storedSet.size;
  const [rollup] = (await (await ch.client.query({ query: `SELECT toString(countMerge(requests)) AS n FROM span_rollup_1m WHERE service = 'e2e-ch-outage'`, format: 'JSONEachRow' })).json()) as Array<{ n: string }>;
  const auditStored = (await pg.admin.query<{ n: string; d: string }>('SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM hindsight.audit_event WHERE tenant = $1', [tenant])).rows[0];
  figures('clickhouse-outage', {
    outage_s: OUTAGE_MS / 1000, spans_sent: spanIds.length, spans_stored: stored.length, duplicates, lost, rollup_requests: rollup?.n ?? '?',
    ch_retries: retries, ch_not_ready_probes: `${chNotReady}/${probes}`,
    pg_rows_per_s_before: pgBefore.toFixed(1), pg_rows_per_s_during: pgDuring.toFixed(1), acked_per_s_during: ackedDuring.toFixed(1), pg_lag_at_outage_end: lagAtEnd, pg_worst_lag_before: worstLagBefore, pg_worst_lag_during: worstPgLag,
    audit_acked: acked.length, audit_stored: auditStored?.n ?? '?',
  });
  assert.equal(lost, 0, 'no span lost');
  assert.equal(duplicates, 0, 'no span stored twice');
  assert.equal(stored.length, spanIds.length);
  assert.equal(Number(rollup?.n), spanIds.length, 'the rollup counted each span once');
  assert.ok(retries > 0, 'the ClickHouse sink retried during the outage');
  assert.ok(chNotReady >= probes - 2, '/readyz reported the ClickHouse sink down during the outage');
  assert.ok(pgDuring >= 0.9 * ackedDuring, `Postgres kept ingesting at the stream's rate during the outage (${pgDuring.toFixed(1)} rows/s stored, ${ackedDuring.toFixed(1)} acked/s; ${pgBefore.toFixed(1)} before)`);
  assert.ok(worstPgLag <= worstLagBefore + rate * 2, `Postgres lag during the outage no worse than before it (+2 s): ${worstPgLag} vs ${worstLagBefore} rows`);
  assert.equal(Number(auditStored?.n), acked.length);
  assert.equal(Number(auditStored?.d), acked.length);
  await collector.waitReady(15_000);
});
