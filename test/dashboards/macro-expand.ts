/**
 * Grafana's interpolation, as documented, for the macros and variables the dashboards use. Order as in
 * Grafana: template variables and global variables first (frontend), then the datasource's macros
 * (backend). Anything left that looks like a macro or variable is an error, so a macro the dashboards
 * start using without the test knowing fails the test instead of reaching the database unexpanded.
 *
 * Postgres (Grafana's SQL datasources): `$__timeFilter(c)` → `c BETWEEN '<from>' AND '<to>'` (RFC 3339,
 * UTC), `$__timeFrom()` / `$__timeTo()` → `'<from>'` / `'<to>'`, `$__timeGroupAlias(c, <interval>)` →
 * `floor(extract(epoch from c)/<s>)*<s> AS "time"`.
 * ClickHouse (grafana-clickhouse-datasource): `$__timeFilter(c)` → `c >= toDateTime(<from s>) AND
 * c <= toDateTime(<to s>)`, `$__fromTime` / `$__toTime` → `toDateTime(<s>)`, `$__interval_s` → seconds.
 * Prometheus: `$__interval`, `$__rate_interval` (max(interval + scrape interval, 4 × scrape interval)).
 * Variables: `${name:sqlstring}` → `'v1','v2'` with `'` doubled; `$name` / `${name}` in PromQL → a
 * single value, or `(v1|v2)` with regex characters escaped for several.
 */

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface Interpolation {
  range: TimeRange;
  /** `$__interval` in seconds (Grafana derives it from the range and the panel width). */
  intervalSeconds: number;
  /** Prometheus scrape interval in seconds (the datasource's timeInterval). */
  scrapeSeconds: number;
  /** Template variable values (several for multi-value variables). */
  variables: Record<string, string[]>;
}

const rfc3339 = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
const sqlString = (v: string): string => `'${v.replace(/'/g, "''")}'`;
const regexEscape = (v: string): string => v.replace(/[\\^$*+?.()|[\]{}]/g, '\\$&');
const duration = (seconds: number): string => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

function parseDuration(text: string): number {
  const m = /^'?(\d+)(ms|s|m|h|d)'?$/.exec(text.trim());
  if (!m) throw new Error(`cannot read interval "${text}"`);
  const n = Number(m[1]);
  return { ms: n / 1000, s: n, m: n * 60, h: n * 3600, d: n * 86400 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

/** Template and global variables, for a datasource of `kind`. */
export function interpolateVariables(text: string, kind: 'sql' | 'promql', i: Interpolation): string {
  const rate = Math.max(i.intervalSeconds + i.scrapeSeconds, 4 * i.scrapeSeconds);
  const globals: Record<string, string> = {
    __interval: duration(i.intervalSeconds),
    __interval_ms: String(i.intervalSeconds * 1000),
    __rate_interval: duration(rate),
    __range: duration(epochSeconds(i.range.to) - epochSeconds(i.range.from)),
  };
  return text.replace(/\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g, (whole, braced?: string, format?: string, bare?: string) => {
    const name = (braced ?? bare)!;
    if (name in globals) return globals[name]!;
    if (name.startsWith('__')) return whole; // a macro, expanded by the datasource
    const values = i.variables[name];
    if (values === undefined) throw new Error(`variable $${name} has no value in the test`);
    if (format === 'sqlstring') return values.map(sqlString).join(',');
    if (format !== undefined) throw new Error(`variable format :${format} is not handled by the test`);
    if (kind === 'promql') return values.length === 1 ? regexEscape(values[0]!) : `(${values.map(regexEscape).join('|')})`;
    return values.join(',');
  });
}

/** Macros with arguments: `$__name(arg, ...)`; arguments contain no parentheses in our dashboards. */
function replaceMacro(text: string, name: string, fn: (args: string[]) => string): string {
  return text.replace(new RegExp(`\\$__${name}\\(([^()]*)\\)`, 'g'), (_w, args: string) => fn(args.split(',').map((a) => a.trim()).filter((a) => a !== '')));
}

function leftovers(text: string): string {
  const m = /\$__\w+|\$\{?\w+/.exec(text);
  if (m) throw new Error(`unexpanded "${m[0]}" in:\n${text}`);
  return text;
}

export function expandPostgres(text: string, i: Interpolation): string {
  let sql = interpolateVariables(text, 'sql', i);
  const [from, to] = [rfc3339(i.range.from), rfc3339(i.range.to)];
  sql = replaceMacro(sql, 'timeFilter', ([c]) => `${c} BETWEEN '${from}' AND '${to}'`);
  sql = replaceMacro(sql, 'timeFrom', () => `'${from}'`);
  sql = replaceMacro(sql, 'timeTo', () => `'${to}'`);
  sql = replaceMacro(sql, 'timeGroupAlias', ([c, iv]) => {
    const s = parseDuration(iv ?? '');
    return `floor(extract(epoch from ${c})/${s})*${s} AS "time"`;
  });
  return leftovers(sql);
}

export function expandClickHouse(text: string, i: Interpolation): string {
  let sql = interpolateVariables(text, 'sql', i);
  const [from, to] = [epochSeconds(i.range.from), epochSeconds(i.range.to)];
  sql = replaceMacro(sql, 'timeFilter', ([c]) => `${c} >= toDateTime(${from}) AND ${c} <= toDateTime(${to})`);
  sql = sql.replace(/\$__fromTime\b/g, `toDateTime(${from})`).replace(/\$__toTime\b/g, `toDateTime(${to})`);
  sql = sql.replace(/\$__interval_s\b/g, String(Math.max(1, i.intervalSeconds)));
  return leftovers(sql);
}

export function expandPrometheus(text: string, i: Interpolation): string {
  return leftovers(interpolateVariables(text, 'promql', i));
}
