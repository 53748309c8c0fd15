import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { TransientError } from '../../errors/hindsight-error';
import { createClickHouseSink } from './index';

/** A loopback port with nothing listening (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const port = (srv.address() as { port: number }).port;
  await new Promise((ok) => srv.close(ok));
  return port;
}

describe('ClickHouse sink when the server is unreachable', () => {
  it('start fails as transient, writes ask for a retry and health turns not ready', async () => {
    const sink = createClickHouseSink({ url: `http://127.0.0.1:${await closedPort()}`, requestTimeoutMs: 2000, unhealthyAfterFailures: 2 });
    await assert.rejects(sink.start(), (e: unknown) => e instanceof TransientError && e.code === 'CLICKHOUSE_UNAVAILABLE');
    const record = { kind: 'log', log: { logId: 'x' }, origin: { topic: 'otlp_logs', partition: 0, offset: '0' } } as never;
    for (let i = 0; i < 2; i++) {
      const r = await sink.write([record]);
      assert.equal(r.status, 'retry');
      assert.equal(r.status === 'retry' && r.error.code, 'CLICKHOUSE_UNAVAILABLE');
    }
    assert.equal(sink.health().ready, false);
    await sink.shutdown();
    await sink.shutdown();
  });
});
