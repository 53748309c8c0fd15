import { randomBytes } from 'node:crypto';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { detectCapabilities, type ServerCapabilities } from './server-capabilities';
import { sqlIdentifier } from './sql-literal';
import { loadStackEndpoints } from '../../../../test/stack/endpoints';

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
  const { clickhouse } = loadStackEndpoints();
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
