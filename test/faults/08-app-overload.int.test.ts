// Scenario 8: the app logs at 10× a steady rate for 5 s. DEBUG/INFO are shed, WARN/ERROR all arrive,
// audit loses nothing, the drop counters and the sdk.shedding.started/stopped journal events are there,
// and the app's event loop stays responsive (delay measured with perf_hooks during the burst).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { init, withContext } from '@hindsight/sdk';
import { recordFigures } from './figures';
import { chNumber, clickHouseDatabase, CollectorProcess, createPostgres, createTopics, endpoints, kafkaControl, printDiagnostics, sdkTopics, sleep, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig } from './harness';

const STEADY_PER_S = 1000;
/** Delay of every Kafka response during the run: the SDK then drains about 2,500 logs/s (512 per request). */
const RTT_MS = 200;
const BURST_S = 5;
/** Level of the n-th record: 2 % ERROR, 5 % WARN, 25 % DEBUG, the rest INFO (an app's usual mix). */
const levelOf = (n: number): 'debug' | 'info' | 'warn' | 'error' => {
  const r = n % 100;
  return r < 2 ? 'error' : r < 7 ? 'warn' : r < 32 ? 'debug' : 'info';
};

test('10× overload from the app: DEBUG/INFO shed, WARN/ERROR kept, audit complete, shedding journaled, event loop responsive', { timeout: 240_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f8');
  const pg = await createPostgres('f8');
  const ch = clickHouseDatabase('f8');
  const { path: config } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database } });
  const service = `overload-${s}`;
  const hs = init({ serviceName: service, tenant: service, logLevel: 'debug', kafka: { brokers: endpoints().kafka.brokers, topics: sdkTopics(topics) }, queues: { flushIntervalMs: 50 }, auditAckTimeoutMs: 30_000, env: {} });
  let collector: CollectorProcess | undefined;
  const emitted: Record<string, number> = { debug: 0, info: 0, warn: 0, error: 0 };
  const acked: string[] = [];
  let rejected = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let slowed = false;
  try {
    collector = await CollectorProcess.start(config);
    // Steady load, then 10× for BURST_S seconds, in 20 ms slices that yield to the loop.
    const run = async (perSecond: number, seconds: number) => {
      const perSlice = Math.round(perSecond / 50);
      const end = Date.now() + seconds * 1000;
      let n = 0;
      while (Date.now() < end) {
        const sliceEnd = Date.now() + 20;
        for (let i = 0; i < perSlice; i++, n++) {
          const level = levelOf(n);
          hs.logger[level]({ n }, `${level} record ${n}`);
          emitted[level] = (emitted[level] ?? 0) + 1;
        }
        if (n % 50 === 0) {
          withContext({ correlationId: `ov-${n}` }, () =>
            hs.audit.record({ action: 'load.tick', resource: { type: 'load', id: String(n) }, outcome: 'success' }).then((e) => acked.push(e.event_id), () => rejected++),
          );
        }
        await yieldLoop();
        const wait = sliceEnd - Date.now();
        if (wait > 0) await sleep(wait);
      }
    };
    await kafkaControl(`rtt -1 ${RTT_MS}`);
    slowed = true;
    await run(STEADY_PER_S, 2);
    delay.enable();
    await run(STEADY_PER_S * 10, BURST_S);
    delay.disable();
    await run(STEADY_PER_S / 10, 4); // calm again: shedding stops
    await hs.flush();
    await kafkaControl('rtt -1 0');
    slowed = false;
    await hs.flush();
    const dropped = hs.stats().dropped as Record<string, number>;
    const droppedBy = (level: string) => Object.entries(dropped).filter(([k]) => k.startsWith(`logs/${level}/`)).reduce((a, [, n]) => a + n, 0);
    const audits = acked.length + rejected;
    await waitUntil('stores to catch up', async () => {
      const kept = await chNumber(ch, `SELECT count() AS n FROM logs WHERE severity_text IN ('WARN', 'ERROR')`);
      return kept >= emitted['warn']! + emitted['error']! && (await storedAudit(pg.adminUrl)).size >= acked.length;
    }, 120_000).catch(() => undefined); // on timeout the assertions report the figures
    const warnStored = await chNumber(ch, `SELECT uniqExact(log_id) AS n FROM logs WHERE severity_text = 'WARN'`);
    const errorStored = await chNumber(ch, `SELECT uniqExact(log_id) AS n FROM logs WHERE severity_text = 'ERROR'`);
    const lowStored = await chNumber(ch, `SELECT uniqExact(log_id) AS n FROM logs WHERE severity_text IN ('DEBUG', 'INFO')`);
    const stored = await storedAudit(pg.adminUrl);
    const auditLost = acked.filter((id) => !stored.has(id)).length;
    const kinds = (await pg.admin.query<{ kind: string; n: string }>(`SELECT kind, count(*) AS n FROM hindsight.journal_event WHERE kind LIKE 'sdk.shedding.%' GROUP BY kind`)).rows;
    const started = Number(kinds.find((k) => k.kind === 'sdk.shedding.started')?.n ?? 0);
    const stopped = Number(kinds.find((k) => k.kind === 'sdk.shedding.stopped')?.n ?? 0);
    const metricsText = await hs.metricsText();
    const p99 = delay.percentile(99) / 1e6;
    const max = delay.max / 1e6;
    const lowDropped = droppedBy('DEBUG') + droppedBy('INFO');
    const highDropped = droppedBy('WARN') + droppedBy('ERROR');
    const pass =
      lowDropped > 0 && highDropped === 0 && warnStored === emitted['warn'] && errorStored === emitted['error'] && auditLost === 0 && rejected === 0 && started > 0 && stopped > 0 &&
      /hindsight_sdk_dropped_total\{[^}]*level="(DEBUG|INFO)"/.test(metricsText) && p99 < 250;
    const total = Object.values(emitted).reduce((a, n) => a + n, 0);
    recordFigures({
      id: 8,
      scenario: `app overload: ${STEADY_PER_S * 10} logs/s for ${BURST_S} s (10× ${STEADY_PER_S}/s) with Kafka responses delayed ${RTT_MS} ms, audit alongside`,
      sent: `${total} logs (${emitted['warn']} WARN, ${emitted['error']} ERROR); ${audits} audit`,
      acked: `${acked.length} audit`,
      stored: `${warnStored} WARN + ${errorStored} ERROR + ${lowStored} DEBUG/INFO logs; ${stored.size} audit`,
      duplicates: 0,
      lost: `${auditLost} audit; ${highDropped} WARN/ERROR; ${lowDropped} DEBUG/INFO shed (by design)`,
      criterion: 'DEBUG/INFO shed, no WARN/ERROR dropped and all stored, audit acked == stored, sdk.shedding.started/stopped journaled, drop counter exported, event-loop delay p99 < 250 ms',
      notes: `shedding journal: ${started} started / ${stopped} stopped; event-loop delay during the burst p99 ${p99.toFixed(1)} ms, max ${max.toFixed(1)} ms`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 8');
    assert.ok(lowDropped > 0, 'DEBUG/INFO were shed');
    assert.equal(highDropped, 0, `no WARN/ERROR dropped: ${JSON.stringify(dropped)}`);
    assert.equal(warnStored, emitted['warn'], 'every WARN stored');
    assert.equal(errorStored, emitted['error'], 'every ERROR stored');
    assert.equal(rejected, 0);
    assert.equal(auditLost, 0, 'every acked audit event stored');
    assert.ok(started > 0 && stopped > 0, `sdk.shedding.started/stopped journal events: ${JSON.stringify(kinds)}`);
    assert.match(metricsText, /hindsight_sdk_dropped_total\{[^}]*level="(DEBUG|INFO)"/);
    assert.ok(p99 < 250, `event-loop delay p99 ${p99.toFixed(1)} ms`);
  } finally {
    if (slowed) await kafkaControl('rtt -1 0').catch(() => undefined);
    delay.disable();
    await hs.shutdown();
    await collector?.stop();
    await ch.drop().catch(() => undefined);
    await pg.drop().catch(() => undefined);
  }
});
