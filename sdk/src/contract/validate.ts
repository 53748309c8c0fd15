/**
 * Validation of contract events: the compiled JSON Schema first, then the limits JSON Schema cannot
 * express (serialized size and nesting depth of `details`, size of the whole event). Never throws.
 */
import { LIMITS, SCHEMA_NAMES } from './constants';
import { compile, toViolations, violation } from './ajv';
import { AuditEventSchema, JournalEventSchema } from './schema';
import type { AuditEvent, ContractEvent, ContractViolation, JournalEvent, ValidationResult } from './types';

const auditV1 = compile<AuditEvent>(AuditEventSchema);
const journalV1 = compile<JournalEvent>(JournalEventSchema);

/** Depth of a JSON value, giving up (returning `max + 1`) once past `max`; also stops cycles. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<{ v: unknown; d: number }> = [{ v: value, d: 1 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop() as { v: unknown; d: number };
    if (d > max) return true;
    if (v !== null && typeof v === 'object') {
      for (const child of Object.values(v)) {
        if (child !== null && typeof child === 'object') stack.push({ v: child, d: d + 1 });
      }
    }
  }
  return false;
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

function checkDetails(details: unknown, errors: ContractViolation[]): void {
  if (details === undefined) return;
  if (depthExceeds(details, LIMITS.detailsMaxDepth)) {
    errors.push(violation('details', `must be nested at most ${LIMITS.detailsMaxDepth} levels deep`));
    return;
  }
  const bytes = jsonBytes(details);
  if (bytes === undefined) errors.push(violation('details', 'must be serializable as JSON'));
  else if (bytes > LIMITS.detailsMaxBytes) {
    errors.push(violation('details', `is ${bytes} bytes serialized; the limit is ${LIMITS.detailsMaxBytes}`));
  }
}

function checkEventSize(event: unknown, errors: ContractViolation[]): void {
  const bytes = jsonBytes(event);
  if (bytes !== undefined && bytes > LIMITS.eventMaxBytes) {
    errors.push(violation('', `is ${bytes} bytes serialized; the limit is ${LIMITS.eventMaxBytes}`));
  }
}

function run<T extends ContractEvent>(validator: (v: unknown) => boolean, errorsOf: () => unknown, value: unknown): ValidationResult<T> {
  const errors: ContractViolation[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [violation('', 'must be a JSON object')] };
  }
  if (!validator(value)) errors.push(...toViolations(errorsOf() as Parameters<typeof toViolations>[0]));
  checkDetails((value as { details?: unknown }).details, errors);
  if (errors.length === 0) checkEventSize(value, errors);
  return errors.length === 0 ? { ok: true, value: value as T } : { ok: false, errors };
}

/** Validates a `hindsight.audit` v1 event; the result lists every violation with its field path. */
export function validateAuditEvent(value: unknown): ValidationResult<AuditEvent> {
  return run<AuditEvent>(auditV1, () => auditV1.errors, value);
}

/** Validates a `hindsight.journal` v1 event; the result lists every violation with its field path. */
export function validateJournalEvent(value: unknown): ValidationResult<JournalEvent> {
  return run<JournalEvent>(journalV1, () => journalV1.errors, value);
}

/**
 * Validators by schema name and version. Adding a version means adding its schema and an entry here;
 * any version not listed is refused with a `schema.version` violation.
 */
export const VALIDATORS: Readonly<Record<string, Readonly<Record<number, (v: unknown) => ValidationResult<ContractEvent>>>>> = {
  [SCHEMA_NAMES.audit]: { 1: validateAuditEvent },
  [SCHEMA_NAMES.journal]: { 1: validateJournalEvent },
};

/** Validates any contract event by its `schema` field (name, then version). */
export function validateContractEvent(value: unknown): ValidationResult<ContractEvent> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, errors: [violation('', 'must be a JSON object')] };
  }
  const schema = (value as { schema?: unknown }).schema;
  if (schema === undefined) return { ok: false, errors: [violation('schema', 'is required')] };
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    return { ok: false, errors: [violation('schema', 'must be an object with name and version')] };
  }
  const { name, version } = schema as { name?: unknown; version?: unknown };
  const names = Object.keys(VALIDATORS);
  const versions = typeof name === 'string' && Object.hasOwn(VALIDATORS, name) ? VALIDATORS[name] : undefined;
  if (versions === undefined) {
    return { ok: false, errors: [violation('schema.name', `unknown schema ${JSON.stringify(name)}; known: ${names.join(', ')}`)] };
  }
  const validate = typeof version === 'number' && Object.hasOwn(versions, version) ? versions[version] : undefined;
  if (validate === undefined) {
    const known = Object.keys(versions).join(', ');
    return { ok: false, errors: [violation('schema.version', `unsupported version ${JSON.stringify(version)} of ${String(name)}; supported: ${known}`)] };
  }
  return validate(value);
}

/** Joins violations into one line, for logs and dead-letter headers. */
export function formatViolations(errors: readonly ContractViolation[]): string {
  return errors.map((e) => e.message).join('; ');
}
