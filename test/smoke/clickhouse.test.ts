import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createClient } from '@clickhouse/client';
import { loadStackEndpoints } from '../stack/endpoints';
import { uniqueName } from './smoke-helpers';

describe('stack ClickHouse', () => {
  it('inserts JSONEachRow and selects it back', async () => {
    const { clickhouse } = loadStackEndpoints();
    const client = createClient({ url: clickhouse.url, username: clickhouse.user, database: clickhouse.database });
    // 18.16 has no query parameters, so the table name is unique and interpolated.
    const table = uniqueName('smoke');
    try {
      const version = await (await client.query({ query: 'SELECT version() AS v', format: 'JSONEachRow' })).json<{ v: string }>();
      assert.match(version[0]?.v ?? '', /^\d+\.\d+/);
      await client.command({ query: `CREATE TABLE ${table} (id UInt32, name String) ENGINE = MergeTree ORDER BY id` });
      const rows = [{ id: 2, name: 'two' }, { id: 1, name: 'one' }, { id: 3, name: 'three' }];
      await client.insert({ table, values: rows, format: 'JSONEachRow' });
      const back = await (await client.query({ query: `SELECT id, name FROM ${table} ORDER BY id`, format: 'JSONEachRow' })).json<{ id: number; name: string }>();
      assert.deepEqual(back, [{ id: 1, name: 'one' }, { id: 2, name: 'two' }, { id: 3, name: 'three' }]);
    } finally {
      await client.command({ query: `DROP TABLE IF EXISTS ${table}` });
      await client.close();
    }
  });
});
