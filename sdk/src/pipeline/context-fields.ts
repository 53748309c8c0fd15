/**
 * What the SDK stamps on every signal from the current request/job context: read once, synchronously,
 * at the call (the context lives in AsyncLocalStorage and is gone by the time the background flush
 * runs). The context module (../context) owns the store; this is the SDK's read side of it.
 */
import { trace } from '@opentelemetry/api';
import type { ActorType } from '../contract';
import { getContext } from '../context';

/** The context fields the SDK copies onto spans, logs, audit and journal events. */
export interface ContextFields {
  correlationId?: string;
  causationId?: string;
  tenant?: string;
  runId?: string;
  actor?: { id: string; type: ActorType };
}

/** The current context, or undefined outside any. Never throws. */
export function currentContext(): ContextFields | undefined {
  try {
    return getContext();
  } catch {
    return undefined;
  }
}

/** Trace and span id of the active span, when one is recording or was propagated to us. */
export function activeSpanIds(): { traceId: string; spanId: string; sampled: boolean } | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const sc = span.spanContext();
  if (!trace.isSpanContextValid(sc)) return undefined;
  return { traceId: sc.traceId, spanId: sc.spanId, sampled: (sc.traceFlags & 1) === 1 };
}
