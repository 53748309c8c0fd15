/**
 * SDK hot path: ns per `logger.info`, `audit.record` (until queued) and span start+end, against a bare
 * pino logger writing to a no-op destination and a bare OTel tracer with a BatchSpanProcessor and a
 * no-op exporter. The SDK is its compiled dist, as apps run it (./lib/sdk-dist). Every run benchmarks all five tasks in one tinybench pass, so each ratio compares
 * figures measured side by side under the same machine load.
 */
import { Bench } from 'tinybench';
import pino from 'pino';
import { BasicTracerProvider, BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import { sdkDist } from './lib/sdk-dist';
import { NoopExporter } from './lib/noop-exporter';
import { ResultBuilder, parseBenchArgs, progress } from './lib/result';

/** Calls per benchmark iteration: a batch amortizes the timer's own cost over many calls. */
const CALLS = 100;

const noopSpanExporter: SpanExporter = {
  export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};

/** Lets queued background work (the SDK's flush, the batch processor) run between iterations, outside the timed part. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Collects the heap before each task's timed part (the runner starts benchmarks with --expose-gc), so
 * no task pays for the garbage the previous task or the warm-up left behind: without it the task
 * timed first after the warm-up ran up to 1.5× slower, whichever it was.
 */
const collectGarbage = (): void => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
};

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const out = new ResultBuilder('sdk', 'SDK hot path', args);
  const exporter = new NoopExporter();
  const hs = sdkDist().init({ serviceName: 'bench-sdk', tenant: 'bench', exporter, runtimeMetrics: false });
  const barePino = pino({ level: 'info' }, { write: () => {} });
  const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(noopSpanExporter)] });
  const bareTracer = provider.getTracer('bench-bare');
  const fields = { invoice: 'inv-1', amount: 12 };
  const auditInput = { action: 'invoice.approve', actor: { id: 'u-7', type: 'user' as const }, resource: { type: 'invoice', id: 'inv-1' }, outcome: 'success' as const };

  const tasks: Record<string, () => void> = {
    'bare pino info': () => {
      for (let i = 0; i < CALLS; i++) barePino.info(fields, 'invoice approved');
    },
    'sdk logger.info': () => {
      for (let i = 0; i < CALLS; i++) hs.logger.info(fields, 'invoice approved');
    },
    'sdk audit.record': () => {
      for (let i = 0; i < CALLS; i++) void hs.audit.record(auditInput);
    },
    'bare otel span': () => {
      for (let i = 0; i < CALLS; i++) bareTracer.startSpan('approve').end();
    },
    'sdk span': () => {
      for (let i = 0; i < CALLS; i++) hs.tracer.startSpan('approve').end();
    },
  };

  for (let run = 1; run <= args.runs; run++) {
    const bench = new Bench({ time: args.quick ? 100 : 1000, warmupTime: args.quick ? 20 : 200, teardown: () => undefined });
    // Task order rotates per run so neither side always runs first (JIT and GC state).
    const names = Object.keys(tasks);
    const order = names.slice(run % names.length).concat(names.slice(0, run % names.length));
    for (const name of order) bench.add(name, tasks[name]!, { beforeAll: collectGarbage, afterEach: yieldToLoop });
    await bench.warmup();
    await bench.run();
    const ns: Record<string, number> = {};
    for (const t of bench.tasks) {
      const mean = t.result?.mean;
      if (mean === undefined || t.result?.error) throw new Error(`task ${t.name} failed: ${String(t.result?.error)}`);
      ns[t.name] = (mean * 1e6) / CALLS; // tinybench reports ms per iteration
      out.metric(`${t.name} (ns/op)`, 'ns', ns[t.name]!);
    }
    out.ratio('log', 'SDK logger.info / bare pino info', ns['sdk logger.info']! / ns['bare pino info']!, { op: '<=', value: 1.5 });
    out.ratio('audit', 'SDK audit.record (until queued) / bare pino info', ns['sdk audit.record']! / ns['bare pino info']!, { op: '<=', value: 1.5 });
    out.ratio('span', 'SDK span start+end / bare OTel span (BatchSpanProcessor, no-op exporter)', ns['sdk span']! / ns['bare otel span']!, { op: '<=', value: 1.2 });
    progress(`run ${run}/${args.runs}: ${Object.entries(ns).map(([k, v]) => `${k} ${v.toFixed(0)} ns`).join(', ')}`);
  }
  const stats = hs.stats();
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
  out.note(`${CALLS} calls per timed iteration; background flushes run between iterations, outside the timed part. SDK exporter: a no-op; entries dropped by the SDK during the run: ${dropped}.`);
  await hs.shutdown();
  await provider.shutdown();
  out.emit();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
