import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSqlFile, sqlFolder } from '../../sql-files/sql-source';

/** This sink's folder under the collector's `src/`: it holds `queries/` and `migrations/`. */
function sqlRoot(): string {
  return sqlFolder('sinks', 'postgres');
}

/** Text of `queries/<name>.sql`, read once. */
export function query(name: string): string {
  return readSqlFile('sinks', 'postgres', 'queries', `${name}.sql`);
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
