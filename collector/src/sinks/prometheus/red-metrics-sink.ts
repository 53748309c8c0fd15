import { Counter, Histogram, type Registry } from 'prom-client';
import { ConfigError, PermanentError } from '../../errors/hindsight-error';
import type { SpanRow, SinkRecord } from '../records';
import type { Sink, SinkHealth, WriteResult } from '../sink';
import type { RedMetricsSinkConfig } from './config';
import { LabelBounder, statusLabel } from './label-bounds';

const SPAN_KIND_SERVER = 2;
const SPAN_KIND_CONSUMER = 5;

/**
 * Whether a span is a request in the RED sense: work a service was asked to do from outside. SERVER
 * and CONSUMER spans are; so is a root span of any kind (a job or script started in-process). CLIENT,
 * PRODUCER and INTERNAL children are parts of a request, and counting them would count it many times.
 */
export function isRequestSpan(span: Pick<SpanRow, 'kind' | 'parentSpanId'>): boolean {
  return span.kind === SPAN_KIND_SERVER || span.kind === SPAN_KIND_CONSUMER || span.parentSpanId === '';
}

/**
 * Derives rate, errors and duration from spans into prom-client metrics of the collector's registry
 * (served on /metrics with the pipeline metrics). Counting is not idempotent: spans redelivered after
 * a crash are counted again (see docs/clickhouse.md, "RED metrics").
 */
export class RedMetricsSink implements Sink {
  readonly name: string;
  readonly accepts = ['span'] as const;
  private readonly requests: Counter<'service' | 'operation' | 'status_code'>;
  private readonly errors: Counter<'service' | 'operation'>;
  private readonly duration: Histogram<'service' | 'operation' | 'status_code'>;
  private readonly bounds: LabelBounder;
  private closed = false;

  /** @throws ConfigError when the registry already has these metrics (one RED sink per registry). */
  constructor(config: Readonly<RedMetricsSinkConfig>, registry: Registry, name = 'prometheus') {
    this.name = name;
    if (registry.getSingleMetric('hindsight_span_requests_total')) {
      throw new ConfigError(`sink ${name}: the metrics registry already has RED metrics; configure one prometheus sink`);
    }
    this.bounds = new LabelBounder(config);
    this.requests = new Counter({
      name: 'hindsight_span_requests_total',
      help: 'Requests seen in spans (SERVER, CONSUMER and root spans), by service, operation and OTLP status.',
      labelNames: ['service', 'operation', 'status_code'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'hindsight_span_errors_total',
      help: 'Requests seen in spans whose OTLP status is ERROR.',
      labelNames: ['service', 'operation'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'hindsight_span_duration_seconds',
      help: 'Duration of requests seen in spans.',
      labelNames: ['service', 'operation', 'status_code'],
      buckets: [...config.durationBuckets],
      registers: [registry],
    });
  }

  async start(): Promise<void> {}

  async write(batch: readonly SinkRecord[]): Promise<WriteResult> {
    const rejected: Array<{ record: SinkRecord; error: PermanentError }> = [];
    for (const record of batch) {
      if (record.kind !== 'span') {
        rejected.push({ record, error: new PermanentError('SINK_KIND_UNSUPPORTED', `prometheus sink does not take ${record.kind} records`) });
        continue;
      }
      const span = record.span;
      if (!isRequestSpan(span)) continue;
      const { service, operation } = this.bounds.bound(span.serviceName, span.name);
      const status_code = statusLabel(span.statusCode);
      this.requests.inc({ service, operation, status_code });
      if (status_code === 'ERROR') this.errors.inc({ service, operation });
      const seconds = durationSeconds(span);
      if (seconds !== undefined) this.duration.observe({ service, operation, status_code }, seconds);
    }
    return rejected.length === 0 ? { status: 'written' } : { status: 'partial', rejected };
  }

  health(): SinkHealth {
    return this.closed ? { ready: false, detail: 'shut down' } : { ready: true, detail: 'counting spans' };
  }

  async shutdown(): Promise<void> {
    this.closed = true;
  }
}

/** Span duration in seconds, or undefined when the timestamps are unusable. */
function durationSeconds(span: Pick<SpanRow, 'startTimeUnixNano' | 'endTimeUnixNano'>): number | undefined {
  if (!/^\d{1,20}$/.test(span.startTimeUnixNano) || !/^\d{1,20}$/.test(span.endTimeUnixNano)) return undefined;
  const ns = BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano);
  return ns < 0n ? 0 : Number(ns) / 1e9;
}
