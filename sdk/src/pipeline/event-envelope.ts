/**
 * The envelope the SDK stamps on audit and journal events: one rule for both, so an event's tenant,
 * correlation and actor never depend on which API raised it. The call site is captured on the call
 * (the context is gone by the time the background flush builds the event).
 */
import { CURRENT_SCHEMA_VERSION, SCHEMA_NAMES, type Actor } from '../contract';
import { trace } from '@opentelemetry/api';
import { currentContext, type ContextFields } from './context-fields';

/** Where an event was raised: the context and the active span's ids at the call. */
export interface CallSite {
  ctx: ContextFields | undefined;
  traceId: string | undefined;
  spanId: string | undefined;
}

/** Captures the call site; never throws. */
export function captureCallSite(): CallSite {
  const sc = trace.getActiveSpan()?.spanContext();
  const valid = sc !== undefined && trace.isSpanContextValid(sc);
  return { ctx: currentContext(), traceId: valid ? sc.traceId : undefined, spanId: valid ? sc.spanId : undefined };
}

/** What one event adds to its call site's envelope. */
export interface EnvelopeParts {
  kind: keyof typeof SCHEMA_NAMES;
  eventId: string;
  ts: string;
  /** The correlation id when the context has none. */
  correlationFallback: string;
  /** An actor the caller named: wins over the context's. */
  actor?: Actor | undefined;
}

/**
 * The envelope fields of an event raised at `site` by `source`, in a fresh object the caller completes
 * with the event's own fields. The context's tenant and correlation id win over the defaults; the
 * actor defaults to the service itself.
 */
export function stampEnvelope(site: CallSite, source: { serviceName: string; tenant: string }, parts: EnvelopeParts): Record<string, unknown> {
  const { ctx } = site;
  return {
    event_id: parts.eventId,
    schema: { name: SCHEMA_NAMES[parts.kind], version: CURRENT_SCHEMA_VERSION[parts.kind] },
    ts: parts.ts,
    tenant: ctx?.tenant ?? source.tenant,
    service: source.serviceName,
    correlation_id: ctx?.correlationId ?? parts.correlationFallback,
    causation_id: ctx?.causationId ?? null,
    trace_id: site.traceId ?? null,
    span_id: site.spanId ?? null,
    actor: parts.actor ?? ctx?.actor ?? { id: source.serviceName, type: 'service' },
  };
}
