/**
 * Realistic traffic for the dashboards' queries, through the real write paths: a collector
 * (CollectorService, what `hindsight-collector run` starts) with the Postgres, ClickHouse and RED
 * metrics sinks consumes audit, journal, OTLP span and OTLP log messages from the stack's Kafka, plus
 * poison messages (dead-lettered) and a sink that fails for a while (retries, circuit breaker).
 * Its /metrics is registered as a Prometheus scrape target. An app instrumented with the SDK, with tiny
 * queues and its metrics endpoint on, logs bursts that overflow its queues, so the SDK really sheds.
 */
import type { Producer } from 'kafkajs';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { init, type Hindsight } from '@hindsight/sdk';
import { ATTR, exampleAuditEvent, exampleJournalEvent, newEventId, nowTimestamp, type JournalEvent } from '@hindsight/sdk/contract';
import type { CollectorService } from '../../collector/src/service/collector-service';
import { defaultSinkRegistry } from '../../collector/src/sinks/sink-registry';
import { collectorFactory, connectProducer } from '../../collector/src/testing/collector-fixture';
import { MemorySink, memorySinkFactory } from '../../collector/src/testing/memory-sink';
import { kafkaControl } from '../stack/kafka-control';
import type { StackEndpoints } from '../stack/endpoints';

export interface Traffic {
  tenant: string;
  correlationId: string;
  runId: string;
  traceId: string;
  services: string[];
}

export interface DemoCollector {
  service: CollectorService;
  flaky: MemorySink;
  producer: Producer;
  topics: { audit: string; journal: string; spans: string; logs: string; dlq: string };
  stop(): Promise<void>;
}

/** Starts a collector writing to the given databases, on topics of its own. */
export async function startDemoCollector(stack: StackEndpoints, suffix: string, pgWriterUrl: string, chDatabase: string): Promise<DemoCollector> {
  const topics = { audit: `dash-audit-${suffix}`, journal: `dash-journal-${suffix}`, spans: `dash-spans-${suffix}`, logs: `dash-logs-${suffix}`, dlq: `dash-dlq-${suffix}` };
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 2`);
  let flaky: MemorySink | undefined;
  const registry = defaultSinkRegistry().register(memorySinkFactory((s) => (flaky = s)));
  const text = `
service: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000 }
kafka: { brokers: ${JSON.stringify(stack.kafka.brokers)}, groupPrefix: dash-${suffix}, dlqTopic: ${topics.dlq}, createTopics: false, sessionTimeoutMs: 10000, heartbeatIntervalMs: 500 }
sources:
  audit: { topic: ${topics.audit}, kind: audit }
  journal: { topic: ${topics.journal}, kind: journal }
  spans: { topic: ${topics.spans}, kind: span }
  logs: { topic: ${topics.logs}, kind: log }
sinks:
  postgres: { type: postgres, options: { url: ${JSON.stringify(pgWriterUrl)} }, batch: { maxRecords: 100, maxWaitMs: 100 } }
  clickhouse:
    type: clickhouse
    options: { url: ${JSON.stringify(stack.clickhouse.url)}, database: ${chDatabase}, username: ${stack.clickhouse.user}, minInsertIntervalMs: 100 }
    batch: { maxRecords: 100, maxWaitMs: 100 }
  red: { type: prometheus, batch: { maxRecords: 100, maxWaitMs: 100 } }
  flaky:
    type: memory
    batch: { maxRecords: 100, maxWaitMs: 100 }
    retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 200 }
    circuitBreaker: { failureThreshold: 2, halfOpenAfterMs: 300 }
pipelines:
  postgres: { sources: [audit, journal], sink: postgres }
  clickhouse: { sources: [spans, logs], sink: clickhouse }
  red: { sources: [spans], sink: red }
  flaky: { sources: [audit], sink: flaky }
`;
  const service = collectorFactory(text, registry)();
  await service.start();
  const producer = await connectProducer(`dash-${suffix}`, stack.kafka.brokers);
  if (flaky === undefined) throw new Error('the memory sink was not created');
  return {
    service,
    flaky,
    producer,
    topics,
    async stop() {
      await producer.disconnect();
      await service.stop();
    },
  };
}

const journal = (t: Traffic, service: string, over: Partial<JournalEvent>): { key: string; value: string } => ({
  key: t.runId,
  value: JSON.stringify({
    ...exampleJournalEvent(), event_id: newEventId(), ts: nowTimestamp(), tenant: t.tenant, service,
    correlation_id: t.correlationId, causation_id: null, run_id: t.runId, trace_id: t.traceId, span_id: null, ...over,
  }),
});

function encodeSpans(t: Traffic, service: string): { bytes: Buffer; traceId: string } {
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({ 'service.name': service, [ATTR.tenant]: t.tenant });
  const tracer = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('dashboards-test');
  const attrs = { [ATTR.correlationId]: t.correlationId, [ATTR.runId]: t.runId };
  const root = tracer.startSpan('POST /invoices/approve', { kind: SpanKind.SERVER, attributes: attrs });
  const ctx = trace.setSpan(context.active(), root);
  for (let i = 0; i < 3; i++) tracer.startSpan('SELECT invoice', { kind: SpanKind.CLIENT, attributes: attrs }, ctx).end();
  const failed = tracer.startSpan('GET /invoices/:id', { kind: SpanKind.SERVER, attributes: attrs });
  failed.setStatus({ code: SpanStatusCode.ERROR, message: 'invoice locked' });
  failed.end();
  root.end();
  return { bytes: Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!), traceId: root.spanContext().traceId };
}

async function encodeLogs(t: Traffic, service: string): Promise<Buffer> {
  const exporter = new InMemoryLogRecordExporter();
  const resource = resourceFromAttributes({ 'service.name': service, [ATTR.tenant]: t.tenant });
  const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
  const logger = provider.getLogger('dashboards-test');
  const attributes = { [ATTR.correlationId]: t.correlationId };
  logger.emit({ body: 'approving invoice', severityNumber: SeverityNumber.INFO, severityText: 'INFO', attributes });
  logger.emit({ body: 'invoice locked by another approver', severityNumber: SeverityNumber.ERROR, severityText: 'ERROR', attributes });
  await provider.forceFlush();
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(exporter.getFinishedLogRecords())!);
}

/** One request's worth of everything, per service, plus a run with a start, problems and an end. */
export async function sendTraffic(c: DemoCollector, t: Traffic): Promise<void> {
  const spanMessages = t.services.map((s) => encodeSpans(t, s));
  t.traceId = spanMessages[0]!.traceId;
  await c.producer.send({ topic: c.topics.spans, messages: spanMessages.map((m) => ({ key: m.traceId, value: m.bytes })) });
  await c.producer.send({ topic: c.topics.logs, messages: await Promise.all(t.services.map(async (s) => ({ key: t.correlationId, value: await encodeLogs(t, s) }))) });
  const audit = (action: string, outcome: 'success' | 'denied') => ({
    key: t.tenant,
    value: JSON.stringify({ ...exampleAuditEvent(), event_id: newEventId(), ts: nowTimestamp(), tenant: t.tenant, correlation_id: t.correlationId, trace_id: t.traceId, action, outcome }),
  });
  await c.producer.send({ topic: c.topics.audit, messages: [audit('invoice.approve', 'success'), audit('invoice.delete', 'denied')] });
  const svc = t.services[0]!;
  const details = { scenario: 'invoice-approval', test_plan: 'demo', tags: ['demo', 'dashboards'] };
  await c.producer.send({
    topic: c.topics.journal,
    messages: [
      journal(t, svc, { kind: 'run.started', severity: 'INFO', summary: 'approval run started', details }),
      journal(t, svc, { kind: 'invoice.retry', severity: 'WARN', summary: 'retrying a locked invoice' }),
      journal(t, svc, { kind: 'invoice.failed', severity: 'ERROR', summary: 'invoice stayed locked' }),
      journal(t, t.services[1] ?? svc, { kind: 'ledger.posted', severity: 'INFO', summary: 'invoice posted to the ledger' }),
      journal(t, svc, { kind: 'run.finished', severity: 'INFO', summary: 'approval run finished', details }),
    ],
  });
}

/** Bytes no decoder accepts: dead-lettered with JSON_INVALID. */
export async function sendPoison(c: DemoCollector): Promise<void> {
  await c.producer.send({ topic: c.topics.audit, messages: [{ key: 'poison', value: '{"event_id": ' }] });
}

export interface DemoApp {
  hs: Hindsight;
  serviceName: string;
  /** Port of the SDK's Prometheus endpoint (127.0.0.1). */
  metricsPort: number;
  topics: { spans: string; logs: string; audit: string; journal: string };
  /**
   * Logs `count` DEBUG then `count` INFO lines in one synchronous burst. The log queue holds 16, so all
   * but the first few are shed; returns the SDK's total of dropped log records afterwards.
   */
  burst(count: number): number;
  stop(): Promise<void>;
}

/** Sum of the SDK's drop counts for one kind (keys are `kind/level/reason`). */
export function droppedOf(hs: Hindsight, kind: string): number {
  return Object.entries(hs.stats().dropped)
    .filter(([key]) => key.startsWith(`${kind}/`))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * Starts the SDK in this process (only one may run at a time) as an app of its own, sending to topics
 * of its own on the stack's Kafka, with 16-entry log and span queues and the metrics endpoint on an
 * ephemeral port.
 */
export async function startDemoApp(stack: StackEndpoints, suffix: string): Promise<DemoApp> {
  const topics = { spans: `dash-app-spans-${suffix}`, logs: `dash-app-logs-${suffix}`, audit: `dash-app-audit-${suffix}`, journal: `dash-app-journal-${suffix}` };
  for (const t of Object.values(topics)) await kafkaControl(`create_topic ${t} 1`);
  const serviceName = `dash-app-${suffix}`;
  const hs = init({
    serviceName,
    env: {},
    kafka: { brokers: stack.kafka.brokers, topics },
    logLevel: 'debug',
    queues: { spans: 16, logs: 16 },
    prometheus: { port: 0, host: '127.0.0.1' },
    runtimeMetrics: false,
  });
  const metricsPort = await hs.metricsPort;
  if (metricsPort === undefined || metricsPort <= 0) {
    await hs.shutdown();
    throw new Error(`the SDK's metrics endpoint did not start (port ${String(metricsPort)})`);
  }
  return {
    hs,
    serviceName,
    metricsPort,
    topics,
    burst(count) {
      for (let i = 0; i < count; i++) hs.logger.debug({ i }, 'cache probe');
      for (let i = 0; i < count; i++) hs.logger.info({ i }, 'invoice listed');
      return droppedOf(hs, 'logs');
    },
    async stop() {
      await hs.shutdown();
    },
  };
}
