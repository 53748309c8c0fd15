import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The SQL of this sink lives in .sql files beside the sources. The TypeScript build does not copy
 * them, so compiled code (dist/sinks/postgres) falls back to the same folder under src/.
 */
function sqlRoot(): string {
  const candidates = [__dirname, resolve(__dirname, '..', '..', '..', 'src', 'sinks', 'postgres')];
  for (const dir of candidates) {
    if (existsSync(join(dir, 'queries')) && existsSync(join(dir, 'migrations'))) return dir;
  }
  throw new Error(`postgres sink: SQL files not found (looked in ${candidates.join(', ')})`);
}

const cache = new Map<string, string>();

/** Text of `queries/<name>.sql`, read once. */
export function query(name: string): string {
  const key = `queries/${name}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(join(sqlRoot(), 'queries', `${name}.sql`), 'utf8');
    cache.set(key, text);
  }
  return text;
}

/** One versioned migration file: `NNN_name.sql`, applied in version order. */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

/** The versioned migrations, sorted by version; refuses duplicate versions. */
export function migrationFiles(): MigrationFile[] {
  const dir = join(sqlRoot(), 'migrations');
  const files: MigrationFile[] = [];
  for (const file of readdirSync(dir)) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (m === null) continue;
    files.push({ version: Number(m[1]), name: m[2] ?? file, sql: readFileSync(join(dir, file), 'utf8') });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]?.version === files[i - 1]?.version) {
      throw new Error(`postgres sink: two migrations share version ${files[i]?.version}`);
    }
  }
  return files;
}

/** The bootstrap file (roles, schema, schema_migrations), run before the versioned files. */
export function bootstrapSql(): string {
  return readFileSync(join(sqlRoot(), 'migrations', 'bootstrap.sql'), 'utf8');
}

/** Highest version among the migration files: the schema version this code needs. */
export function latestMigrationVersion(): number {
  const files = migrationFiles();
  return files.length === 0 ? 0 : (files[files.length - 1]?.version ?? 0);
}
