/**
 * Collector → Postgres: journal events from Kafka through the collector's Postgres sink, against a raw
 * `COPY ... FROM STDIN` of the identical rows (same mapping, same batch size) into an identical table
 * in the same run. Target ≥ 0.8×. The raw side's table is `hindsight.journal_event` of a second database
 * made by the same migrations: range-partitioned by day with the same indexes, as the sink's is
 * (`LIKE ... INCLUDING ALL` would make an unpartitioned copy).
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { exampleJournalEvent, newEventId, nowTimestamp, type JournalEvent } from '@hindsight/sdk/contract';
import { sinkFactory as postgresSinkFactory } from '../collector/src/sinks/postgres';
import { JOURNAL_INSERT_COLUMNS, journalRow } from '../collector/src/sinks/postgres/rows';
import { createTestDatabase } from '../collector/src/sinks/postgres/test-database';
import { runCollectorAgainstRaw } from './lib/collector-run';
import { ResultBuilder, parseBenchArgs } from './lib/result';
import { fill, freshTopic, kafkaClient } from './lib/stack';

const BATCH = 1000;

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `"${s.replace(/"/g, '""')}"`;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const out = new ResultBuilder('postgres', 'Collector → Postgres vs raw COPY', args);
  const n = args.events ?? (args.quick ? 3_000 : 50_000);
  const db = await createTestDatabase('bench');
  const rawDb = await createTestDatabase('bench_raw');
  const producer = kafkaClient('bench-fill').producer();
  await producer.connect();
  try {
    for (let run = 1; run <= args.runs; run++) {
      // Fresh ids per run: the sink skips ids it already has, which would make later runs cheaper.
      const events: JournalEvent[] = Array.from({ length: n }, (_, i) => ({ ...exampleJournalEvent(), event_id: newEventId(), ts: nowTimestamp(), run_id: `run-${run}-${i % 10}` }));
      const topic = await freshTopic('bench-pg');
      await fill(producer, topic, events.map((e) => Buffer.from(JSON.stringify(e))));
      await rawDb.admin.query('TRUNCATE hindsight.journal_event');

      // Both sides start from decoded events: mapping them to rows is timed here as the sink's is.
      const copyStart = performance.now();
      for (let i = 0; i < events.length; i += BATCH) {
        const rows = events.slice(i, i + BATCH).map(journalRow);
        const csv = rows.map((r) => JOURNAL_INSERT_COLUMNS.map((c) => csvField(r[c])).join(',')).join('\n') + '\n';
        const stream = rawDb.admin.query(copyFrom(`COPY hindsight.journal_event (${JOURNAL_INSERT_COLUMNS.join(',')}) FROM STDIN WITH (FORMAT csv)`));
        await pipeline(Readable.from([csv]), stream);
      }
      const copyRate = n / ((performance.now() - copyStart) / 1000);

      await runCollectorAgainstRaw(
        out,
        { factory: postgresSinkFactory, sinkOptions: { url: db.adminUrl }, topic, kind: 'journal', expected: n, maxRecords: BATCH, timeoutMs: 180_000 },
        { run, runs: args.runs, collectorMetric: 'collector → journal_event', rawMetric: 'raw COPY → identical table', rawRate: copyRate, rawName: 'COPY', ratio: 'postgres', compares: 'collector rows/s / raw COPY rows/s' },
      );
    }
    out.note(`${n} journal events per run; raw COPY in batches of ${BATCH}, the sink with \`maxRecords\` ${BATCH} and the collector's default batch timing (a batch goes when full, after \`maxWaitMs\`, or at once when the consumer has read every partition to its end and no write runs); both sides map decoded events to rows inside the timed part; the sink also drops repeats within a batch and upserts journal_run, and after a unique violation (a redelivery) reruns the batch with a primary-key probe for stored events, which COPY does not; both tables are the migrated, day-partitioned \`hindsight.journal_event\`.`);
  } finally {
    await producer.disconnect();
    await db.drop();
    await rawDb.drop();
  }
  out.emit();
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error);
  process.exit(1);
});
