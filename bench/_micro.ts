import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeSpans } from '../collector/src/decoding/otlp-flatten';
import { spanToRowBinary } from '../collector/src/sinks/clickhouse/row-mapping';
import { RowBinaryWriter } from '../collector/src/sinks/clickhouse/row-binary';
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('bench');
const messages: Buffer[] = [];
for (let i = 0; i < 50000; i += 50) {
  exporter.reset();
  for (let j = 0; j < 50; j++) tracer.startSpan('GET /orders/:id', { attributes: { 'http.method': 'GET', 'http.status_code': 200, 'hindsight.correlation_id': `c-${i + j}`, 'hindsight.tenant': 'acme' } }).end();
  messages.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!));
}
console.log('bytes/msg', messages[0].length);
for (let round = 0; round < 6; round++) {
  const t0 = performance.now();
  const all = [];
  for (const m of messages) all.push(...decodeSpans(m));
  const t1 = performance.now();
  let bytes = 0;
  for (let b = 0; b < all.length; b += 1000) {
    const w = new RowBinaryWriter();
    for (let k = b; k < b + 1000; k++) spanToRowBinary(all[k], w);
    bytes += w.length;
  }
  const t2 = performance.now();
  console.log(`decode ${((t1 - t0) * 1000 / 50000).toFixed(2)} µs/span, row ${((t2 - t1) * 1000 / 50000).toFixed(2)} µs/span, body ${bytes}`);
}
