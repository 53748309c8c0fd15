/**
 * Context in message headers: what the app's own Kafka messages (kafkajs header shape) carry so the
 * consumer continues the same correlation, tenant, actor and trace. Anything malformed is dropped, so a
 * header can never inject line breaks or oversized values into logs and stores.
 */
import { context as otelContext, defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, type Context } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ACTOR_TYPES, HEADERS, isIdentifier, type Actor } from '../contract';
import { contextEntries, getContext, type ContextPatch, type HindsightContext } from './store';

/** Header values as kafkajs and node:http present them. */
export type HeaderValue = string | Buffer | ReadonlyArray<string | Buffer> | undefined;
/** A header map (kafkajs `IHeaders`, node:http `IncomingHttpHeaders`). */
export type HeaderMap = Record<string, HeaderValue>;

export const propagator = new W3CTraceContextPropagator();

/** First value of a header as a string; header names are compared lowercase. */
export function headerString(headers: HeaderMap, name: string): string | undefined {
  let v = headers[name];
  if (v === undefined) {
    const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
    v = found === undefined ? undefined : headers[found];
  }
  if (Array.isArray(v)) v = v[0] as string | Buffer | undefined;
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : (v as Buffer).toString('utf8');
}

const ACTOR_ID = /^[^\u0000-\u001f\u007f]{1,256}$/;

/** An actor from its two header values, or undefined when either is missing or malformed. */
export function parseActor(id: string | undefined, type: string | undefined): Actor | undefined {
  if (id === undefined || !ACTOR_ID.test(id)) return undefined;
  if (!(ACTOR_TYPES as readonly string[]).includes(type ?? '')) return undefined;
  return { id, type: type as Actor['type'] };
}

const identifier = (v: string | undefined) => (isIdentifier(v) ? v : undefined);

/**
 * Returns `headers` plus the context headers (correlation, causation, tenant, actor, run id) and the
 * W3C `traceparent`/`tracestate` of the active span. The input is not modified.
 */
export function injectContextHeaders<H extends HeaderMap>(
  headers: H = {} as H,
  ctx: HindsightContext | undefined = getContext(),
  traceContext: Context = otelContext.active(),
): H & Record<string, string> {
  const out: Record<string, HeaderValue> = { ...headers, ...contextEntries(ctx, HEADERS) };
  propagator.inject(traceContext, out, defaultTextMapSetter);
  return out as H & Record<string, string>;
}

/** What {@link extractContextHeaders} found: context fields and the remote trace context. */
export interface ExtractedContext {
  /** Valid context fields only; pass to `withContext`. */
  context: ContextPatch;
  /** The W3C trace parent as an OTel context (ROOT-based); run the handler in `context.with(traceContext, …)`. */
  traceContext: Context;
}

/** Reads context headers, keeping only well-formed values. */
export function extractContextHeaders(headers: HeaderMap, base: Context = ROOT_CONTEXT): ExtractedContext {
  const get = (name: string) => headerString(headers, name);
  const patch: ContextPatch = {};
  const correlationId = identifier(get(HEADERS.correlationId));
  if (correlationId !== undefined) patch.correlationId = correlationId;
  const causationId = identifier(get(HEADERS.causationId));
  if (causationId !== undefined) patch.causationId = causationId;
  const tenant = identifier(get(HEADERS.tenant));
  if (tenant !== undefined) patch.tenant = tenant;
  const actor = parseActor(get(HEADERS.actorId), get(HEADERS.actorType));
  if (actor !== undefined) patch.actor = actor;
  const runId = identifier(get(HEADERS.runId));
  if (runId !== undefined) patch.runId = runId;
  const carrier: Record<string, string> = {};
  for (const name of [HEADERS.traceparent, HEADERS.tracestate]) {
    const v = get(name);
    if (v !== undefined && v.length <= 512) carrier[name] = v;
  }
  return { context: patch, traceContext: propagator.extract(base, carrier, defaultTextMapGetter) };
}
