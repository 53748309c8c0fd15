/**
 * Collector → ClickHouse: OTLP spans from Kafka through the collector's ClickHouse sink, against raw
 * `@clickhouse/client` JSONEachRow inserts of the identical rows (decoded and mapped by the same code,
 * batches of the same size) into an identical `spans` table, in the same run. Target ≥ 0.8×. The raw
 * side's table is made by the same migrations in a second database, so it has the same rollup
 * materialized view: every insert into `spans` also aggregates into `span_rollup_1m`, on both sides.
 */
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeSpans } from '@hindsight/collector';
import { sinkFactory as clickhouseSinkFactory } from '../collector/src/sinks/clickhouse';
import { spanToRow } from '../collector/src/sinks/clickhouse/row-mapping';
import { bindQuery } from '../collector/src/sinks/clickhouse/bound-query';
import { createTestDatabase, type TestDatabase } from '../collector/src/sinks/clickhouse/test-database';
import { runCollector, runCollectorAgainstRaw } from './lib/collector-run';
import { ResultBuilder, parseBenchArgs } from './lib/result';
import { fill, freshTopic, kafkaClient } from './lib/stack';

const BATCH = 1000;
/** Spans per Kafka message, about what one SDK export of a busy service carries. */
const PER_MESSAGE = 50;

/**
 * Waits until ClickHouse runs no merge in either benchmark database. Each insert makes a part (and one
 * in the rollup view's table), and the server merges them in the background for a while after: without
 * this wait, each half could share this two-core machine with the merges of the ~50 parts the half before
 * it made (the raw half with the previous run's collector half, the collector half with the raw half).
 */
async function mergesSettled(db: TestDatabase, databases: string[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  const merging = bindQuery('SELECT count() AS merges FROM system.merges WHERE has({databases:Array(String)}, database)', { databases }, db.caps);
  for (;;) {
    const result = await db.client.query({ ...merging, format: 'JSONEachRow' });
    const [{ merges }] = (await result.json()) as [{ merges: string | number }];
    if (Number(merges) === 0) return;
    if (Date.now() > deadline) throw new Error(`ClickHouse still merging in ${databases.join(', ')} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** OTLP messages of `n` real spans (SDK-made, with attributes), PER_MESSAGE spans each. */
function spanMessages(n: number): Buffer[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench');
  const messages: Buffer[] = [];
  for (let i = 0; i < n; i += PER_MESSAGE) {
    exporter.reset();
    for (let j = 0; j < PER_MESSAGE; j++) {
      tracer.startSpan('GET /orders/:id', { attributes: { 'http.method': 'GET', 'http.status_code': 200, 'hindsight.correlation_id': `c-${i + j}`, 'hindsight.tenant': 'acme' } }).end();
    }
    messages.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!));
  }
  return messages;
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const out = new ResultBuilder('clickhouse', 'Collector → ClickHouse vs raw @clickhouse/client inserts', args);
  const n = args.events ?? (args.quick ? 2_000 : 50_000);
  const db = await createTestDatabase('bench');
  const rawDb = await createTestDatabase('bench_raw');
  const producer = kafkaClient('bench-fill').producer();
  await producer.connect();
  try {
    // The sink creates its tables at start; a first quick collector pass also warms its code paths.
    const warm = await freshTopic('bench-ch');
    await fill(producer, warm, spanMessages(PER_MESSAGE));
    await runCollector({ factory: clickhouseSinkFactory, sinkOptions: { url: db.url, database: db.name, minInsertIntervalMs: 0 }, topic: warm, kind: 'span', expected: PER_MESSAGE, maxRecords: BATCH, timeoutMs: 60_000 });
    // The raw side's tables come from the same migrations (a pass of the sink over the same warm topic):
    // `CREATE TABLE ... AS spans` would copy the table but not the rollup view its inserts feed.
    await runCollector({ factory: clickhouseSinkFactory, sinkOptions: { url: rawDb.url, database: rawDb.name, minInsertIntervalMs: 0 }, topic: warm, kind: 'span', expected: PER_MESSAGE, maxRecords: BATCH, timeoutMs: 60_000 });
    for (let run = 1; run <= args.runs; run++) {
      const messages = spanMessages(n);
      const topic = await freshTopic('bench-ch');
      await fill(producer, topic, messages);
      const rows = messages.flatMap((m) => decodeSpans(m)).map(spanToRow);

      await mergesSettled(db, [db.name, rawDb.name]);
      const rawStart = performance.now();
      for (let i = 0; i < rows.length; i += BATCH) {
        await rawDb.client.insert({ table: 'spans', values: rows.slice(i, i + BATCH), format: 'JSONEachRow' });
      }
      const rawRate = rows.length / ((performance.now() - rawStart) / 1000);
      await mergesSettled(db, [db.name, rawDb.name]);

      await runCollectorAgainstRaw(
        out,
        { factory: clickhouseSinkFactory, sinkOptions: { url: db.url, database: db.name, minInsertIntervalMs: 0 }, topic, kind: 'span', expected: rows.length, maxRecords: BATCH, timeoutMs: 180_000 },
        { run, runs: args.runs, collectorMetric: 'collector → spans', rawMetric: 'raw client insert → identical table', rawRate, rawName: 'raw', ratio: 'clickhouse', compares: 'collector rows/s / raw @clickhouse/client JSONEachRow rows/s' },
      );
    }
    out.note(`${n} spans per run in OTLP messages of ${PER_MESSAGE}; batches of ${BATCH} rows on both sides; minInsertIntervalMs 0 so the sink does not wait between inserts; both \`spans\` tables are made by the sink's migrations, so both feed the rollup materialized view; each half starts when ClickHouse runs no merge in either database.`);
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
