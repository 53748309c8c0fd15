/**
 * The app's logger: a real pino logger (pino's API unchanged). The destination only queues pino's
 * output line with its level and the call's context (the request/job context and the active span's
 * context, both references taken synchronously in the call, since they are gone by the time the
 * background flush runs). Parsing, the context fields (trace_id, span_id, correlation_id, tenant, …,
 * added where the record does not already carry them), redaction (sensitive keys, configured paths
 * and value patterns), the log id and OTLP encoding happen in the background, before anything leaves
 * the process: on the Kafka exporter's producer thread when it has one (log-line.ts), else in the
 * flush on the app's thread. Neither pino's `redact` (it re-parsed ~50 paths and cloned the record on every
 * call, ~15 µs of a 16 µs call) nor a `mixin` (an object per call, merged and serialized by pino) is
 * used: see docs/benchmarks.md.
 */
import pino, { type Logger, type LevelWithSilent } from 'pino';
import { context, type Context } from '@opentelemetry/api';
import type { Redactor } from '../redaction';
import type { Exporter, LogEntry } from '../exporter/exporter';
import { currentContext, type ContextFields } from '../pipeline/context-fields';
import { Lane, type LanePolicy } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';
import { levelLabel } from './encode-logs';
import { newEventId } from '../contract';
import { acceptsLogLines, captureLineContext, prepareLogLine, type LogLine } from './log-line';

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

/** Builds the log lane and the pino logger writing into it. */
export function createLogger(config: LoggerConfig, exporter: Exporter, pipeline: Pipeline): { logger: Logger; lane: Lane<RawLog, LogLine | LogEntry> } {
  // Level labels to numbers for lines whose level is not a number (read when the logger exists).
  let levelValues: Record<string, number> = {};
  const levelOf = (r: RawLog) => (r.level >= 0 ? r.level : (r.level = levelOfLine(r.line, levelValues)));
  const capture = (r: RawLog): LogLine => ({ logId: newEventId(), line: r.line, level: levelOf(r), context: captureLineContext(r.ctx, r.otel, config.tenant) });
  // An exporter that prepares lines itself gets them as captured: the parse, context and redaction
  // then run where it encodes (the Kafka exporter's producer thread), not on the app's thread.
  const lines = acceptsLogLines(exporter) ? exporter : undefined;
  const lane = new Lane<RawLog, LogLine | LogEntry>(
    {
      kind: 'logs',
      capacity: config.capacity,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: (r) => levelOf(r) >= 40,
      levelOf: (r) => levelLabel(levelOf(r)),
      prepare: lines !== undefined ? capture : (r) => prepareLogLine(capture(r), config.redactor),
      send:
        lines === undefined
          ? undefined
          : async (items) => {
              const out = await lines.exportLogLines(items as LogLine[]);
              // A batch that will be sent again is prepared again: its refused lines count once, at the end.
              if (out.result.ok || !out.result.retriable) {
                for (const level of out.invalidLevels) config.onDrop('logs', levelLabel(level), 'invalid', 1);
                if (out.firstError !== undefined) config.onFailure(new Error(out.firstError));
              }
              return out.result;
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
