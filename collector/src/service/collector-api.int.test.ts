import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { loadConfig } from '../config/load-config';
import { SinkRegistry } from '../sinks/sink-registry';
import { discardSinkFactory } from '../sinks/discard/discard-sink';
import { createTestDatabase } from '../sinks/postgres/test-database';
import { CollectorMetrics } from '../telemetry/collector-metrics';
import { silentLogger } from '../telemetry/logger';
import { kafkaControl, stackEndpoints, uniqueName } from '../testing/local-stack';
import { CollectorService } from './collector-service';

// The `api` section makes `hindsight-collector run` serve the operator API beside the pipelines:
// found missing once (only `hindsight-collector api` served it), so this checks the running service.
test('a collector with an `api` section serves the operator API on its own port and closes it on stop', async () => {
  const brokers = stackEndpoints().kafka.brokers;
  const topic = uniqueName('it-api-audit');
  await kafkaControl(`create_topic ${topic} 1`);
  const pg = await createTestDatabase('svcapi');
  const token = randomBytes(16).toString('hex');
  const tenant = uniqueName('tenant');
  const sha = createHash('sha256').update(token).digest('hex');
  const registry = new SinkRegistry().register(discardSinkFactory);
  const text = `
service: { http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000 }
kafka: { brokers: ${JSON.stringify(brokers)}, groupPrefix: ${uniqueName('it-api')}, createTopics: false }
sources:
  audit: { topic: ${topic}, kind: audit }
sinks:
  nothing: { type: discard }
pipelines:
  main: { sources: [audit], sink: nothing }
api:
  port: 0
  postgres: { readerUrl: ${JSON.stringify(pg.readerUrl)} }
  tokens:
    - { name: reader, sha256: ${sha}, tenants: [${tenant}] }
`;
  const config = loadConfig({ text, env: {}, registry });
  const service = new CollectorService(config, {
    registry,
    logger: silentLogger,
    metrics: new CollectorMetrics(undefined, { defaultMetrics: false }),
  });
  try {
    await service.start();
    const port = service.apiPort;
    assert.ok(port !== undefined && port > 0 && port !== service.port, 'API bound to its own port');
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/api/journal`)).status, 401, 'no token is refused');
    const page = await fetch(`${base}/api/journal`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(page.status, 200);
    const body = (await page.json()) as { items: unknown[] };
    assert.deepEqual(body.items, [], 'a fresh database has no journal rows for this tenant');
    await service.stop();
    await assert.rejects(fetch(`${base}/healthz`), 'the API port is closed after stop');
  } finally {
    await service.stop();
    await pg.drop();
  }
});
