/**
 * Key-based redaction: sensitive key names matched anywhere (case-insensitive), and exact key paths in
 * pino's `redact` syntax (`password`, `*.token`, `req.headers.authorization`, `a["x-api-key"]`).
 */

/**
 * Key names whose values are always censored, wherever they appear. Compared after normalising
 * (lowercase, `-`/`_`/space removed), so `Set-Cookie`, `set_cookie` and `setCookie` all match.
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  'password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'x-api-key', 'authorization',
  'proxy-authorization', 'cookie', 'set-cookie', 'private_key', 'client_secret', 'access_token',
  'refresh_token', 'id_token', 'session_token', 'secret_key', 'aws_secret_access_key', 'credentials',
  'passphrase',
];

/**
 * Endings that make any key sensitive (`db_password`, `githubToken`, `stripeSecret`), while names such
 * as `token_count` or `secretary` stay visible.
 */
const SENSITIVE_SUFFIXES = ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'secretkey'];

const normalise = (key: string) => key.toLowerCase().replace(/[-_ ]/g, '');

/** Decides whether a key's value must be censored, by name alone. */
export type KeyMatcher = (key: string) => boolean;

/**
 * Builds a matcher over `keys` (normalised). A dotted key (an OTel attribute such as
 * `http.request.header.authorization`) is judged by its last segment as well as in full.
 */
export function createKeyMatcher(keys: readonly string[], suffixes: boolean): KeyMatcher {
  const exact = new Set(keys.map(normalise));
  const cache = new Map<string, boolean>();
  const judge = (k: string): boolean => {
    const n = normalise(k);
    return exact.has(n) || (suffixes && SENSITIVE_SUFFIXES.some((s) => n.endsWith(s)));
  };
  return (key) => {
    let hit = cache.get(key);
    if (hit === undefined) {
      const dot = key.lastIndexOf('.');
      hit = judge(key) || (dot >= 0 && judge(key.slice(dot + 1)));
      // Keys repeat endlessly in logs; a bounded cache keeps the common case to one lookup.
      if (cache.size < 10_000) cache.set(key, hit);
    }
    return hit;
  };
}

/** One parsed path: segments are key names or `*` (any key at that level). */
export type KeyPath = readonly string[];

/** Parses a pino redact path; throws with the path when it is malformed (caught at configuration). */
export function parsePath(path: string): KeyPath {
  const segments: string[] = [];
  const re = /\s*(?:\.?([A-Za-z_$*][\w$]*|\*)|\[\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\d+|\*))\s*\])/y;
  let index = 0;
  while (index < path.length) {
    re.lastIndex = index;
    const m = re.exec(path);
    if (!m || (index === 0 && m[0].startsWith('.'))) throw new Error(`paths: cannot parse "${path}" at position ${index}`);
    segments.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string);
    index = re.lastIndex;
  }
  if (segments.length === 0) throw new Error(`paths: empty path`);
  return segments;
}

/** True when `trail` (the keys from the root to a value) is exactly one of `paths`. */
export function matchesPath(paths: readonly KeyPath[], trail: readonly string[]): boolean {
  outer: for (const p of paths) {
    if (p.length !== trail.length) continue;
    for (let i = 0; i < p.length; i++) {
      if (p[i] !== '*' && p[i] !== trail[i]) continue outer;
    }
    return true;
  }
  return false;
}

/** Writes a key as a pino path segment: bare when it is an identifier, else bracketed and quoted. */
export function pinoSegment(key: string, first: boolean): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return first ? key : `.${key}`;
  return `[${JSON.stringify(key)}]`;
}
