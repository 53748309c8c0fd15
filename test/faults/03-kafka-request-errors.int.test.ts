// Scenario 3: injected Kafka request errors during a stream: NOT_LEADER_OR_FOLLOWER and
// REQUEST_TIMED_OUT on Produce (the SDK's and the collector's DLQ producer), errors on Fetch and on
// OffsetCommit (the collector's consumers), in bursts for 20 s. No acked audit event may be lost, and the
// collector must keep running: same process, no consumer crash without restart, no restart loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordFigures } from './figures';
import {
  CollectorProcess, chNumber, clickHouseDatabase, createPostgres, createTopics, kafkaControl, logLinesMatching, metric, printDiagnostics, sleep, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig,
} from './harness';

const FAULT_MS = 20_000;
const BURSTS: readonly string[] = [
  'push_errors Produce 5 NOT_LEADER_OR_FOLLOWER',
  'push_errors Produce 3 REQUEST_TIMED_OUT',
  'push_errors Fetch 5 NOT_LEADER_OR_FOLLOWER',
  'push_errors Fetch 3 REQUEST_TIMED_OUT',
  'push_errors OffsetCommit 5 REQUEST_TIMED_OUT',
  'push_errors OffsetCommit 3 COORDINATOR_NOT_AVAILABLE',
  'push_errors OffsetCommit 3 NOT_COORDINATOR',
];
const APIS = ['Produce', 'Fetch', 'OffsetCommit'];

test('Kafka request errors on Produce, Fetch and OffsetCommit: no loss, no crash loop', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f3');
  const pg = await createPostgres('f3');
  const ch = clickHouseDatabase('f3');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database } });
  let collector: CollectorProcess | undefined;
  const stream = await startStream({ topics, service: `kerr-${s}`, auditPerS: 500, logsPerS: 500 });
  let injected = 0;
  try {
    collector = await CollectorProcess.start(config);
    const c = collector;
    const pid = c.child.pid;
    await waitUntil('postgres writing', async () => (await metric(c, 'hindsight_sink_records_written_total', { sink: 'postgres' })) > 0);
    const t0 = Date.now();
    for (let i = 0; Date.now() - t0 < FAULT_MS; i++) {
      await kafkaControl(BURSTS[i % BURSTS.length] as string);
      injected++;
      await sleep(700);
    }
    for (const api of APIS) await kafkaControl(`clear_errors ${api}`);
    await sleep(3000);
    const sent = await stream.stop();
    await stream.hs.flush();
    await waitUntil('audit promises to settle', () => stream.acked.size + stream.rejected === sent.audit, 60_000);
    const dropped = Object.values(stream.hs.stats().dropped).reduce((a, n) => a + n, 0);
    await waitUntil('stores to catch up', async () => (await storedAudit(pg.adminUrl)).size >= stream.acked.size && (await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs')) >= sent.logs - dropped, 120_000).catch(
      () => undefined, // on timeout the assertions report the figures
    );
    const stored = await storedAudit(pg.adminUrl);
    const lost = [...stream.acked].filter((id) => !stored.has(id)).length;
    const duplicates = [...stored.values()].reduce((a, n) => a + n - 1, 0);
    const logsStored = await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs');
    const crashedNoRestart = logLinesMatching(c, /"msg":"consumer crashed".*"restart":false/).length;
    const crashes = logLinesMatching(c, /"msg":"consumer crashed"/).length;
    const commitFailures = await metric(c, 'hindsight_component_errors_total', { stage: 'commit' });
    const stalls = await metric(c, 'hindsight_consumer_stalls_total');
    const alive = c.child.exitCode === null && c.child.signalCode === null && c.child.pid === pid;
    const ready = (await c.readyz()).status === 200;
    const pass = lost === 0 && duplicates === 0 && logsStored === sent.logs - dropped && alive && crashedNoRestart === 0 && ready && stream.rejected === 0;
    recordFigures({
      id: 3,
      scenario: `Kafka request errors for ${FAULT_MS / 1000} s: ${injected} bursts on Produce, Fetch, OffsetCommit (500 audit + 500 logs/s)`,
      sent: `${sent.audit} audit + ${sent.logs} logs`,
      acked: `${stream.acked.size} audit (${stream.rejected} rejected)`,
      stored: `${stored.size} audit; ${logsStored} logs`,
      duplicates,
      lost: `${lost} audit; ${sent.logs - dropped - logsStored} logs (${dropped} shed by the SDK)`,
      criterion: 'acked == stored, every log stored, same collector process alive and ready after, no consumer crash without restart',
      notes: `consumer crashes (restarted by kafkajs) ${crashes}; stalled consumers replaced ${stalls}; commit failures counted ${commitFailures}`,
      pass,
    });
    if (!pass) await printDiagnostics(c, 'scenario 3');
    assert.equal(stream.rejected, 0, `audit rejections: ${JSON.stringify([...stream.rejections])}`);
    assert.equal(lost, 0, 'every acked audit event stored');
    assert.equal(duplicates, 0);
    assert.equal(logsStored, sent.logs - dropped, 'every log record stored');
    assert.ok(alive, 'the collector process kept running');
    assert.equal(crashedNoRestart, 0, 'no consumer crashed for good');
    assert.ok(ready, '/readyz is 200 after the faults');
  } finally {
    for (const api of APIS) await kafkaControl(`clear_errors ${api}`).catch(() => undefined);
    await stream.stop();
    await stream.hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
