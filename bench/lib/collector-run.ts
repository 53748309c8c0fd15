/**
 * Runs the real collector runtime (CollectorService: consumer group, decoding, watermark commits, sink
 * guard) over a pre-filled topic, and times it the way the bare baselines are timed: from the start of
 * the first sink write to the end of the write that completes the expected count. Group join happens
 * before the first write, so it is left out of both sides alike.
 */
import { CollectorMetrics, CollectorService, SinkRegistry, loadConfig, silentLogger, type Sink, type SinkFactory } from '@hindsight/collector';
import { progress, type ResultBuilder } from './result';
import { endpoints, uniqueName } from './stack';

export interface CollectorRunOptions {
  factory: SinkFactory;
  sinkOptions: Record<string, unknown>;
  topic: string;
  kind: 'audit' | 'journal' | 'span' | 'log';
  expected: number;
  maxRecords: number;
  timeoutMs: number;
}

export interface CollectorRunResult {
  records: number;
  seconds: number;
  perSecond: number;
}

/** Wraps a factory so every write of its sinks is timed and counted. */
function timed(factory: SinkFactory, onWrite: (start: number, end: number, records: number) => void): SinkFactory {
  return {
    ...factory,
    create: async (ctx) => {
      const sink: Sink = await factory.create(ctx);
      // Patched on the instance itself: the sink's own state (pools, clients) must stay on one object.
      const write = sink.write.bind(sink);
      sink.write = async (batch) => {
        const start = performance.now();
        const result = await write(batch);
        onWrite(start, performance.now(), result.status === 'written' ? batch.length : 0);
        return result;
      };
      return sink;
    },
  };
}

export async function runCollector(o: CollectorRunOptions): Promise<CollectorRunResult> {
  let first = 0;
  let last = 0;
  let written = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const registry = new SinkRegistry().register(
    timed(o.factory, (start, end, n) => {
      if (written === 0) first = start;
      written += n;
      last = end;
      if (written >= o.expected) done();
    }),
  );
  const config = loadConfig({
    text: JSON.stringify({
      service: { name: 'bench-collector', http: { host: '127.0.0.1', port: 0 }, shutdownTimeoutMs: 10_000, logLevel: 'error' },
      kafka: { brokers: endpoints().kafka.brokers, groupPrefix: uniqueName('bench'), dlqTopic: 'hindsight.dlq', createTopics: false, fromBeginning: true, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 },
      sources: { src: { topic: o.topic, kind: o.kind } },
      sinks: { out: { type: o.factory.type, batch: { maxRecords: o.maxRecords }, options: o.sinkOptions } },
      pipelines: { main: { sources: ['src'], sink: 'out' } },
    }),
    env: {},
    registry,
  });
  const service = new CollectorService(config, { registry, logger: silentLogger, metrics: new CollectorMetrics(undefined, { defaultMetrics: false }) });
  await service.start();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([finished, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`collector wrote ${written}/${o.expected} in ${o.timeoutMs} ms`)), o.timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    await service.stop();
  }
  const seconds = (last - first) / 1000;
  return { records: written, seconds, perSecond: written / seconds };
}

export interface RawComparison {
  /** Run number and count, for the progress line. */
  run: number;
  runs: number;
  /** Metric names of the two sides, e.g. `collector → spans` and `raw client insert → identical table`. */
  collectorMetric: string;
  rawMetric: string;
  /** Rows per second of the raw side, and its short name in the progress line (`raw`, `COPY`). */
  rawRate: number;
  rawName: string;
  /** The ratio's name and what it compares. */
  ratio: string;
  compares: string;
}

/** Runs the collector and records it against the raw side's rate: both metrics, the ≥ 0.8× ratio and a progress line. */
export async function runCollectorAgainstRaw(out: ResultBuilder, o: CollectorRunOptions, c: RawComparison): Promise<CollectorRunResult> {
  const collector = await runCollector(o);
  out.metric(c.collectorMetric, 'rows/s', collector.perSecond);
  out.metric(c.rawMetric, 'rows/s', c.rawRate);
  out.ratio(c.ratio, c.compares, collector.perSecond / c.rawRate, { op: '>=', value: 0.8 });
  progress(`run ${c.run}/${c.runs}: collector ${collector.perSecond.toFixed(0)} rows/s, ${c.rawName} ${c.rawRate.toFixed(0)} rows/s`);
  return collector;
}
