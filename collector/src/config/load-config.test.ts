import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { ConfigError } from '../errors/hindsight-error';
import { SinkRegistry } from '../sinks/sink-registry';
import { discardSinkFactory } from '../sinks/discard/discard-sink';
import type { SinkFactory } from '../sinks/sink-factory';
import { loadConfig } from './load-config';

const fakeStoreFactory: SinkFactory = {
  type: 'store',
  accepts: ['audit'],
  urlOption: 'url',
  optionsSchema: Type.Object(
    { url: Type.String({ minLength: 1 }), poolSize: Type.Integer({ minimum: 1, default: 4 }) },
    { additionalProperties: false },
  ),
  create: () => {
    throw new Error('not used');
  },
};
const registry = new SinkRegistry().register(discardSinkFactory).register(fakeStoreFactory);

const BASE = `
kafka:
  brokers: [localhost:9092]
sources:
  audit: { topic: hindsight.audit, kind: audit }
sinks:
  store:
    type: store
    batch: { maxRecords: 500 }
    options: { url: "postgres://db/x" }
pipelines:
  audit:
    sources: [audit]
    sink: store
`;

function loadError(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig({ text, env, registry });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    assert.equal(err.code, 'CONFIG_INVALID');
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

test('a valid file gets its defaults and is frozen deep', () => {
  const config = loadConfig({ text: BASE, env: {}, registry });
  assert.equal(config.sinks.store!.batch.maxRecords, 500);
  assert.equal(config.sinks.store!.batch.maxWaitMs, 200, 'default filled in a partly given object');
  assert.equal(config.sinks.store!.retry.maxAttempts, 5, 'default filled in an absent object');
  assert.equal(config.sinks.store!.options.poolSize, 4, 'sink option defaults come from the sink schema');
  assert.equal(config.kafka.dlqTopic, 'hindsight.dlq');
  assert.equal(config.sources.audit!.maxMessageBytes, 4 * 1024 * 1024);
  assert.ok(Object.isFrozen(config.sinks.store!.batch));
  assert.throws(() => {
    (config.kafka.brokers as string[]).push('x:1');
  }, TypeError);
});

test('an unknown key is rejected with its path', () => {
  const message = loadError(BASE.replace('batch: { maxRecords: 500 }', 'batch: { maxRecords: 500, maxRecrods: 5 }'));
  assert.match(message, /sinks\.store\.batch\.maxRecrods: unknown key/);
});

test('an unknown key inside sink options is rejected with its path', () => {
  const message = loadError(BASE.replace('options: { url: "postgres://db/x" }', 'options: { url: "postgres://db/x", pool: 3 }'));
  assert.match(message, /sinks\.store\.options\.pool: unknown key/);
});

test('a bad value names the key and the rule', () => {
  const message = loadError(BASE.replace('maxRecords: 500', 'maxRecords: 0'));
  assert.match(message, /sinks\.store\.batch\.maxRecords: must be >= 1/);
});

test('a bad enum value lists the allowed values', () => {
  const message = loadError(BASE.replace('kind: audit', 'kind: metrics'));
  assert.match(message, /sources\.audit\.kind: must be one of: span, log, audit, journal/);
});

test('a missing required key is named', () => {
  const message = loadError(BASE.replace('kafka:\n  brokers: [localhost:9092]\n', 'kafka: {}\n'));
  assert.match(message, /kafka\.brokers: is required/);
});

test('an unknown sink type is rejected naming the known ones', () => {
  const message = loadError(BASE.replace('type: store', 'type: mongo'));
  assert.match(message, /sinks\.store\.type: unknown sink type "mongo" \(known: discard, store\)/);
});

test('invalid YAML is reported as such', () => {
  assert.match(loadError('kafka: [unclosed'), /invalid YAML/);
});

test('HINDSIGHT_KAFKA_BROKERS replaces the broker list', () => {
  const config = loadConfig({ text: BASE, env: { HINDSIGHT_KAFKA_BROKERS: 'k1:9092, k2:9093' }, registry });
  assert.deepEqual(config.kafka.brokers, ['k1:9092', 'k2:9093']);
});

test('HINDSIGHT_<TYPE>_URL sets the URL option of sinks of that type', () => {
  const config = loadConfig({ text: BASE, env: { HINDSIGHT_STORE_URL: 'postgres://prod/db' }, registry });
  assert.equal(config.sinks.store!.options.url, 'postgres://prod/db');
});

test('the generic form sets any key, parsed as YAML', () => {
  const config = loadConfig({
    text: BASE,
    env: { HINDSIGHT_CONFIG__sinks__store__batch__maxRecords: '42', HINDSIGHT_CONFIG__kafka__fromBeginning: 'false' },
    registry,
  });
  assert.equal(config.sinks.store!.batch.maxRecords, 42);
  assert.equal(config.kafka.fromBeginning, false);
});

test('a bad override names the key and the variable that set it', () => {
  const message = loadError(BASE, { HINDSIGHT_CONFIG__service__http__port: '70000' });
  assert.match(message, /service\.http\.port: must be <= 65535 \(set by HINDSIGHT_CONFIG__service__http__port\)/);
});

test('an invalid name under sinks is rejected', () => {
  const message = loadError(BASE.replace('  store:\n    type', '  Store!:\n    type'));
  assert.match(message, /sinks\.Store!: is not a valid name/);
});
