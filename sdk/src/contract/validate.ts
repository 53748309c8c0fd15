/**
 * Validation of contract events: the compiled JSON Schema first, then the limits JSON Schema cannot
 * express (serialized size, nesting depth and storable text of `details`, size of the whole event).
 * Never throws.
 */
import { LIMITS, SCHEMA_NAMES } from './constants';
import { compileChecked, toViolations, violation, type CompiledSchema } from './ajv';
import { AuditEventSchema, JournalEventSchema } from './schema';
import type { AuditEvent, ContractEvent, ContractViolation, JournalEvent, SerializedEvent, ValidationResult } from './types';

const auditV1 = compileChecked<AuditEvent>(AuditEventSchema);
const journalV1 = compileChecked<JournalEvent>(JournalEventSchema);

/**
 * What keeps a key or string of `details` from being stored as sent, or undefined. Postgres's jsonb refuses
 * NUL and unpaired UTF-16 surrogates (they have no UTF-8 encoding), so the collector could only
 * dead-letter an event whose details hold one, after the app was told it was recorded.
 */
function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contain NUL (U+0000), which Postgres cannot store';
  if (!text.isWellFormed()) return 'contain an unpaired UTF-16 surrogate, which has no UTF-8 encoding';
  return undefined;
}

/**
 * The first reason `details` cannot be stored as sent: nesting deeper than LIMITS.detailsMaxDepth (the
 * value itself is level 1), or a key or string that {@link unstorableText} refuses, named by its path.
 * `path` holds the keys from `details` down to `value`, pushed and popped by the walk, so a path is only
 * spelled out for a problem found (this runs on every audit event with details, on the app's side too).
 * Stops descending past the limit, so cycles and hostile depths end early.
 */
function detailsViolation(value: object, path: string[] = ['details']): ContractViolation | undefined {
  if (path.length > LIMITS.detailsMaxDepth) return violation('details', `must be nested at most ${LIMITS.detailsMaxDepth} levels deep`);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = memberViolation(value[i], path, i);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const problem = unstorableText(key);
    if (problem !== undefined) return violation(path.join('.'), `key ${JSON.stringify(key)} must not ${problem}`);
    const found = memberViolation((value as Record<string, unknown>)[key], path, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** {@link detailsViolation} of the member under `key` of the container at `path`. */
function memberViolation(member: unknown, path: string[], key: string | number): ContractViolation | undefined {
  if (typeof member === 'string') {
    const problem = unstorableText(member);
    return problem === undefined ? undefined : violation([...path, key].join('.'), `must not ${problem}`);
  }
  if (member === null || typeof member !== 'object') return undefined;
  path.push(String(key));
  const found = detailsViolation(member, path);
  path.pop();
  return found;
}

/** Serialized UTF-8 size, or undefined when the value is not JSON (BigInt, cycles). */
function jsonBytes(value: unknown): number | undefined {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? undefined : Buffer.byteLength(s, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * `serializedAtMost`: a proven upper bound of the UTF-8 size of `JSON.stringify` of the whole value,
 * known when the value was just parsed from bytes (see `serializedSizeBound` in parse.ts). Sizes are
 * only measured exactly when that bound could exceed a limit; without it they are always measured.
 */
function checkDetails(details: unknown, errors: ContractViolation[], serializedAtMost: number): void {
  if (details === undefined) return;
  const unstorable = details !== null && typeof details === 'object' ? detailsViolation(details) : undefined;
  if (unstorable !== undefined) {
    errors.push(unstorable);
    return;
  }
  if (serializedAtMost <= LIMITS.detailsMaxBytes) return;
  const bytes = jsonBytes(details);
  if (bytes === undefined) errors.push(violation('details', 'must be serializable as JSON'));
  else if (bytes > LIMITS.detailsMaxBytes) {
    errors.push(violation('details', `is ${bytes} bytes serialized; the limit is ${LIMITS.detailsMaxBytes}`));
  }
}

function checkEventSize(event: unknown, errors: ContractViolation[], serializedAtMost: number): void {
  if (serializedAtMost <= LIMITS.eventMaxBytes) return;
  const bytes = jsonBytes(event);
  if (bytes !== undefined && bytes > LIMITS.eventMaxBytes) {
    errors.push(violation('', `is ${bytes} bytes serialized; the limit is ${LIMITS.eventMaxBytes}`));
  }
}

function run<T extends ContractEvent>(schema: CompiledSchema<T>, value: unknown, serializedAtMost: number): ValidationResult<T> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [violation('', 'must be a JSON object')] };
  }
  const details = (value as { details?: unknown }).details;
  if (schema.check(value)) {
    // The fast path: valid by the schema (so `details`, when present, is an object); only the limits
    // JSON Schema cannot express remain.
    if (details === undefined && serializedAtMost <= LIMITS.eventMaxBytes) return { ok: true, value: value as T };
    const errors: ContractViolation[] = [];
    checkDetails(details, errors, serializedAtMost);
    if (errors.length === 0) checkEventSize(value, errors, serializedAtMost);
    return errors.length === 0 ? { ok: true, value: value as T } : { ok: false, errors };
  }
  // Refused: list every violation (the full validator), as before.
  const errors = toViolations(schema.errorsOf(value));
  checkDetails(details, errors, Infinity);
  return { ok: false, errors };
}

/** The v1 validators given a bound on the event's serialized size (Infinity: unknown). */
const auditV1Within = (value: unknown, serializedAtMost: number) => run<AuditEvent>(auditV1, value, serializedAtMost);
const journalV1Within = (value: unknown, serializedAtMost: number) => run<JournalEvent>(journalV1, value, serializedAtMost);

/** Validates a `hindsight.audit` v1 event; the result lists every violation with its field path. */
export function validateAuditEvent(value: unknown): ValidationResult<AuditEvent> {
  return auditV1Within(value, Infinity);
}

/** Validates a `hindsight.journal` v1 event; the result lists every violation with its field path. */
export function validateJournalEvent(value: unknown): ValidationResult<JournalEvent> {
  return journalV1Within(value, Infinity);
}

/**
 * Validates and serializes in one pass: the text's exact UTF-8 size is the bound the size limits need,
 * so the event is stringified once instead of once to measure it and again to send it. A value
 * JSON.stringify refuses (a cycle, a BigInt) gets the validator's violations, or says it cannot be
 * serialized when the validator had nothing to say.
 */
function serializeChecked<T extends ContractEvent>(validate: (value: unknown, serializedAtMost: number) => ValidationResult<T>, value: unknown): ValidationResult<SerializedEvent<T>> {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const checked = validate(value, json === undefined ? Infinity : Buffer.byteLength(json, 'utf8'));
  if (!checked.ok) return checked;
  if (json === undefined) return { ok: false, errors: [violation('', 'must be serializable as JSON')] };
  return { ok: true, value: { event: checked.value, json } };
}

/** {@link validateAuditEvent}, returning the event with its JSON text (the Kafka message value). */
export function serializeAuditEvent(value: unknown): ValidationResult<SerializedEvent<AuditEvent>> {
  return serializeChecked(auditV1Within, value);
}

/** {@link validateJournalEvent}, returning the event with its JSON text (the Kafka message value). */
export function serializeJournalEvent(value: unknown): ValidationResult<SerializedEvent<JournalEvent>> {
  return serializeChecked(journalV1Within, value);
}

type Validator = (v: unknown, serializedAtMost: number) => ValidationResult<ContractEvent>;

/**
 * Validators by schema name and version. Adding a version means adding its schema and an entry here;
 * any version not listed is refused with a `schema.version` violation.
 */
export const VALIDATORS: Readonly<Record<string, Readonly<Record<number, (v: unknown) => ValidationResult<ContractEvent>>>>> = {
  [SCHEMA_NAMES.audit]: { 1: validateAuditEvent },
  [SCHEMA_NAMES.journal]: { 1: validateJournalEvent },
};

/** The same validators, taking the size bound parse.ts knows; keyed exactly like VALIDATORS. */
const BOUNDED_VALIDATORS: Readonly<Record<string, Readonly<Record<number, Validator>>>> = {
  [SCHEMA_NAMES.audit]: { 1: auditV1Within },
  [SCHEMA_NAMES.journal]: { 1: journalV1Within },
};

/** Validates any contract event by its `schema` field (name, then version). */
export function validateContractEvent(value: unknown): ValidationResult<ContractEvent> {
  return validateContractEventWithin(value, Infinity);
}

/**
 * `validateContractEvent` for a value just parsed from JSON text whose `JSON.stringify` is known to be
 * at most `serializedAtMost` UTF-8 bytes (Infinity: unknown). Accepts and refuses exactly the same values.
 * @internal used by parse.ts
 */
export function validateContractEventWithin(value: unknown, serializedAtMost: number): ValidationResult<ContractEvent> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [violation('', 'must be a JSON object')] };
  }
  const schema = (value as { schema?: unknown }).schema;
  if (schema === undefined) return { ok: false, errors: [violation('schema', 'is required')] };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return { ok: false, errors: [violation('schema', 'must be an object with name and version')] };
  }
  const { name, version } = schema as { name?: unknown; version?: unknown };
  const versions = typeof name === 'string' && Object.hasOwn(VALIDATORS, name) ? VALIDATORS[name] : undefined;
  if (versions === undefined) {
    const names = Object.keys(VALIDATORS);
    return { ok: false, errors: [violation('schema.name', `unknown schema ${JSON.stringify(name)}; known: ${names.join(', ')}`)] };
  }
  const validate = typeof version === 'number' && Object.hasOwn(versions, version) ? versions[version] : undefined;
  if (validate === undefined) {
    const known = Object.keys(versions).join(', ');
    return { ok: false, errors: [violation('schema.version', `unsupported version ${JSON.stringify(version)} of ${String(name)}; supported: ${known}`)] };
  }
  // A version listed in VALIDATORS only (not here) is still validated, with sizes measured exactly.
  const bounded = BOUNDED_VALIDATORS[name as string]?.[version as number];
  return bounded !== undefined ? bounded(value, serializedAtMost) : validate(value);
}

/** {@link validateContractEvent}, returning the event with its JSON text (the Kafka message value). */
export function serializeContractEvent(value: unknown): ValidationResult<SerializedEvent<ContractEvent>> {
  return serializeChecked(validateContractEventWithin, value);
}

/** Joins violations into one line, for logs and dead-letter headers. */
export function formatViolations(errors: readonly ContractViolation[]): string {
  return errors.map((e) => e.message).join('; ');
}
