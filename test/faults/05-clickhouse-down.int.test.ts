// Scenario 5: ClickHouse stopped for 60 s during a stream. The Postgres sink's rate (rows stored per
// second) during the outage stays within 20 % of its rate before it; ClickHouse catches up after it
// is back; nothing is lost on either side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFigures } from './figures';
import {
  chNumber, clickHouseDatabase, CollectorProcess, createPostgres, createTopics, metric, printDiagnostics, sleep, stackComponent, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig,
} from './harness';

const OUTAGE_MS = 60_000;
const BASELINE_MS = 15_000;
const AUDIT_PER_S = 500;
const LOGS_PER_S = 500;

test('ClickHouse down for 60 s: Postgres rate within 20 % of baseline, ClickHouse catches up, zero loss', { timeout: 300_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f5');
  const pg = await createPostgres('f5');
  const ch = clickHouseDatabase('f5');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database }, maxDelayMs: 2000 });
  let collector: CollectorProcess | undefined;
  let stream: Awaited<ReturnType<typeof startStream>> | undefined;
  let chStopped = false;
  const pgRows = async () => Number((await pg.admin.query<{ n: string }>('SELECT count(*) AS n FROM hindsight.audit_event')).rows[0]?.n);
  try {
    collector = await CollectorProcess.start(config);
    const c = collector;
    stream = await startStream({ topics, service: `chdown-${s}`, auditPerS: AUDIT_PER_S, logsPerS: LOGS_PER_S });
    await waitUntil('both sinks writing', async () => (await metric(c, 'hindsight_sink_records_written_total', { sink: 'clickhouse' })) > 0 && (await pgRows()) > 0);
    await sleep(2000);
    const b0 = await pgRows();
    await sleep(BASELINE_MS);
    const b1 = await pgRows();
    const baseline = (b1 - b0) / (BASELINE_MS / 1000);

    await stackComponent('stop', 'clickhouse');
    chStopped = true;
    await sleep(2000);
    const d0 = await pgRows();
    const d0t = Date.now();
    let chNotReady = false;
    while (Date.now() - d0t < OUTAGE_MS - 2000) {
      const r = await c.readyz();
      if (r.status === 503 && /"clickhouse":\{[^}]*"ready":false/.test(r.body)) chNotReady = true;
      await sleep(2000);
    }
    const d1 = await pgRows();
    const during = (d1 - d0) / ((Date.now() - d0t) / 1000);
    await stackComponent('start', 'clickhouse');
    chStopped = false;
    const back = Date.now();

    const sent = await stream.stop();
    await stream.hs.flush();
    const st = stream;
    await waitUntil('audit promises to settle', () => st.acked.size + st.rejected === sent.audit);
    const dropped = Object.values(st.hs.stats().dropped).reduce((a, n) => a + n, 0);
    await waitUntil('ClickHouse to catch up', async () => (await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs')) >= sent.logs - dropped, 180_000).catch(() => undefined); // on timeout the assertions report the figures
    const catchUpS = (Date.now() - back) / 1000;
    await waitUntil('Postgres to hold every acked event', async () => (await storedAudit(pg.adminUrl)).size >= st.acked.size, 60_000).catch(() => undefined);
    const stored = await storedAudit(pg.adminUrl);
    const lost = [...st.acked].filter((id) => !stored.has(id)).length;
    const duplicates = [...stored.values()].reduce((a, n) => a + n - 1, 0);
    await ch.client.command({ query: 'OPTIMIZE TABLE logs FINAL' });
    const chFinal = await chNumber(ch, 'SELECT count() AS n FROM logs FINAL');
    const chUnique = await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs');
    const ratio = during / baseline;
    const pass = ratio >= 0.8 && chNotReady && lost === 0 && duplicates === 0 && chUnique === sent.logs - dropped && chFinal === chUnique && st.rejected === 0;
    recordFigures({
      id: 5,
      scenario: `ClickHouse down ${OUTAGE_MS / 1000} s (${AUDIT_PER_S} audit + ${LOGS_PER_S} logs/s)`,
      sent: `${sent.audit} audit + ${sent.logs} logs`,
      acked: `${st.acked.size} audit`,
      stored: `${stored.size} PG audit; ${chFinal} CH logs`,
      duplicates: `${duplicates} PG; ${chFinal - chUnique} CH`,
      lost: `${lost} audit; ${sent.logs - dropped - chUnique} logs (${dropped} shed by the SDK)`,
      criterion: 'Postgres rows/s during the outage ≥ 80 % of before; /readyz names clickhouse not ready; ClickHouse catches up; zero loss',
      notes: `Postgres ${baseline.toFixed(0)} rows/s before, ${during.toFixed(0)} during (${(ratio * 100).toFixed(0)} %); ClickHouse caught up ${catchUpS.toFixed(0)} s after restart`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 5');
    assert.ok(ratio >= 0.8, `Postgres ${during.toFixed(0)} rows/s during vs ${baseline.toFixed(0)} before`);
    assert.ok(chNotReady, '/readyz reported the clickhouse sink not ready');
    assert.equal(st.rejected, 0);
    assert.equal(lost, 0, 'every acked audit event stored');
    assert.equal(duplicates, 0);
    assert.equal(chUnique, sent.logs - dropped, 'every log record in ClickHouse after the catch-up');
    assert.equal(chFinal, chUnique, 'no duplicate rows after merge');
  } finally {
    if (chStopped) await stackComponent('start', 'clickhouse');
    await stream?.stop();
    await stream?.hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
