/**
 * A pino line on its way out, in two steps that may run on different threads. `captureLineContext` runs
 * on the app's thread (the line's OpenTelemetry and Hindsight contexts are objects of that thread) and
 * keeps only plain values; `prepareLogLine` parses, completes and redacts the record, which is most of
 * what a line costs, and runs wherever the line is encoded: on the producer thread when there is one
 * (docs/benchmarks.md, thirteenth round), else on the app's thread.
 */
import { trace, type Context } from '@opentelemetry/api';
import type { ExportResult, LogEntry } from '../exporter/exporter';
import type { ContextFields } from '../pipeline/context-fields';
import type { Redactor } from '../redaction';

/** The context of a log call as plain values (structured-cloneable): what the record is completed with. */
export interface LineContext {
  traceId?: string;
  spanId?: string;
  /** `01` when the span was sampled, else `00`; set with the ids. */
  traceFlags?: string;
  correlationId?: string;
  causationId?: string;
  tenant: string;
  runId?: string;
  actorId?: string;
  actorType?: string;
}

/** A line as it crosses to the thread that prepares it. */
export interface LogLine {
  /**
   * Drawn at capture, on the app's thread: a batch that is sent again after a failure is prepared
   * again, and its records must keep their ids for consumers to drop the copies.
   */
  logId: string;
  line: string;
  /** pino's numeric level, read on the app's thread (drop counters and shedding need it there). */
  level: number;
  context: LineContext;
}

/** The call's context as plain values; the context's tenant, else the SDK's. */
export function captureLineContext(ctx: ContextFields | undefined, otel: Context, defaultTenant: string): LineContext {
  const out: LineContext = { tenant: ctx?.tenant ?? defaultTenant };
  const sc = trace.getSpanContext(otel);
  if (sc !== undefined && trace.isSpanContextValid(sc)) {
    out.traceId = sc.traceId;
    out.spanId = sc.spanId;
    out.traceFlags = (sc.traceFlags & 1) === 1 ? '01' : '00';
  }
  if (ctx === undefined) return out;
  if (ctx.correlationId !== undefined) out.correlationId = ctx.correlationId;
  if (ctx.causationId !== undefined) out.causationId = ctx.causationId;
  if (ctx.runId !== undefined) out.runId = ctx.runId;
  if (ctx.actor !== undefined) {
    out.actorId = ctx.actor.id;
    out.actorType = ctx.actor.type;
  }
  return out;
}

/** Sets `record[key]` unless the app logged that field itself (it wins, as it would over a pino mixin). */
function setUnlessLogged(record: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && record[key] === undefined) record[key] = value;
}

/**
 * Adds the call's context to a parsed record, as the fields the encoder maps to attributes. These
 * are redacted with the record: an app may put personal data in a correlation, run or actor id.
 */
export function addContextFields(record: Record<string, unknown>, c: LineContext): Record<string, unknown> {
  const set = (key: string, value: unknown) => setUnlessLogged(record, key, value);
  set('correlation_id', c.correlationId);
  set('causation_id', c.causationId);
  set('tenant', c.tenant);
  set('run_id', c.runId);
  set('actor_id', c.actorId);
  set('actor_type', c.actorType);
  return record;
}

/**
 * Adds the call's trace context. It is added after redaction: the ids are hex that OpenTelemetry
 * generated, never the app's text, and a value pattern could rewrite them. A trace id's 13 to 19
 * digits in a row can pass for a payment card number, and a rewritten id made the collector refuse
 * the whole batch of records it was sent in.
 */
export function addTraceContext(record: Record<string, unknown>, c: LineContext): Record<string, unknown> {
  setUnlessLogged(record, 'trace_id', c.traceId);
  setUnlessLogged(record, 'span_id', c.spanId);
  setUnlessLogged(record, 'trace_flags', c.traceFlags);
  return record;
}

/**
 * The line as it leaves the process: parsed, completed with its context, redacted, with an id.
 * @throws SyntaxError when the line is not JSON (pino always writes JSON; a custom destination hook may not).
 */
export function prepareLogLine(l: LogLine, redactor: Redactor): LogEntry {
  const parsed = JSON.parse(l.line) as Record<string, unknown>;
  // The parsed record is ours alone: completed and redacted in place, without a copy.
  const record = addTraceContext(redactor.redactJsonInPlace(addContextFields(parsed, l.context)), l.context);
  return { logId: l.logId, level: l.level, record };
}

/** What preparing a batch of lines gave: the entries, and the levels of the lines that were not JSON. */
export interface PreparedLines {
  entries: LogEntry[];
  invalidLevels: number[];
  /** The first refusal's message, for the error handler. */
  firstError: string | undefined;
}

/** Prepares every line of a batch, keeping count of those that cannot be (in order, nothing reordered). */
export function prepareLogLines(lines: readonly LogLine[], redactor: Redactor): PreparedLines {
  const entries: LogEntry[] = [];
  const invalidLevels: number[] = [];
  let firstError: string | undefined;
  for (const l of lines) {
    try {
      entries.push(prepareLogLine(l, redactor));
    } catch (error) {
      invalidLevels.push(l.level);
      firstError ??= `a log line could not be prepared: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  return { entries, invalidLevels, firstError };
}

/** What an exporter that prepares lines itself answers for a batch. */
export interface LogLinesResult {
  result: ExportResult;
  /** Levels of the lines that could not be prepared (not sent): counted as dropped, reason `invalid`. */
  invalidLevels: number[];
  firstError: string | undefined;
}

/**
 * An exporter that takes log lines as captured and prepares them itself (the Kafka exporter: on its
 * producer thread). Other exporters get prepared {@link LogEntry} batches through `export`.
 */
export interface LogLinesExporter {
  exportLogLines(lines: LogLine[]): Promise<LogLinesResult>;
}

export function acceptsLogLines(exporter: object): exporter is LogLinesExporter {
  return typeof (exporter as Partial<LogLinesExporter>).exportLogLines === 'function';
}
