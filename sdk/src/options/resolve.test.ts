import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveOptions } from './resolve';
import { HindsightConfigError } from './config-error';

const env = {};

test('options in code are completed with defaults', () => {
  const o = resolveOptions({ serviceName: 'billing', kafka: { brokers: ['127.0.0.1:9092'] }, env });
  assert.equal(o.tenant, 'default');
  assert.equal(o.kafka?.clientId, 'billing');
  assert.equal(o.kafka?.topics.spans, 'otlp_spans');
  assert.equal(o.kafka?.topics.audit, 'hindsight.audit');
  assert.equal(o.auditAckTimeoutMs, 10_000);
  assert.equal(o.queues.auditLingerMs, 5);
  assert.equal(resolveOptions({ serviceName: 'b', kafka: { brokers: ['h:1'] }, env: { HINDSIGHT_AUDIT_LINGER_MS: '0' } }).queues.auditLingerMs, 0);
  assert.ok(Object.isFrozen(o));
});

test('environment variables supply options and code overrides them', () => {
  const fromEnv = {
    HINDSIGHT_SERVICE_NAME: 'orders',
    HINDSIGHT_KAFKA_BROKERS: 'a:1, b:2',
    HINDSIGHT_KAFKA_CLIENT_ID: 'orders-1',
    HINDSIGHT_TENANT: 'acme',
    HINDSIGHT_KAFKA_TLS: 'true',
    HINDSIGHT_KAFKA_PRODUCER_THREAD: 'off',
    HINDSIGHT_KAFKA_PRODUCER_THREAD_FILE: 'bundle/producer.js',
    HINDSIGHT_KAFKA_SASL_MECHANISM: 'scram-sha-512',
    HINDSIGHT_KAFKA_SASL_USERNAME: 'u',
    HINDSIGHT_KAFKA_SASL_PASSWORD: 'p',
    HINDSIGHT_QUEUE_LOGS: '64',
    HINDSIGHT_AUDIT_ACK_TIMEOUT_MS: '2500',
  };
  const o = resolveOptions({ env: fromEnv });
  assert.equal(o.serviceName, 'orders');
  assert.deepEqual(o.kafka?.brokers, ['a:1', 'b:2']);
  assert.equal(o.kafka?.clientId, 'orders-1');
  assert.equal(o.kafka?.tls, true);
  assert.equal(o.kafka?.producerThread, false);
  assert.equal(o.kafka?.producerThreadFile, 'bundle/producer.js');
  assert.deepEqual(o.kafka?.sasl, { mechanism: 'scram-sha-512', username: 'u', password: 'p' });
  assert.equal(o.tenant, 'acme');
  assert.equal(o.queues.logs, 64);
  assert.equal(o.auditAckTimeoutMs, 2500);
  const over = resolveOptions({ env: fromEnv, tenant: 'globex', queues: { logs: 128 } });
  assert.equal(over.tenant, 'globex');
  assert.equal(over.queues.logs, 128);
  assert.deepEqual(over.kafka?.brokers, ['a:1', 'b:2']);
});

function rejects(fn: () => unknown, option: string, text: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HindsightConfigError, String(e));
    assert.equal(e.option, option);
    assert.match(e.message, text);
    return true;
  });
}

test('bad options fail at init with a message naming the option', () => {
  rejects(() => resolveOptions({ env }), 'serviceName', /serviceName.*required/);
  rejects(() => resolveOptions({ serviceName: 'x', env }), 'kafka.brokers', /required/);
  rejects(() => resolveOptions({ serviceName: 'x', kafka: { brokers: [] }, env }), 'kafka.brokers', /kafka\.brokers/);
  rejects(() => resolveOptions({ serviceName: 'x', kafka: { brokers: ['no-port'] }, env }), 'kafka.brokers.0', /kafka\.brokers\.0/);
  rejects(
    () => resolveOptions({ serviceName: 'x', kafka: { brokers: ['a:1'] }, queues: { logs: 0 }, env }),
    'queues.logs', /queues\.logs/,
  );
  rejects(() => resolveOptions({ serviceName: 'x', bogus: 1, env } as never), 'bogus', /unknown option/);
  rejects(() => resolveOptions({ serviceName: 'x', exporter: {} as never, env }), 'exporter', /export\(\)/);
});

test('a bad environment variable is named along with the option', () => {
  rejects(
    () => resolveOptions({ env: { HINDSIGHT_SERVICE_NAME: 's', HINDSIGHT_KAFKA_BROKERS: 'a:1', HINDSIGHT_QUEUE_SPANS: 'lots' } }),
    'queues.spans', /HINDSIGHT_QUEUE_SPANS/,
  );
  rejects(
    () => resolveOptions({ env: { HINDSIGHT_SERVICE_NAME: 's', HINDSIGHT_KAFKA_BROKERS: 'a:1', HINDSIGHT_KAFKA_PRODUCER_THREAD: 'maybe' } }),
    'kafka.producerThread', /HINDSIGHT_KAFKA_PRODUCER_THREAD/,
  );
});
