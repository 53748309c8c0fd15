/**
 * The SDK's span processor. `onStart` copies the Hindsight context onto the span (so a span can be
 * found by correlation id); `onEnd` only enqueues the span: redaction and protobuf encoding happen in
 * the background flush. Spans whose status is ERROR are high priority and kept when others are shed.
 */
import { SpanStatusCode, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR } from '../contract';
import type { Redactor } from '../redaction';
import type { Exporter } from '../exporter/exporter';
import { currentContext } from '../pipeline/context-fields';
import { Lane, type LanePolicy } from '../pipeline/lane';
import type { Pipeline } from '../pipeline/pipeline';

/** Settings the span lane needs from init. */
export interface SpanLaneConfig {
  capacity: number;
  maxBatchSize: number;
  redactor: Redactor;
  onDrop: LanePolicy<ReadableSpan, ReadableSpan>['onDrop'];
  onFailure(error: Error): void;
}

/** A view of `span` with redacted attributes, event attributes and status message. */
export function redactSpan(span: ReadableSpan, redactor: Redactor): ReadableSpan {
  const view = Object.create(span) as { -readonly [K in keyof ReadableSpan]: ReadableSpan[K] };
  view.attributes = redactor.redactAttributes(span.attributes);
  view.events = span.events.map((e) => (e.attributes ? { ...e, attributes: redactor.redactAttributes(e.attributes) } : e));
  if (span.status.message !== undefined) view.status = { ...span.status, message: redactor.redactValue(span.status.message) };
  return view;
}

/** Builds the span lane. */
export function createSpanLane(config: SpanLaneConfig, exporter: Exporter): Lane<ReadableSpan, ReadableSpan> {
  const isError = (s: ReadableSpan) => s.status.code === SpanStatusCode.ERROR;
  return new Lane<ReadableSpan, ReadableSpan>(
    {
      kind: 'spans',
      capacity: config.capacity,
      maxBatchSize: config.maxBatchSize,
      isHighPriority: isError,
      levelOf: (s) => (isError(s) ? 'ERROR' : 'INFO'),
      prepare: (s) => redactSpan(s, config.redactor),
      onDrop: config.onDrop,
      onFailure: config.onFailure,
    },
    exporter,
  );
}

/** Stamps context on span start and queues ended spans. */
export class HindsightSpanProcessor implements SpanProcessor {
  constructor(
    private readonly lane: Lane<ReadableSpan, ReadableSpan>,
    private readonly pipeline: Pipeline,
    private readonly maxBatchSize: number,
  ) {}

  onStart(span: Span, _parentContext: Context): void {
    const ctx = currentContext();
    if (ctx === undefined) return;
    if (ctx.correlationId !== undefined) span.setAttribute(ATTR.correlationId, ctx.correlationId);
    if (ctx.causationId !== undefined) span.setAttribute(ATTR.causationId, ctx.causationId);
    if (ctx.tenant !== undefined) span.setAttribute(ATTR.tenant, ctx.tenant);
    if (ctx.runId !== undefined) span.setAttribute(ATTR.runId, ctx.runId);
    if (ctx.actor !== undefined) {
      span.setAttribute(ATTR.actorId, ctx.actor.id);
      span.setAttribute(ATTR.actorType, ctx.actor.type);
    }
  }

  onEnd(span: ReadableSpan): void {
    if (this.pipeline.isStopped) return;
    if ((span.spanContext().traceFlags & 1) === 0) return;
    this.lane.queue.offer(span);
    if (this.lane.queue.size >= this.maxBatchSize) this.pipeline.nudge();
  }

  async forceFlush(): Promise<void> {
    await this.lane.flushOnce();
  }

  async shutdown(): Promise<void> {
    // The pipeline owns shutdown order; the tracer provider's shutdown must not close the exporter early.
  }
}
