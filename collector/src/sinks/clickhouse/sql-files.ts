import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sqlFolder } from '../../sql-files/sql-source';
import type { ServerCapabilities } from './server-capabilities';

/** Folder holding `migrations/` and `queries/`. */
export const SQL_DIR = sqlFolder('sinks', 'clickhouse', 'sql');

/**
 * Template values that differ between server generations. Kept to type names: anything larger than
 * a type would be a second schema to maintain.
 */
export function templateValues(caps: Pick<ServerCapabilities, 'lowCardinality'>): Record<string, string> {
  return { lc_string: caps.lowCardinality ? 'LowCardinality(String)' : 'String' };
}

/**
 * Replaces `{{name}}` tokens. Unknown tokens fail: a typo must not reach the server as SQL.
 * @throws Error naming the unknown token.
 */
export function renderTemplate(sql: string, values: Record<string, string>): string {
  return sql.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (_all, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`unknown template token {{${name}}}`);
    return v;
  });
}

/**
 * Splits a file into statements at semicolons that end a line, dropping `--` comment lines. The
 * project's SQL files never put `;` at a line end inside a literal, so this needs no SQL parser.
 */
export function splitStatements(sql: string): string[] {
  const body = sql
    .split('\n')
    .filter((line) => !/^\s*--/.test(line))
    .join('\n');
  return body
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads `sql/queries/<name>.sql`, without comment lines. */
export function loadQuery(name: string): string {
  const text = readFileSync(join(SQL_DIR, 'queries', `${name}.sql`), 'utf8');
  const statements = splitStatements(text);
  if (statements.length !== 1) throw new Error(`query file ${name}.sql must hold one statement`);
  return statements[0] as string;
}

/** A migration file: `NNN_name.sql` under `sql/migrations/`. */
export interface MigrationFile {
  version: number;
  name: string;
  text: string;
}

/** The migration files in version order. */
export function listMigrationFiles(dir = join(SQL_DIR, 'migrations')): MigrationFile[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), text: readFileSync(join(dir, f), 'utf8') }));
}
