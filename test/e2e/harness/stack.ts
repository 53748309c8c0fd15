/**
 * What an end-to-end test file needs from the local stack: its endpoints (read once, before any
 * component is stopped), topics of its own, a fresh Postgres database migrated by the collector's own
 * `migrate` command, and a ClickHouse database name of its own.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client, Pool, escapeIdentifier } from 'pg';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { loadStackEndpoints, type StackEndpoints } from '../../stack/endpoints';
import { kafkaControl } from '../../stack/kafka-control';

export const REPO = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** A random suffix, lowercase letters and digits (valid in topics, SQL identifiers and ids). */
export const uniqueSuffix = (): string => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

let cached: StackEndpoints | undefined;
/**
 * The stack's endpoints, read once per process: while a test has stopped a component,
 * loadStackEndpoints() would report it down.
 */
export function endpoints(): StackEndpoints {
  cached ??= loadStackEndpoints();
  return cached;
}

/** One test file's Kafka topics (the SDK writes them, the collector reads them). */
export interface E2eTopics {
  spans: string;
  logs: string;
  audit: string;
  journal: string;
  dlq: string;
}

/** Creates this file's topics on the mock cluster (4 partitions each, 2 for the DLQ, like the defaults). */
export async function createTopics(prefix: string): Promise<E2eTopics> {
  const s = uniqueSuffix();
  const topics: E2eTopics = {
    spans: `${prefix}-spans-${s}`,
    logs: `${prefix}-logs-${s}`,
    audit: `${prefix}-audit-${s}`,
    journal: `${prefix}-journal-${s}`,
    dlq: `${prefix}-dlq-${s}`,
  };
  for (const [kind, name] of Object.entries(topics)) await kafkaControl(`create_topic ${name} ${kind === 'dlq' ? 2 : 4}`);
  return topics;
}

/** Runs the collector's CLI (from sources) and returns its exit code and output. */
export async function collectorCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', ...args], {
      cwd: REPO,
      env: { ...process.env, ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** A fresh Postgres database of one test file, migrated by `hindsight-collector migrate`. */
export interface E2ePostgres {
  name: string;
  /** The stack's superuser on this database: inspection and tampering. */
  adminUrl: string;
  writerUrl: string;
  readerUrl: string;
  /** Superuser pool on this database. */
  admin: Pool;
  drop(): Promise<void>;
}

export async function createPostgres(prefix: string): Promise<E2ePostgres> {
  const pg = endpoints().postgres;
  const name = `hs_e2e_${prefix}_${uniqueSuffix()}`;
  const url = (user: string, db: string): string => `postgres://${encodeURIComponent(user)}@${pg.host}:${pg.port}/${db}`;
  const root = new Client({ connectionString: url(pg.user, pg.database) });
  await root.connect();
  try {
    await root.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
  } finally {
    await root.end();
  }
  const adminUrl = url(pg.user, name);
  const migrated = await collectorCli(['migrate', '--url', adminUrl]);
  if (migrated.code !== 0) throw new Error(`hindsight-collector migrate failed (${migrated.code}):\n${migrated.stderr}${migrated.stdout}`);
  const admin = new Pool({ connectionString: adminUrl, max: 3 });
  admin.on('error', () => undefined); // idle connections die when a test stops Postgres
  return {
    name,
    adminUrl,
    writerUrl: url('hindsight_writer', name),
    readerUrl: url('hindsight_reader', name),
    admin,
    async drop() {
      await admin.end().catch(() => undefined);
      const r = new Client({ connectionString: url(pg.user, pg.database) });
      await r.connect();
      try {
        await r.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await r.end();
      }
    },
  };
}

/** A ClickHouse database name of one test file; the collector's sink creates it and its tables. */
export interface E2eClickHouse {
  database: string;
  url: string;
  /** Client whose default database is `database`. */
  client: ClickHouseClient;
  drop(): Promise<void>;
}

export function clickHouseDatabase(prefix: string): E2eClickHouse {
  const ch = endpoints().clickhouse;
  const database = `hs_e2e_${prefix}_${uniqueSuffix()}`;
  const client = createClient({ url: ch.url, username: ch.user, database, request_timeout: 10_000 });
  return {
    database,
    url: ch.url,
    client,
    async drop() {
      await client.close();
      const admin = createClient({ url: ch.url, username: ch.user });
      try {
        await admin.command({ query: `DROP DATABASE IF EXISTS ${database}` });
      } finally {
        await admin.close();
      }
    },
  };
}

/** Polls `check` until it returns something other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(everyMs);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One line of figures per scenario, in the test output. */
export function figures(scenario: string, f: Record<string, number | string>): void {
  const text = Object.entries(f).map(([k, v]) => `${k}=${v}`).join(' ');
  process.stdout.write(`# figures ${scenario}: ${text}\n`);
}
