import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { ConfigError } from '../../errors/hindsight-error';
import { parsePostgresSinkConfig } from './config';

test('defaults are filled and the result is frozen', () => {
  const c = parsePostgresSinkConfig({ url: 'postgres://db/x' });
  assert.equal(c.role, 'hindsight_writer');
  assert.equal(c.poolSize, 4);
  assert.equal(c.partitionDaysAhead, 7);
  assert.ok(Object.isFrozen(c));
});

test('an unknown key is named in the error', () => {
  assert.throws(() => parsePostgresSinkConfig({ url: 'postgres://db/x', pool: 3 }, 'sinks.pg.options'),
    (err: unknown) => err instanceof ConfigError && /sinks\.pg\.options\.pool: unknown key/.test(err.message));
});

test('a missing url and an out-of-range value are refused', () => {
  assert.throws(() => parsePostgresSinkConfig({}), /url/);
  assert.throws(() => parsePostgresSinkConfig({ url: 'postgres://db/x', poolSize: 0 }), /poolSize/);
});
