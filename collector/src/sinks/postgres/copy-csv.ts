import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * One value in `COPY … (FORMAT csv)` spelling: NULL is the unquoted empty field; every other value is
 * quoted, with `"` doubled, so an empty string stays distinct from NULL and commas, quotes, newlines
 * and backslashes need no other escaping (CSV mode gives backslash no meaning). Buffers are written in
 * bytea's hex format, other objects as JSON text (jsonb columns). A NUL character is passed through: Postgres refuses it (22021), and the
 * sink isolates the record like any other refused value.
 */
export function csvValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return `"\\x${v.toString('hex')}"`; // bytea, hex format
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return s.includes('"') ? `"${s.replace(/"/g, '""')}"` : `"${s}"`;
}

/** Rows as CSV text in `columns` order, one line per row (quoted values may span lines). */
export function csvRows<R extends object>(rows: readonly R[], columns: ReadonlyArray<keyof R>): string {
  let out = '';
  for (const row of rows) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) line += ',';
      line += csvValue(row[columns[i] as keyof R]);
    }
    out += line + '\n';
  }
  return out;
}

/**
 * `COPY <table> (<columns>) FROM STDIN (FORMAT csv)` of `csv` (lines as {@link csvRows} writes them) on
 * `client`, inside the caller's transaction. `table` and `columns` are trusted identifiers from this
 * sink's code, never input.
 */
export async function copyCsv(client: PoolClient, table: string, columns: readonly string[], csv: string): Promise<void> {
  if (csv === '') return;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN WITH (FORMAT csv)`));
  await pipeline(Readable.from([csv]), stream);
}
