import { createHash } from 'node:crypto';
import { Client, type Pool, type PoolClient } from 'pg';
import { bootstrapSql, migrationFiles } from './sql-files';

/** Serializes migrate runs within one database (advisory locks are per database). */
const MIGRATE_LOCK: readonly [number, number] = [1751737683, 1];

/** Options of {@link runMigrations}. */
export interface MigrateOptions {
  /**
   * A privileged login: superuser, or a CREATEROLE role with CREATE on the database. Objects are
   * created after `SET ROLE hindsight_owner`, so they are owned by the owner role, not this login.
   */
  connectionString?: string;
  /** Alternatively, a pool to borrow one connection from (left open). */
  pool?: Pool;
  /** Optional passwords set on the login roles (the local stack uses trust auth and needs none). */
  passwords?: { writer?: string; reader?: string; operator?: string };
  /** Progress lines, e.g. `console.log`. */
  log?: (line: string) => void;
}

/** What a migrate run did. */
export interface MigrateResult {
  /** Versions applied by this run, in order (empty when the schema was already current). */
  applied: number[];
  /** Schema version after the run. */
  version: number;
}

type Queryable = Client | PoolClient;

const fileName = (version: number, name: string): string => `${String(version).padStart(3, '0')}_${name}.sql`;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function inTransaction<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    const out = await fn();
    await db.query('COMMIT');
    return out;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Creates the roles, the `hindsight` schema and applies every versioned migration not yet applied,
 * each in its own transaction. Idempotent: a second run applies nothing. Refuses to continue when an
 * applied migration's file has changed since (its checksum differs).
 */
export async function runMigrations(options: MigrateOptions): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  let db: Queryable;
  let release: () => Promise<void>;
  if (options.pool) {
    const client = await options.pool.connect();
    db = client;
    release = async () => client.release();
  } else if (options.connectionString) {
    const client = new Client({ connectionString: options.connectionString, application_name: 'hindsight-migrate' });
    await client.connect();
    db = client;
    release = () => client.end();
  } else {
    throw new Error('runMigrations: give connectionString or pool');
  }

  try {
    await inTransaction(db, async () => {
      await db.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATE_LOCK]);
      // Passwords reach the bootstrap's DO block as transaction-local settings, never as SQL text.
      await db.query(
        "SELECT set_config('hindsight.password_hindsight_writer', $1, true), set_config('hindsight.password_hindsight_reader', $2, true), " +
          "set_config('hindsight.password_hindsight_operator', $3, true)",
        [options.passwords?.writer ?? '', options.passwords?.reader ?? '', options.passwords?.operator ?? ''],
      );
      await db.query(bootstrapSql());
    });

    const applied: number[] = [];
    for (const file of migrationFiles()) {
      const checksum = sha256(file.sql);
      const done = await inTransaction(db, async () => {
        await db.query('SELECT pg_advisory_xact_lock($1, $2)', [...MIGRATE_LOCK]);
        const prior = await db.query<{ checksum: string }>(
          'SELECT checksum FROM hindsight.schema_migrations WHERE version = $1',
          [file.version],
        );
        const row = prior.rows[0];
        if (row !== undefined) {
          if (row.checksum !== checksum) {
            throw new Error(
              `migration ${fileName(file.version, file.name)} was changed after it was applied; add a new migration instead`,
            );
          }
          return false;
        }
        await db.query('SET LOCAL ROLE hindsight_owner');
        await db.query(file.sql);
        await db.query('INSERT INTO hindsight.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          file.version,
          file.name,
          checksum,
        ]);
        return true;
      });
      if (done) {
        applied.push(file.version);
        log(`applied migration ${fileName(file.version, file.name)}`);
      }
    }
    const { rows } = await db.query<{ version: number }>('SELECT COALESCE(max(version), 0) AS version FROM hindsight.schema_migrations');
    const version = rows[0]?.version ?? 0;
    log(applied.length === 0 ? `schema is current (version ${version})` : `schema now at version ${version}`);
    return { applied, version };
  } finally {
    await release();
  }
}
