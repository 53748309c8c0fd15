import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { detectCapabilities, type ServerCapabilities } from './server-capabilities';
import { sqlIdentifier } from './sql-literal';

/** The part of test/stack/endpoints.ts's StackEndpoints these tests use. */
interface StackClickHouse {
  clickhouse: { url: string; user: string };
}

/**
 * Endpoints of the running local stack, through test/stack's loadStackEndpoints (which throws, naming
 * `npm run stack -- up`, when the stack is down). Loaded at run time: test/stack is outside this
 * package's TypeScript root.
 */
export function stackEndpoints<T = StackClickHouse>(): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(resolve(__dirname, '..', '..', '..', '..', 'test', 'stack', 'endpoints')) as { loadStackEndpoints(): T };
  return mod.loadStackEndpoints();
}

/** A throw-away database on the stack's ClickHouse for one integration test. */
export interface TestDatabase {
  name: string;
  url: string;
  /** Client whose default database is `name`. */
  client: ClickHouseClient;
  caps: ServerCapabilities;
  drop(): Promise<void>;
}

/** Creates `hindsight_test_<prefix>_<random>` on the stack's ClickHouse. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const { clickhouse } = stackEndpoints();
  const name = `hindsight_test_${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = createClient({ url: clickhouse.url, username: clickhouse.user });
  await admin.command({ query: `CREATE DATABASE IF NOT EXISTS ${sqlIdentifier(name)}` });
  const client = createClient({ url: clickhouse.url, username: clickhouse.user, database: name });
  const caps = await detectCapabilities(client);
  return {
    name,
    url: clickhouse.url,
    client,
    caps,
    async drop() {
      await client.close();
      await admin.command({ query: `DROP DATABASE IF EXISTS ${sqlIdentifier(name)}` });
      await admin.close();
    },
  };
}
