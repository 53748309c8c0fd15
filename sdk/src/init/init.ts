/**
 * `init()`: validates the options (the one place the SDK throws, with a {@link HindsightConfigError}
 * naming the option), builds the pipeline and starts `@opentelemetry/sdk-node` with the SDK's span
 * processor, the Prometheus metric reader and, when asked, http auto-instrumentation.
 */
import { ROOT_CONTEXT, context, metrics, propagation, trace } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { LevelWithSilent } from 'pino';
import { createAudit } from '../audit/audit-recorder';
import { runOutsideContext } from '../context/store';
import { Diagnostics } from '../diagnostics/diagnostics';
import { createJournal } from '../journal/journal';
import { createLogger } from '../logging/create-logger';
import { MetricsEndpoint } from '../metrics/metrics-endpoint';
import { createWorkSpan } from '../metrics/work-span';
import { HindsightConfigError } from '../options/config-error';
import { resolveOptions, type HindsightOptions } from '../options/resolve';
import { DropCounters } from '../pipeline/drop-counters';
import { OverloadMonitor } from '../pipeline/overload-monitor';
import { Pipeline } from '../pipeline/pipeline';
import { createRedactor, type Redactor } from '../redaction';
import { HindsightSpanProcessor, createSpanLane } from '../tracing/span-processor';
import { KafkaExporter } from '../transport/kafka-exporter';
import type { Hindsight } from './handle';

let active: Hindsight | undefined;

function buildRedactor(options: HindsightOptions['redaction']): Redactor {
  try {
    return createRedactor(options);
  } catch (error) {
    throw new HindsightConfigError('redaction', error instanceof Error ? error.message : String(error));
  }
}

/** Runs `fn` with no Hindsight context and the root OpenTelemetry context (no active span). */
function outsideAnyContext<T>(fn: () => T): T {
  return runOutsideContext(() => context.with(ROOT_CONTEXT, fn));
}

/**
 * Starts the SDK. Call once, before the app loads the modules it wants instrumented (http).
 * @throws {HindsightConfigError} when an option or HINDSIGHT_* variable is invalid, or the SDK is already running.
 */
export function init(options: HindsightOptions = {}): Hindsight {
  if (active !== undefined) throw new HindsightConfigError('init', 'the SDK is already running; call shutdown() first');
  const o = resolveOptions(options);
  const redactor = buildRedactor(o.redaction);
  const diagnostics = new Diagnostics(o.errorHandler, o.diagLevel);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: o.serviceName });
  const exporter = o.exporter ?? new KafkaExporter({ kafka: o.kafka as NonNullable<typeof o.kafka>, resource, diagnostics, redactor });

  let journalEmit: ((t: { state: 'started' | 'stopped'; shed: number }) => void) | undefined;
  const monitor = new OverloadMonitor((t) => journalEmit?.(t));
  const drops = new DropCounters(() => monitor.shed());
  const pipeline = new Pipeline(exporter, o.queues.flushIntervalMs, monitor, diagnostics);
  const onDrop = drops.record.bind(drops);
  const q = o.queues;

  const spanLane = pipeline.add(
    createSpanLane({ capacity: q.spans, maxBatchSize: q.maxBatchSize, redactor, onDrop, onFailure: (e) => diagnostics.report(e, 'export.spans') }, exporter),
  );
  const { logger, lane: logLane } = createLogger(
    { serviceName: o.serviceName, tenant: o.tenant, level: o.logLevel as LevelWithSilent, capacity: q.logs, maxBatchSize: q.maxBatchSize, redactor, onDrop, onFailure: (e) => diagnostics.report(e, 'export.logs') },
    exporter,
    pipeline,
  );
  pipeline.add(logLane);
  const { audit, lane: auditLane } = createAudit(
    { serviceName: o.serviceName, tenant: o.tenant, ackTimeoutMs: o.auditAckTimeoutMs, lingerMs: q.auditLingerMs, maxBatchSize: q.maxBatchSize, redactor, diagnostics },
    exporter,
    pipeline,
  );
  pipeline.add(auditLane);
  const { journal, lane: journalLane } = createJournal(
    { serviceName: o.serviceName, tenant: o.tenant, capacity: q.journal, maxBatchSize: q.maxBatchSize, redactor, diagnostics, onDrop },
    exporter,
    pipeline,
  );
  pipeline.add(journalLane);
  // A system event: emitted outside the request context (and the active span) of whatever call
  // tripped the transition (a queue offer in some request), so it carries the service's own tenant,
  // a correlation id of its own and the service itself as actor, not that request's.
  journalEmit = (t) => outsideAnyContext(() => {
    journal.emit({
      scope: 'system',
      kind: t.state === 'started' ? 'sdk.shedding.started' : 'sdk.shedding.stopped',
      severity: t.state === 'started' ? 'WARN' : 'INFO',
      summary: t.state === 'started' ? `${o.serviceName}: telemetry queues full, shedding DEBUG/INFO logs and spans` : `${o.serviceName}: shedding stopped after ${t.shed} entries were shed`,
      details: { service: o.serviceName, shed: t.shed, dropped: drops.snapshot() },
    });
  });

  const metricsEndpoint = new MetricsEndpoint(o.runtimeMetrics, diagnostics);
  const instrumentations: Instrumentation[] = [...o.instrumentations];
  if (o.instrumentHttp) instrumentations.push(new HttpInstrumentation());
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    spanProcessors: [new HindsightSpanProcessor(spanLane, pipeline, q.maxBatchSize)],
    metricReaders: [metricsEndpoint.reader],
    logRecordProcessors: [],
    instrumentations,
  });
  sdk.start();
  // The flush timer (and all the flushes, ticks and transitions it runs) must not inherit a context
  // init() may have been called in.
  outsideAnyContext(() => pipeline.start());

  const meter = metrics.getMeter(o.serviceName);
  drops.bind(meter.createCounter('hindsight.sdk.dropped', { description: 'Telemetry the SDK dropped, by kind, level and reason' }));
  const tracer = trace.getTracer(o.serviceName);
  let stopping: Promise<boolean> | undefined;

  const handle: Hindsight = {
    logger,
    tracer,
    meter,
    audit,
    journal,
    span: createWorkSpan(tracer, meter, redactor),
    metricsPort: o.prometheus === undefined ? Promise.resolve(undefined) : metricsEndpoint.listen(o.prometheus),
    metricsText: () => metricsEndpoint.text(),
    stats: () => ({
      queued: { spans: spanLane.pending, logs: logLane.pending, audit: auditLane.pending, journal: journalLane.pending },
      dropped: drops.snapshot(),
      shedding: monitor.isShedding,
    }),
    flush: () => pipeline.flush(o.shutdownTimeoutMs),
    shutdown: () => {
      stopping ??= (async () => {
        // Let pino hand over its last lines, then drain in order: nothing may be queued after the drain.
        let ok = false;
        try {
          ok = await pipeline.shutdown(o.shutdownTimeoutMs);
          await Promise.race([sdk.shutdown(), new Promise((r) => setTimeout(r, 1000).unref())]);
          for (const i of instrumentations) i.disable();
          await metricsEndpoint.shutdown();
        } catch (error) {
          diagnostics.report(error, 'shutdown');
        } finally {
          // Unregister the globals so a later init() (tests, hot reload) starts clean.
          trace.disable();
          metrics.disable();
          propagation.disable();
          context.disable();
          if (active === handle) active = undefined;
        }
        return ok;
      })();
      return stopping;
    },
  };
  active = handle;
  return handle;
}
