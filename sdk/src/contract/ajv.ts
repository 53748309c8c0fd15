/**
 * The one Ajv instance of the contract, and the translation of its errors into violations that name
 * the field by its dotted path. Validators are compiled once, when this module loads.
 */
import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ContractViolation } from './types';
import { TEXT_PATTERN_MEANINGS } from './schema';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as typeof addFormatsModule;

/** Contract timestamps (`TIMESTAMP_PATTERN`): fixed offsets, so the date-time check needs no regex. */
const CONTRACT_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const fullDateTime = (addFormats as unknown as { get(name: string, mode?: string): { validate: (s: string) => boolean } }).get('date-time', 'full');

/**
 * ajv-formats' full `date-time` check, answered without its splits and regexes for strings of the
 * contract's own timestamp shape (the same rules: month 1–12, day within the month with leap years,
 * hour ≤ 23, minute ≤ 59, second < 60 or a leap second at 23:59:60 UTC). Every other string goes to
 * ajv-formats itself, so the format accepts exactly what it accepted before.
 */
function dateTime(s: string): boolean {
  if (s.length !== 27 || !CONTRACT_TS.test(s)) return fullDateTime.validate(s);
  const year = +s.slice(0, 4);
  const month = +s.slice(5, 7);
  const day = +s.slice(8, 10);
  const hr = +s.slice(11, 13);
  const min = +s.slice(14, 16);
  const sec = +s.slice(17, 26);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (month < 1 || month > 12 || day < 1 || day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month]!)) return false;
  if (hr <= 23 && min <= 59 && sec < 60) return true;
  return hr === 23 && min === 59 && sec < 61;
}

/** Ajv's warnings, without the deprecation notice of `unicode: false` (used on purpose, see below). */
const logger = {
  log: (...args: unknown[]) => console.log(...args),
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('DEPRECATED: option unicode')) return;
    console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

/** `unicode: false`: string lengths in UTF-16 code units (`.length`) instead of code points. */
function newAjv(allErrors: boolean, unicode = true): Ajv {
  // `verbose` (the schema of each error, for descriptions) only matters when errors are reported.
  const instance = new Ajv({ allErrors, allowUnionTypes: true, verbose: allErrors, strict: true, unicode, logger });
  instance.addFormat('date-time', { type: 'string', validate: dateTime });
  instance.addFormat('ip', { type: 'string', validate: (value: string) => isIP(value) !== 0 });
  return instance;
}

// Two instances with the same schemas and formats: the first stops at the first error (the fast path,
// for the valid events that are nearly all of the traffic); the second lists every error and is only
// run on an event the first refused.
const fastAjv = newAjv(false);
const fullAjv = newAjv(true);
// A third, in front of the first, counts string lengths in UTF-16 code units instead of code points
// (Ajv's `ucs2length` walks every string under a length limit: ~half of the validation time of a
// journal event). A string has at least as many code units as code points, and as many when it has any,
// so when every `minLength` is 0 or 1 and nothing inverts or counts matches (`not`, `oneOf`, `if`), a
// value this one accepts is accepted by the first too. What it refuses (rare: refused events, or text
// of astral characters near a length limit) is decided by the first, so the verdicts are the same.
const unitsAjv = newAjv(false, false);

/**
 * Whether checking the lengths of `schema`'s strings in code units can only refuse more than checking
 * them in code points: no `minLength` above 1, no `not`, `oneOf` or `if` anywhere.
 */
export function unitLengthsOnlyStricter(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(unitLengthsOnlyStricter);
  if (schema === null || typeof schema !== 'object') return true;
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'not' || key === 'oneOf' || key === 'if') return false;
    if (key === 'minLength' && !(typeof value === 'number' && value <= 1)) return false;
    if (key === 'const' || key === 'enum' || key === 'default' || key === 'examples') continue; // data, not schema
    if (!unitLengthsOnlyStricter(value)) return false;
  }
  return true;
}

/** A compiled schema: `check` answers valid or not; `errorsOf` lists every error of a refused value. */
export interface CompiledSchema<T> {
  check(value: unknown): value is T;
  errorsOf(value: unknown): readonly ErrorObject[];
}

/** Compiles `schema` on the instance that lists every error; call at module load only. */
export function compile<T>(schema: object): ValidateFunction<T> {
  return fullAjv.compile<T>(schema);
}

/** Compiles `schema` on both instances (fast check, full error list on refusal); call at module load only. */
export function compileChecked<T>(schema: object): CompiledSchema<T> {
  const exact = fastAjv.compile<T>(schema);
  const units = unitLengthsOnlyStricter(schema) ? unitsAjv.compile<T>(schema) : undefined;
  const full = fullAjv.compile<T>(schema);
  return {
    check: units === undefined ? (value): value is T => exact(value) : (value): value is T => units(value) || exact(value),
    errorsOf: (value) => (full(value) ? [] : (full.errors ?? [])),
  };
}

/** `/actor/type` → `actor.type` (JSON Pointer unescaped, array indexes kept as segments). */
function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

const join = (base: string, key: string) => (base === '' ? key : `${base}.${key}`);

/** Builds a violation whose message starts with the path, so a joined list reads on its own. */
export function violation(path: string, text: string): ContractViolation {
  return { path, message: `${path === '' ? '(event)' : path}: ${text}` };
}

function describe(error: ErrorObject): { path: string; text: string } {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const hint = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return { path: join(path, String(params['missingProperty'])), text: 'is required' };
    case 'additionalProperties':
      return { path: join(path, String(params['additionalProperty'])), text: 'unknown field' };
    case 'enum':
      return { path, text: `must be one of ${(params['allowedValues'] as unknown[]).join(', ')}` };
    case 'const':
      return { path, text: `must be ${JSON.stringify(params['allowedValue'])}` };
    case 'type': {
      const t = params['type'];
      return { path, text: `must be ${Array.isArray(t) ? t.join(' or ') : String(t)}` };
    }
    case 'minLength':
      return { path, text: params['limit'] === 1 ? 'must not be empty' : `must be at least ${String(params['limit'])} characters` };
    case 'maxLength':
      return { path, text: `must be at most ${String(params['limit'])} characters` };
    case 'maxProperties':
      return { path, text: `must have at most ${String(params['limit'])} entries` };
    case 'pattern': {
      // A free-text pattern says what is wrong with the text; a field's description says what it is.
      const meaning = TEXT_PATTERN_MEANINGS.get(String(params['pattern']));
      if (meaning !== undefined) return { path, text: `must be ${meaning}` };
      return { path, text: hint ? `must be ${hint}` : `must match ${String(params['pattern'])}` };
    }
    case 'format':
      return { path, text: hint ? `must be ${hint}` : `must match ${String(params['format'])}` };
    default:
      return { path, text: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Turns Ajv errors into violations. A string that fails both length and pattern reports once per path
 * and keyword; the first message for a path that is both too long and malformed is enough to act on.
 */
export function toViolations(errors: readonly ErrorObject[] | null | undefined): ContractViolation[] {
  const seen = new Set<string>();
  const out: ContractViolation[] = [];
  for (const error of errors ?? []) {
    const { path, text } = describe(error);
    const key = `${path}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(violation(path, text));
  }
  return out;
}
