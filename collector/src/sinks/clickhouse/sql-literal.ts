/**
 * The one place where values become ClickHouse SQL text.
 *
 * ClickHouse 18.16 has no query parameters (`{name:Type}` arrives in 19.x), so on old servers values
 * that end up in a query are written as literals. Everything that does so goes through these functions,
 * which are tested by a round trip through the real server (sql-literal.int.test.ts). Inserted data
 * never passes here: rows travel as RowBinary, which needs no escaping.
 */

// A lone surrogate cannot be encoded as UTF-8, so the server would receive U+FFFD instead of what the
// caller wrote; refusing it keeps "what you escape is what the server compares".
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Quotes `value` as a ClickHouse string literal: `'...'` with backslash escapes. Control characters
 * (including NUL) become `\xHH`, so the literal stays on one line and survives any transport.
 * @throws TypeError when the value is not a string or holds a lone UTF-16 surrogate.
 */
export function sqlString(value: string): string {
  if (typeof value !== 'string') throw new TypeError(`sqlString expects a string, got ${typeof value}`);
  if (LONE_SURROGATE.test(value)) throw new TypeError('string holds a lone UTF-16 surrogate; it has no UTF-8 form');
  let out = "'";
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + "'";
}

/**
 * Quotes a database, table or column name. Only plain names are accepted (letters, digits, `_`, not
 * starting with a digit): names come from configuration, and refusing anything else is simpler and
 * safer than escaping backticks.
 * @throws TypeError naming the bad value.
 */
export function sqlIdentifier(name: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name)) {
    throw new TypeError(`not a plain identifier (letters, digits, _): ${JSON.stringify(name)}`);
  }
  return '`' + name + '`';
}

const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Writes a non-negative integer (up to UInt64) as a literal.
 * @throws TypeError when the value is not an integer in 0..2^64-1.
 */
export function sqlUnsigned(value: number | bigint | string): string {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not a safe integer: ${value}`);
    n = BigInt(value);
  } else if (typeof value === 'bigint') {
    n = value;
  } else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) {
    n = BigInt(value);
  } else {
    throw new TypeError(`not an unsigned integer: ${JSON.stringify(value)}`);
  }
  if (n < 0n || n > UINT64_MAX) throw new TypeError(`out of UInt64 range: ${n}`);
  return n.toString();
}

/** Writes an array literal of strings, each through {@link sqlString}. */
export function sqlStringArray(values: readonly string[]): string {
  return '[' + values.map(sqlString).join(', ') + ']';
}
