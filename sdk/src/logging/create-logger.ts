/**
 * The app's logger: a real pino logger (pino's API unchanged). The destination only queues pino's
 * output line with its level and the call's context (the request/job context and the active span's
 * context, both references taken synchronously in the call, since they are gone by the time the
 * background flush runs). Parsing, the context fields (trace_id, span_id, correlation_id, tenant, …,
 * added where the record does not already carry them), redaction (sensitive keys, configured paths
 * and value patterns), the log id and OTLP encoding happen in the background flush, before anything
 * leaves the process. Neither pino's `redact` (it re-parsed ~50 paths and cloned the record on every
 * call, ~15 µs of a 16 µs call) nor a `mixin` (an object per call, merged and serialized by pino) is
 * used: see docs/benchmarks.md.
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { context, trace, type Context } from '@opentelemetry/api';
import type { Redactor } from '../redaction';
import type { Exporter, LogEntry } from '../exporter/exporter';
import { currentContext, type ContextFields } from '../pipeline/context-fields';
import { Lane, type LanePolicy } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';
import { levelLabel } from './encode-logs';
import { newEventId } from '../contract';

/** A queued log line and the context it was written in. */
export interface RawLog {
  line: string;
  /** Numeric level: -1 until first needed, then read from the line once (see {@link levelOfLine}). */
  level: number;
  ctx: ContextFields | undefined;
  /** The OpenTelemetry context of the call; its span is looked up in the background. */
  otel: Context;
}

/** Settings the logger needs from init. */
export interface LoggerConfig {
  serviceName: string;
  tenant: string;
  level: LevelWithSilent;
  capacity: number;
  maxBatchSize: number;
  redactor: Redactor;
  onDrop: LanePolicy<RawLog, LogEntry>['onDrop'];
  onFailure(error: Error): void;
}

/**
 * The numeric level of a pino line. pino writes it first (`{"level":30,...`) from a per-level cached
 * prefix, so the digits are read from there; this runs in the background (and when the queue sheds),
 * never on the call. The SDK's logger does not use pino's `pino.metadata` destination flag to learn
 * the level: with it pino stores five properties (and slices the time string) on the destination on
 * every call. A line without that prefix (a child logger with its own `formatters.level`) has its
 * level parsed from the record: a number, or a label looked up in `values`.
 */
export function levelOfLine(line: string, values: Record<string, number>, parsed?: Record<string, unknown>): number {
  if (line.startsWith('{"level":')) {
    let level = 0;
    let i = 9;
    for (; i < line.length; i++) {
      const digit = line.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) break;
      level = level * 10 + digit;
    }
    if (i > 9 && line.charCodeAt(i) === 44 /* , */) return level;
  }
  try {
    // The background build passes the record it parsed anyway, so the line is never parsed twice.
    const level = (parsed ?? (JSON.parse(line) as { level?: unknown })).level;
    if (typeof level === 'number') return level;
    if (typeof level === 'string' && values[level] !== undefined) return values[level];
  } catch {
    // not JSON: treated as INFO below
  }
  return 30;
}

/**
 * Adds the call's context to a parsed record, as the fields the encoder maps to attributes; a field
 * the app logged itself wins (as it would over a pino mixin).
 */
export function addContextFields(record: Record<string, unknown>, raw: RawLog, defaultTenant: string): Record<string, unknown> {
  const set = (key: string, value: unknown) => {
    if (value !== undefined && record[key] === undefined) record[key] = value;
  };
  const sc = trace.getSpanContext(raw.otel);
  if (sc !== undefined && trace.isSpanContextValid(sc)) {
    set('trace_id', sc.traceId);
    set('span_id', sc.spanId);
    set('trace_flags', (sc.traceFlags & 1) === 1 ? '01' : '00');
  }
  const ctx = raw.ctx;
  set('correlation_id', ctx?.correlationId);
  set('causation_id', ctx?.causationId);
  set('tenant', ctx?.tenant ?? defaultTenant);
  set('run_id', ctx?.runId);
  if (ctx?.actor !== undefined) {
    set('actor_id', ctx.actor.id);
    set('actor_type', ctx.actor.type);
  }
  return record;
}

/** Builds the log lane and the pino logger writing into it. */
export function createLogger(config: LoggerConfig, exporter: Exporter, pipeline: Pipeline): { logger: Logger; lane: Lane<RawLog, LogEntry> } {
  // Level labels to numbers for lines whose level is not a number (read when the logger exists).
  let levelValues: Record<string, number> = {};
  const levelOf = (r: RawLog, parsed?: Record<string, unknown>) => (r.level >= 0 ? r.level : (r.level = levelOfLine(r.line, levelValues, parsed)));
  const lane = new Lane<RawLog, LogEntry>(
    {
      kind: 'logs',
      capacity: config.capacity,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: (r) => levelOf(r) >= 40,
      levelOf: (r) => levelLabel(levelOf(r)),
      prepare: (r) => {
        const parsed = JSON.parse(r.line) as Record<string, unknown>;
        const level = levelOf(r, parsed);
        // The parsed record is ours alone: completed and redacted in place, without a copy.
        return { logId: newEventId(), level, record: config.redactor.redactJsonInPlace(addContextFields(parsed, r, config.tenant)) };
      },
      onDrop: config.onDrop,
      onFailure: config.onFailure,
    },
    exporter,
  );
  const destination = {
    write(line: string): void {
      if (pipeline.isStopped) return;
      lane.queue.offer({ line, level: -1, ctx: currentContext(), otel: context.active() });
      if (lane.queue.size >= config.maxBatchSize) pipeline.nudge(lane);
    },
  };
  const logger = pino(
    {
      level: config.level,
      base: { service: config.serviceName },
    },
    destination,
  );
  levelValues = logger.levels.values;
  return { logger, lane };
}
