import type { ServerCapabilities } from './server-capabilities';
import { sqlString, sqlStringArray, sqlUnsigned } from './sql-literal';

/** Values for the `{name:Type}` placeholders of a query. */
export type QueryParams = Record<string, string | number | bigint | readonly string[]>;

/** A query ready for `@clickhouse/client`: `query_params` only when the server supports them. */
export interface BoundQuery {
  query: string;
  query_params?: Record<string, unknown>;
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z0-9_(), ]+?)\s*\}/g;
const UNSIGNED = /^UInt(8|16|32|64)$/;

/**
 * Binds `params` to a query written with ClickHouse's native `{name:Type}` placeholders.
 *
 * Current servers get the placeholders and the values separately (the server parses the values).
 * On servers without query parameters (18.16) each placeholder is replaced by a literal from
 * sql-literal.ts, chosen by the declared type; types without a literal writer are refused rather than
 * guessed. Every placeholder needs a value and every value a placeholder, so typos fail loudly.
 * @throws TypeError on a missing or unused parameter, an unsupported type or a value of the wrong shape.
 */
export function bindQuery(template: string, params: QueryParams, caps: Pick<ServerCapabilities, 'queryParams'>): BoundQuery {
  const used = new Set<string>();
  const literal = template.replace(PLACEHOLDER, (_all, name: string, type: string) => {
    if (!Object.prototype.hasOwnProperty.call(params, name)) throw new TypeError(`no value for query parameter "${name}"`);
    used.add(name);
    return toLiteral(name, type.replace(/\s+/g, ''), params[name] as QueryParams[string]);
  });
  for (const name of Object.keys(params)) {
    if (!used.has(name)) throw new TypeError(`query parameter "${name}" has no placeholder`);
  }
  if (!caps.queryParams) return { query: literal };
  return { query: template, query_params: { ...params } };
}

function toLiteral(name: string, type: string, value: QueryParams[string]): string {
  if (type === 'String') {
    if (typeof value !== 'string') throw new TypeError(`parameter "${name}" is String but got ${typeof value}`);
    return sqlString(value);
  }
  if (UNSIGNED.test(type)) {
    if (Array.isArray(value)) throw new TypeError(`parameter "${name}" is ${type} but got an array`);
    return sqlUnsigned(value as number | bigint | string);
  }
  if (type === 'Array(String)') {
    if (!Array.isArray(value)) throw new TypeError(`parameter "${name}" is Array(String) but got ${typeof value}`);
    return sqlStringArray(value as string[]);
  }
  throw new TypeError(`parameter "${name}" has type ${type}, which has no literal writer`);
}
