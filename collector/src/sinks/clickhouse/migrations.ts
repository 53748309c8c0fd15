import { createHash } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { ConfigError } from '../../errors/hindsight-error';
import type { ServerCapabilities } from './server-capabilities';
import { listMigrationFiles, renderTemplate, splitStatements, templateValues, type MigrationFile } from './sql-files';
import { sqlIdentifier } from './sql-literal';

/** What {@link applyMigrations} did. */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Creates the database when missing. Needs a client whose default database exists (e.g. `default`). */
export async function ensureDatabase(adminClient: ClickHouseClient, database: string): Promise<void> {
  await adminClient.command({ query: `CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(database)}` });
}

function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex').slice(0, 16);
}

/**
 * Brings the client's database to the latest schema. Every statement is idempotent (`IF NOT EXISTS`),
 * so a run interrupted half way, or two collectors starting together, end in the same schema; the
 * `schema_migrations` table only saves re-running finished files. A file that changed after it was
 * applied is refused: schemas move forward by new files, never by edits.
 * @throws ConfigError when an applied migration's text differs from the file.
 */
export async function applyMigrations(
  client: ClickHouseClient,
  caps: ServerCapabilities,
  files: MigrationFile[] = listMigrationFiles(),
): Promise<MigrationReport> {
  const values = templateValues(caps);
  const rendered = files.map((f) => ({ ...f, sql: renderTemplate(f.text, values) }));
  const [bootstrap, ...rest] = rendered;
  if (!bootstrap || bootstrap.version !== 0) throw new Error('migration 000 (schema_migrations) is missing');
  for (const stmt of splitStatements(bootstrap.sql)) await client.command({ query: stmt });

  const rs = await client.query({
    query: 'SELECT version, any(checksum) AS checksum FROM schema_migrations GROUP BY version',
    format: 'JSONEachRow',
  });
  const applied = new Map((await rs.json<{ version: number; checksum: string }>()).map((r) => [Number(r.version), r.checksum]));
  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const m of rest) {
    const sum = checksum(m.sql);
    const previous = applied.get(m.version);
    if (previous !== undefined) {
      if (previous !== sum) {
        throw new ConfigError(`ClickHouse migration ${m.name} changed after it was applied (checksum ${previous} → ${sum}); add a new migration instead`);
      }
      report.alreadyApplied.push(m.name);
      continue;
    }
    for (const stmt of splitStatements(m.sql)) await client.command({ query: stmt });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: sum, applied_at: Math.floor(Date.now() / 1000) }],
      format: 'JSONEachRow',
    });
    report.applied.push(m.name);
  }
  return report;
}
