/**
 * Test support (not exported by the package): ended spans as a span processor receives them, made by
 * a real tracer provider.
 */
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** `traces` traces of `perTrace` spans each (a root and its children, each child with a `big` attribute of `attributeBytes`). */
export function endedSpans(traces: number, perTrace = 2, attributeBytes = 0): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('span-fixtures');
  const big = 'x'.repeat(attributeBytes);
  for (let t = 0; t < traces; t++) {
    const root = tracer.startSpan(`root ${t}`);
    const parent = trace.setSpan(context.active(), root);
    for (let c = 1; c < perTrace; c++) tracer.startSpan(`child ${t}.${c}`, { attributes: { big } }, parent).end();
    root.end();
  }
  return exporter.getFinishedSpans();
}
