import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The API's SQL lives in `queries/sql/*.sql` beside the sources. tsc does not copy .sql files, so
 * compiled code (dist/api/queries) falls back to the same folder under src/.
 */
function sqlDir(): string {
  const candidates = [join(__dirname, 'sql'), resolve(__dirname, '..', '..', '..', 'src', 'api', 'queries', 'sql')];
  const found = candidates.find((dir) => existsSync(join(dir, 'journal-page.sql')));
  if (found === undefined) throw new Error(`operator API: SQL files not found (looked in ${candidates.join(', ')})`);
  return found;
}

const cache = new Map<string, string>();

/** Text of `sql/<name>.sql`, read once per process. */
export function apiSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(sqlDir(), `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
