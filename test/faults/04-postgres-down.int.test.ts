// Scenario 4: Postgres stopped for 30 s during a stream. /readyz turns 503 naming the postgres sink,
// the postgres group commits no offset while it is down, the ClickHouse sink keeps writing, and after
// Postgres is back every acked audit event is stored (once).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFigures } from './figures';
import {
  chNumber, clickHouseDatabase, CollectorProcess, committedOffsets, createPostgres, createTopics, metric, printDiagnostics, sleep, stackComponent, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig,
} from './harness';

const OUTAGE_MS = 30_000;
const AUDIT_PER_S = 500;
const LOGS_PER_S = 500;

test('Postgres down for 30 s: /readyz degraded, no postgres offsets committed, ClickHouse unaffected, zero loss after', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f4');
  const pg = await createPostgres('f4');
  const ch = clickHouseDatabase('f4');
  const { path: config, groupPrefix } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database }, maxDelayMs: 1000 });
  let collector: CollectorProcess | undefined;
  let stream: Awaited<ReturnType<typeof startStream>> | undefined;
  let pgStopped = false;
  try {
    collector = await CollectorProcess.start(config);
    const c = collector;
    stream = await startStream({ topics, service: `pgdown-${s}` , auditPerS: AUDIT_PER_S, logsPerS: LOGS_PER_S });
    await waitUntil('postgres to be written', async () => (await metric(c, 'hindsight_sink_records_written_total', { sink: 'postgres' })) > 0);
    await sleep(3000);

    await stackComponent('stop', 'postgres');
    pgStopped = true;
    const outageStart = Date.now();
    await sleep(1000); // a batch written just before the stop may still commit
    const offsetsAtStart = await committedOffsets(`${groupPrefix}.postgres`, topics.audit);
    const chAtStart = await chNumber(ch, 'SELECT count() AS n FROM logs');
    let degradedSeen = false;
    let chStayedReady = true;
    let readyBody = '';
    while (Date.now() - outageStart < OUTAGE_MS) {
      const r = await c.readyz();
      const body = JSON.parse(r.body) as { sinks: Record<string, { ready: boolean }> };
      if (r.status === 503 && body.sinks['postgres']?.ready === false) {
        degradedSeen = true;
        readyBody = r.body;
      }
      if (degradedSeen && body.sinks['clickhouse']?.ready !== true) chStayedReady = false;
      await sleep(1000);
    }
    const offsetsAtEnd = await committedOffsets(`${groupPrefix}.postgres`, topics.audit);
    const chAtEnd = await chNumber(ch, 'SELECT count() AS n FROM logs');
    await stackComponent('start', 'postgres');
    pgStopped = false;

    const sent = await stream.stop();
    await stream.hs.flush();
    const st = stream;
    await waitUntil('audit promises to settle', () => st.acked.size + st.rejected === sent.audit);
    await waitUntil('Postgres to catch up', async () => (await storedAudit(pg.adminUrl)).size >= st.acked.size, 120_000).catch(() => undefined); // on timeout the assertions report the figures
    await waitUntil('/readyz ready again', async () => (await c.readyz()).status === 200, 60_000).catch(() => undefined);
    const stored = await storedAudit(pg.adminUrl);
    const lost = [...st.acked].filter((id) => !stored.has(id)).length;
    const duplicates = [...stored.values()].reduce((a, n) => a + n - 1, 0);
    const committedDuring = [...offsetsAtEnd].filter(([p, o]) => o !== offsetsAtStart.get(p)).length;
    const chDuring = chAtEnd - chAtStart;
    const chExpected = (LOGS_PER_S * (OUTAGE_MS - 1000)) / 1000;
    const pass = degradedSeen && committedDuring === 0 && chStayedReady && chDuring >= chExpected * 0.8 && lost === 0 && duplicates === 0 && st.rejected === 0;
    recordFigures({
      id: 4,
      scenario: `Postgres down ${OUTAGE_MS / 1000} s (${AUDIT_PER_S} audit + ${LOGS_PER_S} logs/s)`,
      sent: `${sent.audit} audit`,
      acked: st.acked.size,
      stored: stored.size,
      duplicates,
      lost,
      criterion: '/readyz 503 with postgres not ready, no postgres offset committed during the outage, ClickHouse kept writing, acked == stored',
      notes: `ClickHouse wrote ${chDuring} log rows during the outage (expected ≈${chExpected}); postgres partitions whose offset moved during it: ${committedDuring}`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 4');
    assert.ok(degradedSeen, '/readyz answered 503 with the postgres sink not ready');
    assert.match(readyBody, /"postgres":\{[^}]*"ready":false/);
    assert.deepEqual(offsetsAtEnd, offsetsAtStart, 'no offsets committed for the postgres sink while Postgres was down');
    assert.ok(chStayedReady, 'the clickhouse sink stayed ready');
    assert.ok(chDuring >= chExpected * 0.8, `ClickHouse kept writing: ${chDuring} rows in the outage, ≈${chExpected} expected`);
    assert.equal(st.rejected, 0, 'Kafka acknowledged every audit event');
    assert.equal(lost, 0, 'every acked audit event stored');
    assert.equal(duplicates, 0);
  } finally {
    if (pgStopped) await stackComponent('start', 'postgres');
    await stream?.stop();
    await stream?.hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
