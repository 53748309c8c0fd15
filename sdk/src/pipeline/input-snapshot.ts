/**
 * Audit and journal events are built after the call, off the app's thread of work (batching, see
 * audit-recorder.ts). What the caller passed is copied on the call, so an input object the app
 * reuses or changes afterwards cannot change an event it was already told was recorded.
 *
 * The copy follows JSON's rules, since the event is sent as JSON: a `toJSON` method is called and its
 * result copied (what is redacted and validated is then what is sent), functions, symbols and
 * undefined members are left out. Dates are copied; other class instances (Map, Set, Error, Buffer)
 * are kept as they are for the redactor, which turns them into plain data.
 *
 * The inputs' own fields are copied one by one into an object of one shape (the flat ones by spread):
 * a generic walk of the whole input cost 0.6 µs per `audit.record()`, more than the rest of the call.
 * `details` and `pointers` take the generic walk, about 0.2 µs for a few keys.
 */
import type { AuditRecordInput, JournalEmitInput } from '../contract';

/** A flat object (resource, actor, client) copied by spread; anything else as is (validation judges it). */
function flat<T>(value: T): T {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : value;
}

/** The audit input as it is now; input that is not an object is passed on for the build to refuse. */
export function snapshotAuditInput(input: AuditRecordInput): AuditRecordInput {
  if (input === null || typeof input !== 'object') return input;
  return {
    action: input.action,
    actor: flat(input.actor),
    resource: flat(input.resource),
    outcome: input.outcome,
    reason: input.reason,
    details: input.details === undefined ? undefined : (snapshotJson(input.details) as AuditRecordInput['details']),
    client: flat(input.client),
  };
}

/** The journal input as it is now; input that is not an object is passed on for the build to refuse. */
export function snapshotJournalInput(input: JournalEmitInput): JournalEmitInput {
  if (input === null || typeof input !== 'object') return input;
  return {
    scope: input.scope,
    runId: input.runId,
    kind: input.kind,
    severity: input.severity,
    summary: input.summary,
    details: input.details === undefined ? undefined : (snapshotJson(input.details) as JournalEmitInput['details']),
    pointers: input.pointers === undefined ? undefined : (snapshotJson(input.pointers) as JournalEmitInput['pointers']),
  };
}

/** Deeper than any valid `details` (validation refuses it): copying stops there. */
const MAX_COPY_DEPTH = 16;

/** A copy of `value` as JSON would see it now; throws on a cycle (JSON cannot carry one). */
function snapshotJson(value: unknown, key = '', depth = 0, ancestors: object[] = []): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  if (value instanceof Date) return new Date(value.getTime());
  if (depth >= MAX_COPY_DEPTH) return value;
  if (ancestors.includes(value)) throw new TypeError(`${key === '' ? 'the value' : `"${key}"`} refers to itself (a cycle JSON cannot carry)`);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  ancestors.push(value);
  try {
    if (typeof toJSON === 'function') return snapshotJson(toJSON.call(value, key), key, depth + 1, ancestors);
    if (Array.isArray(value)) {
      const out = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) out[i] = snapshotJson(value[i], String(i), depth + 1, ancestors);
      return out;
    }
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = snapshotJson((value as Record<string, unknown>)[k], k, depth + 1, ancestors);
      if (v !== undefined) out[k] = v;
    }
    return out;
  } finally {
    ancestors.pop();
  }
}
