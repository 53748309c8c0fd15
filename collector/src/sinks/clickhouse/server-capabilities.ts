/**
 * What the connected ClickHouse can do, derived once from `SELECT version()` at start.
 *
 * The local stack runs 18.16 (2018); docker-compose and production run current releases. Everything
 * the two generations do differently is decided here and nowhere else, from the first release that
 * has the feature on by default. When in doubt the threshold is the later release: using the 18.16
 * path on a newer server is always correct, only less efficient.
 */

/** A parsed `major.minor.patch[.build]` server version. */
export interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  /** The string the server reported. */
  text: string;
}

/** Features gated on the server version. */
export interface ServerCapabilities {
  version: ServerVersion;
  /** `{name:Type}` placeholders with `param_*` values (19.11+); else literals via sql-literal.ts. */
  queryParams: boolean;
  /** Table and column `TTL` clauses (19.6+). */
  ttl: boolean;
  /** `LowCardinality(T)` without the experimental setting (19.3+; 18.16 needs a setting). */
  lowCardinality: boolean;
  /** `DateTime64(p)` (20.1+). */
  dateTime64: boolean;
  /** `Map(K, V)` without an experimental setting (21.8+). */
  mapType: boolean;
}

/** Names of the boolean capabilities; migration variants name these in `-- requires:` lines. */
export type CapabilityName = Exclude<keyof ServerCapabilities, 'version'>;

export const CAPABILITY_NAMES: readonly CapabilityName[] = ['queryParams', 'ttl', 'lowCardinality', 'dateTime64', 'mapType'];

/**
 * Parses what `SELECT version()` returns, e.g. `18.16.1` or `24.8.4.13`.
 * @throws TypeError when the text does not start with `major.minor`.
 */
export function parseServerVersion(text: string): ServerVersion {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) throw new TypeError(`unrecognised ClickHouse version: ${JSON.stringify(text)}`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: text.trim() };
}

function atLeast(v: ServerVersion, major: number, minor: number): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** Capabilities of a server that reported `versionText`. */
export function capabilitiesFor(versionText: string): ServerCapabilities {
  const version = parseServerVersion(versionText);
  return {
    version,
    queryParams: atLeast(version, 19, 11),
    ttl: atLeast(version, 19, 6),
    lowCardinality: atLeast(version, 19, 3),
    dateTime64: atLeast(version, 20, 1),
    mapType: atLeast(version, 21, 8),
  };
}

/** Asks the server its version (works on every generation) and derives its capabilities. */
export async function detectCapabilities(client: {
  query(p: { query: string; format: 'JSONEachRow' }): Promise<{ json<T>(): Promise<T[]> }>;
}): Promise<ServerCapabilities> {
  const rs = await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' });
  const rows = await rs.json<{ v: string }>();
  const v = rows[0]?.v;
  if (typeof v !== 'string') throw new TypeError('SELECT version() returned no row');
  return capabilitiesFor(v);
}
