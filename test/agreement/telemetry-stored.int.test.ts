/**
 * What the SDK encodes, the ClickHouse sink stores as the row mapping says, on the stack's ClickHouse.
 * Generated spans and log lines go through the SDK's encoders and the collector's decoder, are written
 * by the sink (RowBinary, its hand-written string and number encoding) and read back: every column must
 * equal what `spanToRow` / `logToRow` give for the decoded record (the JSON form of the same mapping).
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { bindQuery } from '../../collector/src/sinks/clickhouse/bound-query';
import { ClickHouseSink } from '../../collector/src/sinks/clickhouse/clickhouse-sink';
import { parseClickHouseSinkConfig } from '../../collector/src/sinks/clickhouse/config';
import { LOGS_COLUMNS, logToRow, SPANS_COLUMNS, spanToRow } from '../../collector/src/sinks/clickhouse/row-mapping';
import { createTestDatabase, type TestDatabase } from '../../collector/src/sinks/clickhouse/test-database';
import type { SinkRecord } from '../../collector/src/sinks/records';
import { captureLines, endSpans, lineInput, resource, sdkLogsDecoded, sdkSpansDecoded, spanInput } from './sdk-telemetry';

const CORRELATION = 'hindsight.correlation_id';

describe('telemetry the SDK sends is stored by the ClickHouse sink as the row mapping says', () => {
  let db: TestDatabase;
  let sink: ClickHouseSink;
  let offset = 0;
  const origin = (topic: string) => ({ topic, partition: 0, offset: String(offset++) });
  // DateTime columns come back as text in JSON: read as their UInt32 of seconds instead.
  const select = (columns: readonly string[], time: string) => columns.map((c) => (c === time ? `toUInt32(${c}) AS ${c}` : c)).join(', ');
  const read = async (query: string, cid: string) => (await db.client.query({ ...bindQuery(query, { cid }, db.caps), format: 'JSONEachRow' })).json<Record<string, unknown>>();
  const bySpan = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a['span_id']).localeCompare(String(b['span_id']));
  const byLog = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a['log_id']).localeCompare(String(b['log_id']));

  before(async () => {
    db = await createTestDatabase('agreement');
    sink = new ClickHouseSink(parseClickHouseSinkConfig({ url: db.url, database: db.name, minInsertIntervalMs: 0 }));
    await sink.start();
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  it('spans: every column reads back as spanToRow gives it', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('property');
    await fc.assert(
      fc.asyncProperty(fc.array(spanInput, { minLength: 1, maxLength: 8 }), async (inputs) => {
        const cid = `prop-${randomBytes(6).toString('hex')}`;
        const rows = sdkSpansDecoded(endSpans(tracer, exporter, inputs, { [CORRELATION]: cid }), 4);
        const records: SinkRecord[] = rows.map((span) => ({ kind: 'span', span, origin: origin('otlp_spans') }));
        assert.deepEqual(await sink.write(records), { status: 'written' });
        const stored = await read(`SELECT ${select(SPANS_COLUMNS, 'start_time')} FROM spans FINAL WHERE correlation_id = {cid:String}`, cid);
        assert.deepEqual(stored.sort(bySpan), rows.map((r) => ({ ...spanToRow(r) })).sort(bySpan));
      }),
      { numRuns: 40 },
    );
  });

  it('logs: every column reads back as logToRow gives it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lineInput, { minLength: 1, maxLength: 8 }), async (inputs) => {
        const cid = `prop-${randomBytes(6).toString('hex')}`;
        // A field named like the context's own key: the line's correlation id is the record's.
        const rows = sdkLogsDecoded(captureLines(inputs, { correlation_id: cid }));
        const records: SinkRecord[] = rows.map((log) => ({ kind: 'log', log, origin: origin('otlp_logs') }));
        assert.deepEqual(await sink.write(records), { status: 'written' });
        const stored = await read(`SELECT ${select(LOGS_COLUMNS, 'time')} FROM logs FINAL WHERE correlation_id = {cid:String}`, cid);
        assert.deepEqual(stored.sort(byLog), rows.map((r) => ({ ...logToRow(r) })).sort(byLog));
      }),
      { numRuns: 40 },
    );
  });
});
