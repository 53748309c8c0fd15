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
import { combinedTrigger, defaultPatterns, redactString, type RedactionPattern } from './patterns';

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
  /**
   * The same rules applied in place to a value fresh from `JSON.parse` that the caller owns (plain
   * objects, arrays, primitives; no cycles): no copy is made; returns `value` (a string is returned
   * redacted, since strings cannot change in place).
   */
  redactJsonInPlace<T>(value: T): T;
  /**
   * The same rules for an OTel attribute map (keys may be dotted: the last segment is judged too).
   * Returns `attrs` itself when nothing needed censoring, else a copy; the input is never modified.
   */
  redactAttributes<T extends Record<string, AttributeValue | undefined>>(attrs: T): T;
  /** Options for pino's own `redact`, covering the configured paths and the default keys one level deep. */
  readonly pinoOptions: { paths: string[]; censor: string };
  readonly censor: string;
  /** The options it was built from: another thread builds the same redactor from them. */
  readonly options: RedactorOptions;
}

const PINO_HEADER_PATHS = ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'];

/** Builds a redactor. Throws on a malformed path (a configuration error, reported at `init()`). */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const censor = options.censor ?? '[REDACTED]';
  const useDefaultKeys = options.defaultKeys !== false;
  const keyNames = [...(useDefaultKeys ? DEFAULT_SENSITIVE_KEYS : []), ...(options.keys ?? [])];
  const isSensitive = createKeyMatcher(keyNames, useDefaultKeys);
  const paths: KeyPath[] = (options.paths ?? []).map(parsePath);
  const patterns = [...(options.defaultPatterns === false ? [] : defaultPatterns(isSensitive)), ...(options.patterns ?? [])];
  for (const p of patterns) {
    if (!p.regex.global) throw new Error(`patterns: "${p.name}" needs the g flag`);
  }
  const trigger = combinedTrigger(patterns);
  const maxDepth = options.maxDepth ?? 16;

  const str = (s: string) => redactString(s, patterns, trigger, censor);

  // `trail` is the keys from the root to `value`, shared by the whole walk (pushed and popped, never
  // copied): it is only read for configured paths and for the depth limit.
  function walk(value: unknown, trail: string[], seen: WeakSet<object>): unknown {
    if (typeof value === 'string') return str(value);
    if (value === null || typeof value !== 'object') return value;
    if (seen.has(value)) return '[Circular]';
    if (trail.length >= maxDepth) return '[Truncated]';
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[Binary ${value.byteLength} bytes]`;
    if (value instanceof Date) return new Date(value.getTime());
    seen.add(value);
    try {
      if (Array.isArray(value) || value instanceof Set) {
        // Elements inherit their parent's key for path matching, like pino's `a[*]`.
        const source = Array.isArray(value) ? value : [...value];
        const out = new Array<unknown>(source.length);
        for (let i = 0; i < source.length; i++) {
          trail.push(String(i));
          out[i] = walk(source[i], trail, seen);
          trail.pop();
        }
        return out;
      }
      const source: Record<string, unknown> = value instanceof Map
        ? Object.fromEntries([...value].map(([k, v]) => [String(k), v]))
        : value instanceof Error
          ? errorFields(value)
          : (value as Record<string, unknown>);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(source)) {
        const v = source[key];
        trail.push(key);
        out[key] = v !== undefined && v !== null && (isSensitive(key) || (paths.length > 0 && matchesPath(paths, trail)))
          ? censor
          : walk(v, trail, seen);
        trail.pop();
      }
      return out;
    } finally {
      // Only ancestors count as cycles; the same object twice side by side is copied twice.
      seen.delete(value);
    }
  }

  // The same rules, applied in place to a tree that came out of JSON.parse (plain objects, arrays and
  // primitives, no cycles): nothing is copied, and only censored or rewritten values are written back.
  function walkParsed(node: Record<string, unknown> | unknown[], trail: string[]): void {
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v = node[i];
        if (typeof v === 'string') {
          const r = str(v);
          if (r !== v) node[i] = r;
        } else if (v !== null && typeof v === 'object') {
          trail.push(String(i));
          if (trail.length >= maxDepth) node[i] = '[Truncated]';
          else walkParsed(v as Record<string, unknown> | unknown[], trail);
          trail.pop();
        }
      }
      return;
    }
    for (const key in node) {
      const v = node[key];
      if (v === null) continue;
      trail.push(key);
      if (isSensitive(key) || (paths.length > 0 && matchesPath(paths, trail))) setOwn(node, key, censor);
      else if (typeof v === 'string') {
        const r = str(v);
        if (r !== v) setOwn(node, key, r);
      } else if (typeof v === 'object') {
        if (trail.length >= maxDepth) setOwn(node, key, '[Truncated]');
        else walkParsed(v as Record<string, unknown> | unknown[], trail);
      }
      trail.pop();
    }
  }

  const redactObject = <T>(value: T): T => walk(value, [], new WeakSet()) as T;

  return {
    censor,
    options,
    redactObject,
    redactValue: <T>(value: T): T => (typeof value === 'string' ? (str(value) as T) : redactObject(value)),
    redactJsonInPlace: <T>(value: T): T => {
      if (typeof value === 'string') return str(value) as T;
      if (value !== null && typeof value === 'object') walkParsed(value as Record<string, unknown> | unknown[], []);
      return value;
    },
    redactAttributes: <T extends Record<string, AttributeValue | undefined>>(attrs: T): T => {
      // Copy on first change: most spans carry nothing to censor and keep their own attribute map.
      let out: Record<string, unknown> | undefined;
      for (const key of Object.keys(attrs)) {
        const v = attrs[key];
        let r: unknown = v;
        if (v !== undefined && (isSensitive(key) || (paths.length > 0 && matchesPath(paths, [key])))) r = censor;
        else if (typeof v === 'string') r = str(v);
        else if (Array.isArray(v)) {
          const mapped = v.map((e) => (typeof e === 'string' ? str(e) : e));
          if (mapped.some((e, i) => e !== v[i])) r = mapped;
        }
        if (r !== v && out === undefined) out = { ...attrs };
        if (out !== undefined) out[key] = r;
      }
      return (out ?? attrs) as T;
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

/** Writes an own property; `__proto__` (an own key after JSON.parse) must not hit the prototype setter. */
function setOwn(node: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
  else node[key] = value;
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  if (error.stack !== undefined) fields['stack'] = error.stack;
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  if (error.cause !== undefined) fields['cause'] = error.cause;
  return fields;
}
