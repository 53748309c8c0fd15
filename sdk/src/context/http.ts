/**
 * Server middleware that opens a context per request: correlation id from `x-correlation-id` (a new
 * UUIDv7 when absent or malformed), trace parent from `traceparent`, actor and tenant from app
 * callbacks. Works for node:http, Express and Fastify without depending on either framework.
 */
import { context as otelContext, defaultTextMapSetter, trace, type Context } from '@opentelemetry/api';
import { HEADERS, isIdentifier, newEventId, type Actor } from '../contract';
import { extractContextHeaders, headerString, propagator, type HeaderMap } from './headers';
import { mergeContext, runInContext, type HindsightContext } from './store';

/** The parts of node's IncomingMessage the middleware reads. */
export interface RequestLike {
  headers: HeaderMap;
}

/** The parts of node's ServerResponse the middleware writes. */
export interface ResponseLike {
  setHeader(name: string, value: string): unknown;
  readonly headersSent?: boolean;
}

/** Options of the HTTP middleware; `Req` is the framework's request type. */
export interface HttpContextOptions<Req = RequestLike> {
  /** Who is acting; called once per request (e.g. from a verified session). */
  actor?: (req: Req) => Actor | undefined;
  /** Which tenant the request belongs to. */
  tenant?: (req: Req) => string | undefined;
  /**
   * Also take causation, tenant, actor and run id from `x-causation-id`, `x-hindsight-*` headers. Only
   * for services reached by trusted callers: anyone can send these headers. Default false, except
   * `x-causation-id`, which only links events and is always read.
   */
  trustContextHeaders?: boolean;
  /** Called when a callback throws; the request goes on without that field. */
  onError?: (error: unknown) => void;
}

/** The context and trace context a request runs in. */
export interface RequestScope {
  ctx: HindsightContext;
  traceContext: Context;
}

function safe<Req, T>(fn: ((req: Req) => T) | undefined, req: Req, onError: ((e: unknown) => void) | undefined): T | undefined {
  if (fn === undefined) return undefined;
  try {
    return fn(req);
  } catch (err) {
    try {
      onError?.(err);
    } catch {
      // An error handler that throws must not take the request down with it.
    }
    return undefined;
  }
}

/**
 * Builds the scope of one request. When instrumentation already made a server span active, that span
 * stays the parent; otherwise the incoming `traceparent` becomes it.
 */
export function requestScope<Req>(req: Req, headers: HeaderMap, options: HttpContextOptions<Req>): RequestScope {
  const active = otelContext.active();
  const extracted = extractContextHeaders(headers, active);
  const incoming = headerString(headers, HEADERS.correlationId);
  const trusted = options.trustContextHeaders === true ? extracted.context : { causationId: extracted.context.causationId };
  const ctx = mergeContext(undefined, {
    ...trusted,
    correlationId: isIdentifier(incoming) ? incoming : newEventId(),
    actor: safe(options.actor, req, options.onError) ?? trusted.actor,
    tenant: safe(options.tenant, req, options.onError) ?? trusted.tenant,
  });
  const traceContext = trace.getSpan(active) !== undefined ? active : extracted.traceContext;
  return { ctx, traceContext };
}

/** Response headers for a scope: the correlation id, and `traceparent` when a local span is active. */
export function responseHeaders(scope: RequestScope): Record<string, string> {
  const out: Record<string, string> = { [HEADERS.correlationId]: scope.ctx.correlationId };
  const span = trace.getSpan(scope.traceContext);
  if (span !== undefined && !span.spanContext().isRemote) {
    const carrier: Record<string, string> = {};
    propagator.inject(scope.traceContext, carrier, defaultTextMapSetter);
    const traceparent = carrier[HEADERS.traceparent];
    if (traceparent !== undefined) out[HEADERS.traceparent] = traceparent;
  }
  return out;
}

/** Runs `fn` inside the request's trace context and Hindsight context. */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return otelContext.with(scope.traceContext, () => runInContext(scope.ctx, fn));
}

/** A connect-style handler: `(req, res, next)`. */
export type HttpMiddleware<Req extends RequestLike = RequestLike, Res extends ResponseLike = ResponseLike> =
  (req: Req, res: Res, next?: (err?: unknown) => void) => void;

/**
 * Middleware for node:http servers and connect-style frameworks. `next` (the rest of the request's
 * handling) runs inside the context; with plain node:http, pass the handler as `next`.
 */
export function httpMiddleware<Req extends RequestLike = RequestLike, Res extends ResponseLike = ResponseLike>(
  options: HttpContextOptions<Req> = {},
): HttpMiddleware<Req, Res> {
  return (req, res, next) => {
    const scope = requestScope(req, req.headers, options);
    if (res.headersSent !== true) {
      for (const [name, value] of Object.entries(responseHeaders(scope))) res.setHeader(name, value);
    }
    if (next !== undefined) runInScope(scope, () => next());
  };
}

/** Express middleware: `app.use(expressMiddleware({ actor: (req) => … }))`. */
export function expressMiddleware<Req extends RequestLike = RequestLike, Res extends ResponseLike = ResponseLike>(
  options: HttpContextOptions<Req> = {},
): (req: Req, res: Res, next: (err?: unknown) => void) => void {
  return httpMiddleware<Req, Res>(options);
}
