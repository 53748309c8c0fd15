/**
 * The request/job context: who is acting, for which tenant, under which correlation id. Kept in an
 * AsyncLocalStorage so it follows awaits, timers and callbacks without being passed around.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ATTR, newEventId, type Actor } from '../contract';

/** What the SDK knows about the work in progress; copied into every span, log, audit and journal event. */
export interface HindsightContext {
  /** Ties together everything done for one request, job or run. Always set. */
  readonly correlationId: string;
  /** The request, message or event that caused this work. */
  readonly causationId?: string;
  readonly actor?: Actor;
  readonly tenant?: string;
  readonly runId?: string;
}

/** Fields to set or override; `undefined` leaves the current value in place. */
export type ContextPatch = { -readonly [K in keyof HindsightContext]?: HindsightContext[K] };

const storage = new AsyncLocalStorage<HindsightContext>();

/** The current context, or `undefined` outside any request, job or `withContext`. */
export function getContext(): HindsightContext | undefined {
  return storage.getStore();
}

/** Merges `patch` over `base`, skipping undefined values; a correlation id is made when none exists. */
export function mergeContext(base: HindsightContext | undefined, patch: ContextPatch): HindsightContext {
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) merged[k] = v;
  if (typeof merged['correlationId'] !== 'string') merged['correlationId'] = newEventId();
  return Object.freeze(merged) as unknown as HindsightContext;
}

/**
 * Runs `fn` with `patch` merged over the current context (nested calls add to, never drop, what the
 * outer ones set). Returns what `fn` returns, including its promise.
 */
export function withContext<T>(patch: ContextPatch, fn: () => T): T {
  return storage.run(mergeContext(storage.getStore(), patch), fn);
}

/** Runs `fn` with exactly `ctx`, ignoring any current context. */
export function runInContext<T>(ctx: HindsightContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * Runs `fn` outside any context: `getContext()` is undefined inside it and in the async work it starts.
 * For the SDK's own events, which belong to no request or job whatever call happened to trigger them.
 */
export function runOutsideContext<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** Names of the context's fields in one carrier: span/log attributes (`ATTR`) or headers (`HEADERS`). */
export type ContextFieldNames = Record<'correlationId' | 'causationId' | 'tenant' | 'actorId' | 'actorType' | 'runId', string>;

/** The context's fields under `names`; absent fields are left out. */
export function contextEntries(ctx: HindsightContext | undefined, names: ContextFieldNames): Record<string, string> {
  const out: Record<string, string> = {};
  if (!ctx) return out;
  out[names.correlationId] = ctx.correlationId;
  if (ctx.causationId !== undefined) out[names.causationId] = ctx.causationId;
  if (ctx.tenant !== undefined) out[names.tenant] = ctx.tenant;
  if (ctx.actor !== undefined) {
    out[names.actorId] = ctx.actor.id;
    out[names.actorType] = ctx.actor.type;
  }
  if (ctx.runId !== undefined) out[names.runId] = ctx.runId;
  return out;
}

/** The context as span/log attributes under the agreed `ATTR` names; absent fields are left out. */
export function contextAttributes(ctx: HindsightContext | undefined = getContext()): Record<string, string> {
  return contextEntries(ctx, ATTR);
}
