/**
 * The redactor every SDK signal passes through before leaving the process. Keys are judged by name
 * (sensitive names anywhere, configured paths exactly); every string that survives the key check is
 * still scanned for secret shapes, so unknown keys are kept but cannot smuggle a token out.
 */
import {
  DEFAULT_SENSITIVE_KEYS,
  createKeyMatcher,
  matchesPath,
  parsePath,
  pinoSegment,
  type KeyPath,
} from './keys';
import { DEFAULT_PATTERNS, combinedTrigger, redactString, type RedactionPattern } from './patterns';

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Exact key paths in pino `redact` syntax, e.g. `req.headers.authorization`, `*.token`. */
  paths?: readonly string[];
  /** Extra sensitive key names, matched anywhere like the defaults (case and `-`/`_` ignored). */
  keys?: readonly string[];
  /** Extra value patterns, run after the defaults. */
  patterns?: readonly RedactionPattern[];
  /** Replacement text. Default `[REDACTED]`. */
  censor?: string;
  /** Set false to use only `keys`, without the default key list and suffix rule. Default true. */
  defaultKeys?: boolean;
  /** Set false to use only `patterns`, without the default ones. Default true. */
  defaultPatterns?: boolean;
  /** Nesting below this depth is replaced by `[Truncated]`. Default 16. */
  maxDepth?: number;
}

/** An OpenTelemetry attribute value. */
export type AttributeValue = string | number | boolean | Array<null | undefined | string> | Array<null | undefined | number> | Array<null | undefined | boolean>;

/** Redacts values, objects and attribute maps; built once by {@link createRedactor}. */
export interface Redactor {
  /** Strings are scanned for patterns; objects go through {@link Redactor.redactObject}; others pass. */
  redactValue<T>(value: T): T;
  /**
   * A deep copy with sensitive keys censored and strings scanned. Cycles become `[Circular]`, Errors
   * plain objects (name, message, stack, code, own fields), Buffers and typed arrays `[Binary N bytes]`,
   * Maps objects, Sets arrays; the input is never modified.
   */
  redactObject<T>(value: T): T;
  /** The same rules for an OTel attribute map (keys may be dotted: the last segment is judged too). */
  redactAttributes<T extends Record<string, AttributeValue | undefined>>(attrs: T): T;
  /** Options for pino's own `redact`, covering the configured paths and the default keys one level deep. */
  readonly pinoOptions: { paths: string[]; censor: string };
  readonly censor: string;
}

const PINO_HEADER_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

/** Builds a redactor. Throws on a malformed path (a configuration error, reported at `init()`). */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const censor = options.censor ?? '[REDACTED]';
  const useDefaultKeys = options.defaultKeys !== false;
  const keyNames = [...(useDefaultKeys ? DEFAULT_SENSITIVE_KEYS : []), ...(options.keys ?? [])];
  const isSensitive = createKeyMatcher(keyNames, useDefaultKeys);
  const paths: KeyPath[] = (options.paths ?? []).map(parsePath);
  const patterns = [...(options.defaultPatterns === false ? [] : DEFAULT_PATTERNS), ...(options.patterns ?? [])];
  for (const p of patterns) {
    if (!p.regex.global) throw new Error(`patterns: "${p.name}" needs the g flag`);
  }
  const trigger = combinedTrigger(patterns);
  const maxDepth = options.maxDepth ?? 16;

  const str = (s: string) => redactString(s, patterns, trigger, censor);

  function walk(value: unknown, trail: string[], seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return str(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (trail.length >= maxDepth) return '[Truncated]';
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[Binary ${value.byteLength} bytes]`;
    if (value instanceof Date) return new Date(value.getTime());
    seen.add(value);
    try {
      if (Array.isArray(value)) {
        // Elements inherit their parent's key for path matching, like pino's `a[*]`.
        return value.map((v, i) => walk(v, [...trail, String(i)], seen));
      }
      if (value instanceof Set) return [...value].map((v, i) => walk(v, [...trail, String(i)], seen));
      const source: Record<string, unknown> = value instanceof Map
        ? Object.fromEntries([...value].map(([k, v]) => [String(k), v]))
        : value instanceof Error
          ? errorFields(value)
          : (value as Record<string, unknown>);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(source)) {
        const v = source[key];
        const next = [...trail, key];
        out[key] = v !== undefined && v !== null && (isSensitive(key) || (paths.length > 0 && matchesPath(paths, next)))
          ? censor
          : walk(v, next, seen);
      }
      return out;
    } finally {
      // Only ancestors count as cycles; the same object twice side by side is copied twice.
      seen.delete(value);
    }
  }

  const redactObject = <T>(value: T): T => walk(value, [], new WeakSet()) as T;

  return {
    censor,
    redactObject,
    redactValue: <T>(value: T): T => (typeof value === 'string' ? (str(value) as T) : redactObject(value)),
    redactAttributes: <T extends Record<string, AttributeValue | undefined>>(attrs: T): T => {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(attrs)) {
        const v = attrs[key];
        if (v !== undefined && (isSensitive(key) || (paths.length > 0 && matchesPath(paths, [key])))) out[key] = censor;
        else if (typeof v === 'string') out[key] = str(v);
        else if (Array.isArray(v)) out[key] = v.map((e) => (typeof e === 'string' ? str(e) : e));
        else out[key] = v;
      }
      return out as T;
    },
    pinoOptions: {
      censor,
      paths: [
        ...(options.paths ?? []),
        ...keyNames.flatMap((k) => [pinoSegment(k, true), `*${pinoSegment(k, false)}`]),
        ...(useDefaultKeys ? PINO_HEADER_PATHS : []),
      ],
    },
  };
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) fields['stack'] = error.stack;
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  if (error.cause !== undefined) fields['cause'] = error.cause;
  return fields;
}
