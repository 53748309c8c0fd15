import { createHash, randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { FastifyInstance } from 'fastify';
import { applyMigrations } from '../../sinks/clickhouse';
import { createTestDatabase as createClickHouseDatabase, type TestDatabase as ClickHouseTestDatabase } from '../../sinks/clickhouse/test-database';
import { createPostgresSink } from '../../sinks/postgres';
import { createTestDatabase as createPostgresDatabase, type TestDatabase as PostgresTestDatabase } from '../../sinks/postgres/test-database';
import type { SinkRecord } from '../../sinks/records';
import { silentLogger } from '../../telemetry/logger';
import { parseApiConfig } from '../config/parse-api-config';
import { buildApiServer } from '../server/build-server';

/** Tokens of the test server: one per tenant, an admin of tenant A, an admin of every tenant. */
export interface TestTokens {
  readerA: string;
  readerB: string;
  adminA: string;
  adminAll: string;
}

/** A migrated Postgres + ClickHouse pair on the local stack and an API server over them. */
export interface ApiTestEnv {
  pg: PostgresTestDatabase;
  ch: ClickHouseTestDatabase;
  reader: Pool;
  operator: Pool;
  app: FastifyInstance;
  tenantA: string;
  tenantB: string;
  tokens: TestTokens;
  /** Writes records through the real Postgres sink (hash chain, run upsert, as hindsight_writer). */
  write(records: SinkRecord[]): Promise<void>;
  /** `Authorization` header value for a token. */
  auth(token: string): { authorization: string };
  close(): Promise<void>;
}

const sha = (t: string): string => createHash('sha256').update(t).digest('hex');
const asRole = (url: string, role: string): string => url.replace(/\/\/[^@/]+@/, `//${role}@`);

/** Creates the databases (fresh, migrated), the pools and the server (not listening: use inject). */
export async function createApiTestEnv(prefix: string, overrides: Record<string, unknown> = {}): Promise<ApiTestEnv> {
  const pg = await createPostgresDatabase(prefix);
  const ch = await createClickHouseDatabase(prefix);
  await applyMigrations(ch.client, ch.caps);
  const suffix = randomBytes(4).toString('hex');
  const tenantA = `tenant-a-${suffix}`;
  const tenantB = `tenant-b-${suffix}`;
  const tokens: TestTokens = {
    readerA: `reader-a-${randomBytes(16).toString('hex')}`,
    readerB: `reader-b-${randomBytes(16).toString('hex')}`,
    adminA: `admin-a-${randomBytes(16).toString('hex')}`,
    adminAll: `admin-all-${randomBytes(16).toString('hex')}`,
  };
  const config = parseApiConfig({
    port: 0,
    postgres: { readerUrl: pg.readerUrl, operatorUrl: asRole(pg.adminUrl, 'hindsight_operator') },
    clickhouse: { url: ch.url, database: ch.name },
    tokens: [
      { name: 'reader-a', sha256: sha(tokens.readerA), tenants: [tenantA] },
      { name: 'reader-b', sha256: sha(tokens.readerB), tenants: [tenantB] },
      { name: 'admin-a', env: 'HS_TEST_ADMIN_A', tenants: [tenantA], admin: true },
      { name: 'admin-all', sha256: sha(tokens.adminAll), tenants: ['*'], admin: true },
    ],
    ...overrides,
  });
  const reader = new Pool({ connectionString: config.postgres.readerUrl, max: 4 });
  const operator = new Pool({ connectionString: config.postgres.operatorUrl, max: 2 });
  const app = buildApiServer({
    config,
    reader,
    operator,
    clickhouse: { client: ch.client, caps: ch.caps },
    logger: silentLogger,
    env: { HS_TEST_ADMIN_A: tokens.adminA },
  });
  await app.ready();
  const sink = createPostgresSink({ url: pg.writerUrl });
  await sink.start();
  return {
    pg, ch, reader, operator, app, tenantA, tenantB, tokens,
    async write(records) {
      for (let i = 0; i < records.length; i += 1000) {
        const r = await sink.write(records.slice(i, i + 1000));
        if (r.status !== 'written') throw new Error(`sink write: ${JSON.stringify(r)}`);
      }
    },
    auth: (token) => ({ authorization: `Bearer ${token}` }),
    async close() {
      await app.close();
      await sink.shutdown();
      await Promise.all([reader.end(), operator.end()]);
      await Promise.all([pg.drop(), ch.drop()]);
    },
  };
}
