/**
 * The SDK's span processor. `onStart` copies the Hindsight context onto the span (so a span can be
 * found by correlation id); `onEnd` only enqueues the span: redaction (name, attributes, events,
 * links, status message) and protobuf encoding happen in the background flush. Spans whose status is
 * ERROR are high priority and kept when others are shed.
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

/**
 * `span` with its free text redacted like log messages and attribute values: the name, attributes,
 * event names and attributes, link attributes and status message (a span named
 * `GET /reset?token=…` or an event named `login password=…` must not leave the process as is). Each
 * string first meets the redactor's combined trigger, one scan that returns it untouched when no
 * pattern could match, so most spans carry nothing to censor and are returned as they are; otherwise
 * a plain copy of the fields the exporters read is made. (A view made with `Object.create(span)`
 * turned every ended span into a prototype object, which V8 handles on a slow path: that cost ~20 µs
 * of CPU per span in the background flush.)
 */
export function redactSpan(span: ReadableSpan, redactor: Redactor): ReadableSpan {
  const name = redactor.redactValue(span.name);
  const attributes = redactor.redactAttributes(span.attributes);
  let events = span.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const eventName = redactor.redactValue(e.name);
    const attrs = e.attributes === undefined ? undefined : redactor.redactAttributes(e.attributes);
    if (eventName !== e.name || attrs !== e.attributes) {
      if (events === span.events) events = events.slice();
      events[i] = { ...e, name: eventName, attributes: attrs };
    }
  }
  let links = span.links;
  for (let i = 0; i < links.length; i++) {
    const l = links[i]!;
    if (l.attributes === undefined) continue;
    const attrs = redactor.redactAttributes(l.attributes);
    if (attrs !== l.attributes) {
      if (links === span.links) links = links.slice();
      links[i] = { ...l, attributes: attrs };
    }
  }
  let status = span.status;
  if (status.message !== undefined) {
    const message = redactor.redactValue(status.message);
    if (message !== status.message) status = { ...status, message };
  }
  if (name === span.name && attributes === span.attributes && events === span.events && links === span.links && status === span.status) return span;
  const sc = span.spanContext();
  return {
    name,
    kind: span.kind,
    spanContext: () => sc,
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status,
    attributes,
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
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
    if (this.lane.queue.size >= this.maxBatchSize) this.pipeline.nudge(this.lane);
  }

  async forceFlush(): Promise<void> {
    await this.lane.flushOnce();
  }

  async shutdown(): Promise<void> {
    // The pipeline owns shutdown order; the tracer provider's shutdown must not close the exporter early.
  }
}
