// Scenario 2: every Kafka broker down for 20 s in the middle of a stream. The SDK's memory stays bounded
// (queues within their capacities, heap growth bounded), audit promises behave as documented (retried
// until auditAckTimeoutMs, then rejected with AUDIT_TIMEOUT, never later than the deadline plus a tick),
// and after recovery every acked audit event is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withContext } from '@hindsight/sdk';
import { recordFigures } from './figures';
import {
  clickHouseDatabase, CollectorProcess, createPostgres, createTopics, endpoints, kafkaControl, metric, pace, printDiagnostics, sleep, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig,
} from './harness';

const OUTAGE_MS = 20_000;
const ACK_TIMEOUT_MS = 5_000;
const AUDIT_PER_S = 200;
const LOGS_PER_S = 1000;
const LOG_QUEUE = 8192; // the SDK's default logs queue

test('Kafka down for 20 s: SDK memory bounded, audit rejects with AUDIT_TIMEOUT after the documented wait, acked == stored after recovery', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f2');
  const pg = await createPostgres('f2');
  const ch = clickHouseDatabase('f2');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database } });
  const brokers = endpoints().kafka.brokers.map((_, i) => i + 1);
  let down = false;
  let collector: CollectorProcess | undefined;
  // Logs only from the shared stream; audit is timed here, call by call.
  const stream = await startStream({ topics, service: `kdown-${s}`, auditPerS: 0, logsPerS: LOGS_PER_S, ackTimeoutMs: ACK_TIMEOUT_MS });
  const { hs } = stream;
  const acked = new Set<string>();
  const rejections = new Map<string, number>();
  let lateRejections = 0;
  let maxRejectMs = 0;
  const audit = pace(AUDIT_PER_S, (n) => {
    const called = Date.now();
    withContext({ tenant: `kdown-${s}`, correlationId: `kdown-${n}` }, () => {
      hs.audit.record({ action: 'order.pay', resource: { type: 'order', id: `o-${n}` }, outcome: 'success' }).then(
        (e) => acked.add(e.event_id),
        (e: { code?: string }) => {
          const took = Date.now() - called;
          maxRejectMs = Math.max(maxRejectMs, took);
          if (took > ACK_TIMEOUT_MS + 1500) lateRejections++;
          rejections.set(e.code ?? 'unknown', (rejections.get(e.code ?? 'unknown') ?? 0) + 1);
        },
      );
    });
  });
  let peakQueued = { logs: 0, audit: 0 };
  let heapBase = 0;
  let heapPeak = 0;
  try {
    collector = await CollectorProcess.start(config);
    const c = collector;
    await waitUntil('postgres writing', async () => (await metric(c, 'hindsight_sink_records_written_total', { sink: 'postgres' })) > 0);
    await sleep(3000);
    global.gc?.();
    heapBase = process.memoryUsage().heapUsed;
    for (const b of brokers) await kafkaControl(`broker_down ${b}`);
    down = true;
    const t0 = Date.now();
    while (Date.now() - t0 < OUTAGE_MS) {
      const q = hs.stats().queued as unknown as Record<string, number>;
      peakQueued = { logs: Math.max(peakQueued.logs, q['logs'] ?? 0), audit: Math.max(peakQueued.audit, q['audit'] ?? 0) };
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      await sleep(250);
    }
    for (const b of brokers) await kafkaControl(`broker_up ${b}`);
    down = false;
    await sleep(5000); // the stream goes on after the recovery
    const sentAudit = await audit.stop();
    const sentLogs = (await stream.stop()).logs;
    await hs.flush();
    await waitUntil('audit promises to settle', () => acked.size + [...rejections.values()].reduce((a, n) => a + n, 0) === sentAudit, 60_000);
    await waitUntil('Postgres to hold the acked events', async () => {
      const st = await storedAudit(pg.adminUrl);
      return [...acked].every((id) => st.has(id));
    }, 120_000).catch(() => undefined); // on timeout the assertions report the figures
    const stored = await storedAudit(pg.adminUrl);
    const lost = [...acked].filter((id) => !stored.has(id)).length;
    const lateDelivered = [...stored.keys()].filter((id) => !acked.has(id)).length;
    const timeouts = rejections.get('AUDIT_TIMEOUT') ?? 0;
    const otherRejections = [...rejections].filter(([k]) => k !== 'AUDIT_TIMEOUT');
    const heapGrowthMb = (heapPeak - heapBase) / 1024 / 1024;
    const dropped = stream.hs.stats().dropped as Record<string, number>;
    const droppedLogs = Object.entries(dropped).filter(([k]) => k.startsWith('logs/')).reduce((a, [, n]) => a + n, 0);
    const pass = lost === 0 && timeouts > 0 && lateRejections === 0 && otherRejections.length === 0 && peakQueued.logs <= LOG_QUEUE && heapGrowthMb < 150;
    recordFigures({
      id: 2,
      scenario: `all Kafka brokers down ${OUTAGE_MS / 1000} s (${AUDIT_PER_S} audit + ${LOGS_PER_S} logs/s, auditAckTimeoutMs ${ACK_TIMEOUT_MS})`,
      sent: `${sentAudit} audit + ${sentLogs} logs`,
      acked: `${acked.size} audit; ${timeouts} AUDIT_TIMEOUT`,
      stored: `${stored.size} audit (${lateDelivered} timed out but delivered late, allowed by the docs)`,
      duplicates: [...stored.values()].reduce((a, n) => a + n - 1, 0),
      lost: `${lost} acked audit; ${droppedLogs} logs shed by the SDK`,
      criterion: 'acked == stored; rejections only AUDIT_TIMEOUT, none later than the deadline + 1.5 s; log queue ≤ its capacity; heap growth < 150 MB',
      notes: `slowest rejection ${maxRejectMs} ms; peak queued logs ${peakQueued.logs}/${LOG_QUEUE}, audit ${peakQueued.audit}; heap +${heapGrowthMb.toFixed(0)} MB`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 2');
    assert.equal(lost, 0, 'every acked audit event stored');
    assert.ok(timeouts > 0, 'audit calls made during the outage were rejected with AUDIT_TIMEOUT');
    assert.deepEqual(otherRejections, [], 'no other rejection code');
    assert.equal(lateRejections, 0, `rejections come at the deadline (slowest ${maxRejectMs} ms)`);
    assert.ok(peakQueued.logs <= LOG_QUEUE, `log queue bounded: ${peakQueued.logs}`);
    assert.ok(heapGrowthMb < 150, `heap growth ${heapGrowthMb.toFixed(0)} MB`);
  } finally {
    if (down) for (const b of brokers) await kafkaControl(`broker_up ${b}`).catch(() => undefined);
    await audit.stop();
    await stream.stop();
    await hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
