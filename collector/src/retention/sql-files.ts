import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The retention job's SQL lives in `sql/` beside the sources. The TypeScript build does not copy .sql
 * files, so compiled code (dist/retention) falls back to the same folder under src/.
 */
function sqlDir(): string {
  const candidates = [join(__dirname, 'sql'), resolve(__dirname, '..', '..', 'src', 'retention', 'sql')];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) throw new Error(`retention: SQL files not found (looked in ${candidates.join(', ')})`);
  return found;
}

const cache = new Map<string, string>();

/** Text of `sql/<name>.sql`, read once. */
export function retentionSql(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(sqlDir(), `${name}.sql`), 'utf8');
    cache.set(name, text);
  }
  return text;
}
