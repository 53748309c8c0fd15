import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Where the collector's SQL files live. They sit beside the sources under `src/` and tsc does not copy
 * them, so compiled code (`dist/`) reads them from `src/` too; the package ships `src/**\/*.sql`.
 * This file is two folders below the package root both as `src/sql-files` and `dist/sql-files`.
 */
const SOURCE_ROOT = resolve(__dirname, '..', '..', 'src');

/** Absolute path of a folder of SQL files, given its path under the collector's `src/`. */
export function sqlFolder(...segments: string[]): string {
  const dir = join(SOURCE_ROOT, ...segments);
  if (!existsSync(dir)) throw new Error(`SQL files not found: ${dir} is missing`);
  return dir;
}

const cache = new Map<string, string>();

/** Text of a SQL file under the collector's `src/`, read once per process. */
export function readSqlFile(...segments: string[]): string {
  const path = join(SOURCE_ROOT, ...segments);
  let text = cache.get(path);
  if (text === undefined) {
    text = readFileSync(path, 'utf8');
    cache.set(path, text);
  }
  return text;
}
