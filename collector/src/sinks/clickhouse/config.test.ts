import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ConfigError } from '../../errors/hindsight-error';
import { parseClickHouseSinkConfig } from './config';

describe('ClickHouse sink config', () => {
  it('applies documented defaults and freezes', () => {
    const c = parseClickHouseSinkConfig({});
    assert.equal(c.url, 'http://127.0.0.1:8123');
    assert.equal(c.database, 'hindsight');
    assert.equal(c.minInsertIntervalMs, 1000);
    assert.equal(c.retentionDays, 7);
    assert.ok(Object.isFrozen(c));
  });

  it('names an unknown key and a bad database name', () => {
    assert.throws(() => parseClickHouseSinkConfig({ urll: 'x' }), (e: unknown) => e instanceof ConfigError && /urll|additional/i.test(e.message));
    assert.throws(() => parseClickHouseSinkConfig({ database: 'a-b; DROP' }), (e: unknown) => e instanceof ConfigError && /database/.test(e.message));
    assert.throws(() => parseClickHouseSinkConfig({ retentionDays: 0 }), /retentionDays/);
  });
});
