import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { sqlString, sqlStringArray } from './sql-literal';
import { createTestDatabase, type TestDatabase } from './test-database';

// Inputs that break naive escapers; each must come back from the real server byte for byte.
const NASTY = [
  '',
  "'",
  "''",
  '\\',
  "\\'",
  "\\\\'",
  "' OR 1=1 --",
  "'); DROP DATABASE default; --",
  'a\0b',
  '\0',
  'line1\nline2\r\nline3',
  '\t\b\f\v\x01\x1f\x7f',
  '\\x41 is not A',
  '\\N',
  '{name:String}',
  '`backtick`',
  '"double"',
  'ñ 日本語 😀 \u200b \u2028',
  'x'.repeat(10_000),
  '%27 %00',
  '/* comment */ -- tail',
];

describe('sqlString round trip through ClickHouse', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('literal');
  });
  after(async () => {
    await db?.drop();
  });

  it('SELECT <literal> returns the original string for every nasty input', async () => {
    for (const value of NASTY) {
      const rs = await db.client.query({ query: `SELECT ${sqlString(value)} AS v, length(${sqlString(value)}) AS n`, format: 'JSONEachRow' });
      const [row] = await rs.json<{ v: string; n: string }>();
      assert.equal(row?.v, value, `round trip of ${JSON.stringify(value.slice(0, 40))}`);
      assert.equal(Number(row?.n), Buffer.byteLength(value, 'utf8'));
    }
  });

  it('an array literal keeps every element', async () => {
    const rs = await db.client.query({ query: `SELECT ${sqlStringArray(NASTY)} AS a`, format: 'JSONEachRow' });
    const [row] = await rs.json<{ a: string[] }>();
    assert.deepEqual(row?.a, NASTY);
  });

  it('an injection attempt compares as data and matches nothing', async () => {
    const rs = await db.client.query({
      query: `SELECT count() AS n FROM system.one WHERE 'x' = ${sqlString("x' OR '1'='1")}`,
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<{ n: string }>();
    assert.equal(Number(row?.n), 0);
  });
});
