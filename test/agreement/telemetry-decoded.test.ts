/**
 * What the SDK encodes, the collector decodes and maps to ClickHouse rows, whatever the app logged or
 * put on a span. One message the collector cannot decode sends a whole batch to the dead-letter topic
 * (a trace id a redaction pattern rewrote once did), so every message must decode, every record must
 * arrive with its ids, and every row must encode. Generators and the SDK's path: sdk-telemetry.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { RowBinaryWriter } from '../../collector/src/sinks/clickhouse/row-binary';
import { logToRowBinary, spanToRowBinary } from '../../collector/src/sinks/clickhouse/row-mapping';
import { captureLines, endSpans, lineInput, resource, sdkLogsDecoded, sdkSpansDecoded, spanInput } from './sdk-telemetry';

test('every log line the SDK encodes decodes in the collector with its id and trace, and maps to a ClickHouse row', () => {
  fc.assert(
    fc.property(fc.array(lineInput, { minLength: 1, maxLength: 8 }), (inputs) => {
      const lines = captureLines(inputs);
      const rows = sdkLogsDecoded(lines);
      for (const row of rows) logToRowBinary(row, new RowBinaryWriter());
      const traceOf = new Map(rows.map((r) => [r.logId, r.traceId]));
      assert.deepEqual([...traceOf.keys()].sort(), lines.map((l) => l.logId).sort());
      for (const [i, line] of lines.entries()) assert.equal(traceOf.get(line.logId), inputs[i]!.traceId ?? '', 'the line keeps its trace');
    }),
    { numRuns: 300 },
  );
});

test('every span the SDK encodes decodes in the collector with its ids and name, and maps to a ClickHouse row', () => {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('property');
  fc.assert(
    fc.property(fc.array(spanInput, { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 8 }), (inputs, partitions) => {
      const spans = endSpans(tracer, exporter, inputs);
      const rows = sdkSpansDecoded(spans, partitions);
      for (const row of rows) spanToRowBinary(row, new RowBinaryWriter());
      const byId = new Map(rows.map((r) => [`${r.traceId}/${r.spanId}`, r]));
      assert.equal(byId.size, spans.length);
      for (const span of spans) {
        const got = byId.get(`${span.spanContext().traceId}/${span.spanContext().spanId}`);
        assert.ok(got, 'every span arrives under its own ids');
        // Protobuf carries UTF-8: an unpaired surrogate arrives as U+FFFD, everything else as it was.
        assert.equal(got.name, span.name.toWellFormed());
        assert.equal(got.parentSpanId, span.parentSpanContext?.spanId ?? '');
      }
    }),
    { numRuns: 300 },
  );
});
