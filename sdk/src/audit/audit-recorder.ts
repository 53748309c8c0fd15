/**
 * `audit.record()`. On the call it only captures the context and the time (as integer microseconds, a
 * plain number);
 * the id is drawn and the timestamp formatted with the build, and the event redacted, validated and
 * sent by the background flush. Lanes are FIFO, so ids (UUIDv7) still sort in call order; drawing and
 * formatting them on the call cost more than a bare pino log line (see docs/benchmarks.md). The promise resolves when
 * Kafka has acknowledged the event (acks=-1, idempotent producer).
 *
 * When Kafka is unreachable the SDK keeps retrying the event, in order, until `auditAckTimeoutMs`
 * after the call, then rejects the promise with an {@link AuditError} (code AUDIT_TIMEOUT). Audit is
 * never shed for load and never dropped silently. A rejected event may still reach Kafka if the
 * broker acknowledges after the deadline; consumers deduplicate on `event_id`. The promise is marked
 * handled, so an app that does not await it is never crashed by an unhandled rejection; the failure
 * also goes to the error handler.
 */
import { formatTimestampMicros, formatViolations, newEventId, nowEpochMicros, serializeAuditEvent, type AuditEvent, type AuditRecordInput, type SerializedEvent } from '../contract';
import { context, trace, type Context, type SpanContext } from '@opentelemetry/api';
import type { Redactor } from '../redaction';
import { serializedBatch, type Exporter } from '../exporter/exporter';
import type { Diagnostics } from '../diagnostics/diagnostics';
import { stampEnvelope, type CallSite } from '../pipeline/event-envelope';
import { snapshotAuditInput } from '../pipeline/input-snapshot';
import { currentContext, type ContextFields } from '../pipeline/context-fields';
import { Lane } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';
import { AuditError } from './audit-error';
import { PendingFifo } from './pending-fifo';

/**
 * One recorded event until it is settled. A class, so every entry has the same shape from the start
 * (an object literal grown property by property on the call moved to a slower representation), and
 * the promise's resolve/reject are kept by the one executor closure.
 */
class PendingAudit implements CallSite {
  /** Drawn at build time (or when the event fails before it), then never changed. */
  eventId: string | undefined = undefined;
  settled = false;
  event: AuditEvent | undefined = undefined;
  readonly ctx: ContextFields | undefined;
  /** The OpenTelemetry context of the call; its span's ids are read when the event is built. */
  private readonly otel: Context;
  /** When the ack deadline passes (ms since the epoch). */
  readonly deadline: number;
  readonly promise: Promise<AuditEvent>;
  resolve!: (event: AuditEvent) => void;
  reject!: (error: Error) => void;
  private spanContextRead = false;
  private validSpanContext: SpanContext | undefined = undefined;

  /** The caller's input as it was at the call (see input-snapshot.ts). */
  readonly input: AuditRecordInput;

  constructor(
    input: AuditRecordInput,
    /** Microseconds since the epoch at the call (strictly increasing). */
    readonly micros: number,
    ackTimeoutMs: number,
  ) {
    this.input = snapshotAuditInput(input);
    // The call site without an intermediate object; a span's ids never change, so they are looked up
    // (and validated) in the background, as for log lines.
    this.ctx = currentContext();
    this.otel = context.active();
    this.deadline = Math.floor(micros / 1000) + ackTimeoutMs;
    this.promise = new Promise<AuditEvent>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The call's span context when valid, read once: validity takes two regular expressions. */
  private get spanContext(): SpanContext | undefined {
    if (this.spanContextRead) return this.validSpanContext;
    const sc = trace.getSpanContext(this.otel);
    this.validSpanContext = sc !== undefined && trace.isSpanContextValid(sc) ? sc : undefined;
    this.spanContextRead = true;
    return this.validSpanContext;
  }

  get traceId(): string | undefined {
    return this.spanContext?.traceId;
  }

  get spanId(): string | undefined {
    return this.spanContext?.spanId;
  }
}

const ignore = (): void => {};

/** A promise already rejected with `error`, marked handled (see {@link rejectHandled}). */
function rejected(error: Error): Promise<AuditEvent> {
  const promise = Promise.reject(error);
  promise.catch(ignore);
  return promise;
}

/**
 * Rejects `promise`, first marking it handled: an app that does not await `audit.record()` must not
 * crash on an unhandled rejection. The handler is attached only on this (rare) path: a `.catch` on
 * every call cost a second promise per event, and with async hooks on (AsyncLocalStorage) every
 * promise also runs the hooks.
 */
function rejectHandled(promise: Promise<AuditEvent>, reject: (error: Error) => void, error: Error): void {
  promise.catch(ignore);
  reject(error);
}

/** Settings of the audit recorder. */
export interface AuditConfig {
  serviceName: string;
  tenant: string;
  ackTimeoutMs: number;
  /** Longest wait before a recorded event is sent (batches audit events into fewer Kafka requests). */
  lingerMs: number;
  maxBatchSize: number;
  redactor: Redactor;
  diagnostics: Diagnostics;
}

/** Records audit events; see the module comment for delivery. */
export interface Audit {
  /** Resolves with the event as sent once Kafka acknowledged it; rejects with an {@link AuditError}. */
  record(input: AuditRecordInput): Promise<AuditEvent>;
}

/** Builds the audit lane and recorder. */
export function createAudit(config: AuditConfig, exporter: Exporter, pipeline: Pipeline): { audit: Audit; lane: Lane<PendingAudit, SerializedEvent<AuditEvent>> } {
  const pending = new PendingFifo<PendingAudit>();
  const settle = (p: PendingAudit, error?: Error) => {
    if (p.settled) return;
    p.settled = true;
    pending.settledOne();
    if (pending.size === 0) pipeline.hold(false);
    if (error === undefined) p.resolve(p.event as AuditEvent);
    else {
      config.diagnostics.report(error, 'audit');
      rejectHandled(p.promise, p.reject, error);
    }
  };

  const build = (p: PendingAudit): SerializedEvent<AuditEvent> | undefined => {
    try {
      return buildChecked(p);
    } catch (error) {
      // Input no event can be built from (not an object, a getter that throws): refused as invalid now,
      // not left to time out as if Kafka were slow.
      settle(p, new AuditError('AUDIT_INVALID', `audit event refused: ${error instanceof Error ? error.message : String(error)}`));
      return undefined;
    }
  };

  const buildChecked = (p: PendingAudit): SerializedEvent<AuditEvent> | undefined => {
    const { input } = p;
    const eventId = (p.eventId ??= newEventId());
    // The envelope's own object, completed in place: spreading it into a second literal copied every
    // field again (about a third of a build on a busy app's thread, docs/benchmarks.md).
    const candidate = stampEnvelope(p, config, { kind: 'audit', eventId, ts: formatTimestampMicros(p.micros), correlationFallback: eventId, actor: input.actor });
    candidate['action'] = input.action;
    candidate['resource'] = input.resource;
    candidate['outcome'] = input.outcome;
    if (input.reason !== undefined) candidate['reason'] = input.reason === null ? null : config.redactor.redactValue(input.reason);
    if (input.details !== undefined) candidate['details'] = config.redactor.redactObject(input.details);
    if (input.client !== undefined) candidate['client'] = input.client;
    const checked = serializeAuditEvent(candidate);
    if (!checked.ok) {
      settle(p, new AuditError('AUDIT_INVALID', `audit event refused: ${formatViolations(checked.errors)}`, checked.errors));
      return undefined;
    }
    p.event = checked.value.event;
    return checked.value;
  };

  const lane = new Lane<PendingAudit, SerializedEvent<AuditEvent>>(
    {
      kind: 'audit',
      // Audit is never shed: memory is bounded by the ack deadline instead.
      capacity: Number.MAX_SAFE_INTEGER,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: () => true,
      levelOf: () => 'AUDIT',
      lingerMs: config.lingerMs,
      prepare: (p) => (p.settled ? undefined : build(p)),
      toBatch: (items) => serializedBatch('audit', items),
      onDrop: () => {},
      onFailure: (error) => config.diagnostics.report(error, 'export.audit'),
      onResult: (raws, result) => {
        if (result.ok) for (const p of raws) settle(p);
        else if (!result.retriable) for (const p of raws) settle(p, new AuditError('AUDIT_REJECTED', `Kafka refused the audit event: ${result.error.message}`));
      },
    },
    exporter,
  );

  pipeline.onTick(() => {
    const stopped = pipeline.isStopped;
    for (const p of pending.expired(Date.now(), stopped)) {
      const why = stopped ? 'the SDK shut down before Kafka acknowledged it' : `Kafka did not acknowledge it within ${config.ackTimeoutMs} ms`;
      settle(p, new AuditError(stopped ? 'AUDIT_SHUTDOWN' : 'AUDIT_TIMEOUT', `audit event ${(p.eventId ??= newEventId())} not confirmed: ${why}`));
    }
    lane.queue.removeWhere((p) => p.settled);
    lane.sweepRetry((p) => p.settled);
  });

  const audit: Audit = {
    record(input: AuditRecordInput): Promise<AuditEvent> {
      if (pipeline.isStopped) return rejected(new AuditError('AUDIT_SHUTDOWN', 'audit.record() called after shutdown()'));
      let p: PendingAudit;
      try {
        p = new PendingAudit(input, nowEpochMicros(), config.ackTimeoutMs);
      } catch (error) {
        return rejected(new AuditError('AUDIT_INVALID', `audit event refused: ${error instanceof Error ? error.message : String(error)}`));
      }
      try {
        if (pending.size === 0) pipeline.hold(true);
        pending.add(p);
        lane.queue.offer(p);
        lane.requestFlush();
      } catch (error) {
        rejectHandled(p.promise, p.reject, error instanceof Error ? error : new Error(String(error)));
      }
      return p.promise;
    },
  };
  return { audit, lane };
}
