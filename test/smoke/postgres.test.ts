import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client } from 'pg';
import { loadStackEndpoints } from '../stack/endpoints';
import { uniqueName } from './smoke-helpers';

describe('stack Postgres', () => {
  it('serves the hindsight database on PostgreSQL 15 and round-trips rows', async () => {
    const { postgres } = loadStackEndpoints();
    const client = new Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const info = await client.query<{ db: string; version: string }>('SELECT current_database() AS db, version() AS version');
      assert.equal(info.rows[0]?.db, 'hindsight');
      assert.match(info.rows[0]?.version ?? '', /^PostgreSQL 15\./);

      const table = uniqueName('smoke');
      await client.query(`CREATE TEMP TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
      await client.query(`INSERT INTO ${table} VALUES ($1, $2), ($3, $4)`, [1, 'one', 2, 'two']);
      const rows = await client.query<{ id: number; note: string }>(`SELECT id, note FROM ${table} ORDER BY id`);
      assert.deepEqual(rows.rows, [{ id: 1, note: 'one' }, { id: 2, note: 'two' }]);
    } finally {
      await client.end();
    }
  });
});
