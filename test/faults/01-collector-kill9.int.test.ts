// Scenario 1: kill -9 of the collector 10 times during a 2,000 events/s stream (1,000 audit events/s
// through audit.record() plus 1,000 log records/s), with 200 spans/s beside it. Every acked audit event
// must be stored exactly once in Postgres, with the hash chains intact; ClickHouse log rows must collapse
// to one per log record; the span rollup must count each span once although spans were redelivered; and
// the collector's counters must show that messages really were delivered again after the kills.
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { verifyAudit } from '../../collector/src/sinks/postgres/verify-audit';
import { kafkaClient } from '../e2e/harness/kafka';
import { recordFigures } from './figures';
import {
  chNumber, clickHouseDatabase, CollectorProcess, committedOffsets, createPostgres, createTopics, kafkaControl, metric, printDiagnostics, sleep, startStream, storedAudit, uniqueSuffix, waitUntil, writeCollectorConfig,
} from './harness';

const KILLS = 10;
const AUDIT_PER_S = 1000;
const LOGS_PER_S = 1000;
const SPANS_PER_S = 200;

test('kill -9 of the collector 10 times mid-stream: acked audit stored exactly once, ClickHouse deduplicated, span rollup counted once, redelivery observed', { timeout: 420_000 }, async () => {
  const s = uniqueSuffix();
  const topics = await createTopics('f1');
  const pg = await createPostgres('f1');
  const ch = clickHouseDatabase('f1');
  // A short session: the killed member leaves the group within 3 s instead of 10.
  const { path: config, groupPrefix } = writeCollectorConfig({ topics, postgresUrl: pg.writerUrl, clickhouse: { url: ch.url, database: ch.database }, sessionTimeoutMs: 3000 });
  let collector: CollectorProcess | undefined;
  const incarnations: CollectorProcess[] = [];
  const stream = await startStream({ topics, service: `kill-${s}`, auditPerS: AUDIT_PER_S, logsPerS: LOGS_PER_S, spansPerS: SPANS_PER_S });
  // Counters of each collector incarnation, scraped until just before its kill (a kill -9 loses the
  // rest, so the sums are lower bounds).
  type Slot = { consumedAudit: number; skipped: number; skippedSpans: number };
  const perIncarnation: Slot[] = [];
  const scrape = async (c: CollectorProcess, slot: Slot) => {
    const m = await c.metrics();
    slot.consumedAudit = Math.max(slot.consumedAudit, CollectorProcess.sum(m, 'hindsight_consumer_messages_total', { topic: topics.audit }));
    slot.skipped = Math.max(slot.skipped, CollectorProcess.sum(m, 'hindsight_sink_redelivered_skipped_total', { sink: 'postgres' }));
    slot.skippedSpans = Math.max(slot.skippedSpans, CollectorProcess.sum(m, 'hindsight_sink_redelivered_skipped_total', { sink: 'clickhouse', kind: 'span' }));
  };
  try {
    for (let k = 0; k <= KILLS; k++) {
      collector = await CollectorProcess.start(config);
      incarnations.push(collector);
      const slot = { consumedAudit: 0, skipped: 0, skippedSpans: 0 };
      perIncarnation.push(slot);
      if (k === KILLS) break; // the last one runs to the end
      const c = collector;
      await waitUntil('the collector to write', async () => {
        await scrape(c, slot);
        return (await metric(c, 'hindsight_sink_records_written_total', { sink: 'postgres' })) > 0;
      });
      // On every other kill, offset commits fail for a moment first, as when the coordinator is slow:
      // rows are then written but not committed when the process dies, which a crash hits by chance
      // only in the few milliseconds between a write and its commit.
      const widen = k % 2 === 1;
      const until = Date.now() + 1000 + Math.random() * 2000;
      try {
        if (widen) await kafkaControl('push_errors OffsetCommit 50 REQUEST_TIMED_OUT');
        while (Date.now() < until) {
          await scrape(c, slot);
          await sleep(100);
        }
        await scrape(c, slot);
        await c.kill9();
      } finally {
        if (widen) await kafkaControl('clear_errors OffsetCommit');
      }
    }
    const sent = await stream.stop();
    await stream.hs.flush();
    await waitUntil('all audit promises to settle', () => stream.acked.size + stream.rejected === sent.audit);
    const last = collector as CollectorProcess;
    const lastSlot = perIncarnation[perIncarnation.length - 1] as Slot;
    // Drop counts are keyed `kind/level/reason`.
    const dropped = (kind: string) => Object.entries(stream.hs.stats().dropped).reduce((a, [key, n]) => (key.startsWith(`${kind}/`) ? a + n : a), 0);
    const droppedLogs = dropped('logs');
    const droppedSpans = dropped('spans');
    await waitUntil('Postgres and ClickHouse to catch up', async () => {
      await scrape(last, lastSlot);
      return (
        (await storedAudit(pg.adminUrl)).size >= stream.acked.size &&
        (await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs')) >= sent.logs - droppedLogs &&
        (await chNumber(ch, 'SELECT uniqExact(span_id) AS n FROM spans')) >= sent.spans - droppedSpans
      );
    }, 180_000).catch(() => undefined); // on timeout the assertions below report the figures
    await sleep(1000);
    await scrape(last, lastSlot);

    const stored = await storedAudit(pg.adminUrl);
    const lost = [...stream.acked].filter((id) => !stored.has(id));
    if (lost.length > 0) {
      // Where the missing events are, against what the postgres group committed and the topic ends.
      const admin = kafkaClient('faults-kill-diag').admin();
      await admin.connect();
      const ends = await admin.fetchTopicOffsets(topics.audit);
      await admin.disconnect();
      const committed = await committedOffsets(`${groupPrefix}.postgres`, topics.audit);
      console.log(`# diag ends ${JSON.stringify(ends.map((e) => [e.partition, e.high]))} committed ${JSON.stringify([...committed])}`);
      console.log(`# diag readyz ${(await last.readyz()).body}`);
      console.log(`# diag metrics ${[...(await last.metrics())].filter(([k]) => /lag|written|consumer_messages|commits|errors/.test(k)).map(([k, v]) => `${k} ${v}`).join('; ')}`);
      const dir = mkdtempSync(join(tmpdir(), 'hindsight-faults-kill-'));
      incarnations.forEach((c, i) => writeFileSync(join(dir, `collector-${String(i).padStart(2, '0')}.log`), c.logs));
      console.log(`# diag logs of every incarnation in ${dir}`);
    }
    const duplicates = [...stored.values()].reduce((a, n) => a + (n - 1), 0);
    const verdict = await verifyAudit({ connectionString: pg.readerUrl });
    const chRaw = await chNumber(ch, 'SELECT count() AS n FROM logs');
    await ch.client.command({ query: 'OPTIMIZE TABLE logs FINAL' });
    const chFinal = await chNumber(ch, 'SELECT count() AS n FROM logs FINAL');
    const chUnique = await chNumber(ch, 'SELECT uniqExact(log_id) AS n FROM logs');
    const spansStored = await chNumber(ch, 'SELECT uniqExact(span_id) AS n FROM spans');
    const spansCounted = await chNumber(ch, 'SELECT countMerge(requests) AS n FROM span_rollup_1m');
    const skippedSpans = perIncarnation.reduce((a, x) => a + x.skippedSpans, 0);
    const consumedAudit = perIncarnation.reduce((a, x) => a + x.consumedAudit, 0);
    const skipped = perIncarnation.reduce((a, x) => a + x.skipped, 0);
    const reconsumed = consumedAudit - stored.size; // one audit message per stored event
    const pass =
      lost.length === 0 && duplicates === 0 && verdict.ok && stream.rejected === 0 && chFinal === chUnique && chUnique === sent.logs - droppedLogs && reconsumed > 0 && skipped > 0 &&
      spansStored === sent.spans - droppedSpans && spansCounted === spansStored && skippedSpans > 0;
    recordFigures({
      id: 1,
      scenario: `kill -9 of the collector ×${KILLS} during a ${AUDIT_PER_S + LOGS_PER_S} events/s stream`,
      sent: `${sent.audit} audit + ${sent.logs} logs + ${sent.spans} spans`,
      acked: `${stream.acked.size} audit (${stream.rejected} rejected)`,
      stored: `${stored.size} PG audit rows; ${chFinal} CH log rows (${chRaw} before merge); ${spansStored} CH spans, ${spansCounted} in the rollup`,
      duplicates: `${duplicates} PG; ${chFinal - chUnique} CH after FINAL`,
      lost: `${lost.length} audit; ${sent.logs - droppedLogs - chUnique} logs (${droppedLogs} shed by the SDK); ${sent.spans - droppedSpans - spansStored} spans (${droppedSpans} shed)`,
      criterion: 'every acked audit event stored once, chains verify, CH rows = distinct log ids = logs sent, rollup requests = distinct spans = spans sent, redelivery observed',
      notes: `redelivery: ≥${reconsumed} audit messages consumed again; ${skipped} already-stored audit events and ${skippedSpans} spans skipped (hindsight_sink_redelivered_skipped_total)`,
      pass,
    });
    if (!pass && collector !== undefined) await printDiagnostics(collector, 'scenario 1');
    assert.equal(stream.rejected, 0, 'no audit promise rejected (Kafka stayed up)');
    assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acked audit events missing from Postgres`);
    assert.equal(duplicates, 0, 'each audit event stored once');
    assert.ok(verdict.ok, `hash chains verify: ${JSON.stringify(verdict.tenants.filter((t) => t.firstBrokenSeq))}`);
    assert.equal(chFinal, chUnique, 'ClickHouse rows collapse to one per log id');
    assert.equal(chUnique, sent.logs - droppedLogs, `every log record stored (${droppedLogs} shed by the SDK)`);
    assert.ok(reconsumed > 0, `audit messages consumed more than once (consumed ${consumedAudit}, distinct ${stored.size})`);
    assert.ok(skipped > 0, 'the Postgres sink skipped already-stored events after a kill');
    assert.equal(spansStored, sent.spans - droppedSpans, `every span stored (${droppedSpans} shed by the SDK)`);
    assert.equal(spansCounted, spansStored, 'the rollup counts each span once');
    assert.ok(skippedSpans > 0, 'the ClickHouse sink skipped already-stored spans after a kill');
  } finally {
    await kafkaControl('clear_errors OffsetCommit').catch(() => undefined);
    await stream.stop();
    await stream.hs.shutdown();
    if (collector) await collector.kill9();
    if (process.env['HINDSIGHT_FAULTS_KEEP'] !== '1') {
      await ch.drop().catch(() => undefined);
      await pg.drop().catch(() => undefined);
    } else {
      // Kept for inspection; only the clients are closed, so the process can exit.
      await pg.admin.end().catch(() => undefined);
      await ch.client.close().catch(() => undefined);
    }
  }
});
