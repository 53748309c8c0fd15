import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { defaultSinkRegistry } from '../sinks/sink-registry';
import { buildTopology } from '../topology/build-topology';
import { loadConfig } from './load-config';

const EXAMPLE = resolve(__dirname, '..', '..', 'config', 'hindsight.example.yaml');

test('the documented example config is valid and wires one consumer group per sink', () => {
  const registry = defaultSinkRegistry();
  const missing = ['postgres', 'clickhouse', 'prometheus'].filter((t) => registry.get(t) === undefined);
  assert.deepEqual(missing, [], 'every sink type the example uses is registered in this build');
  const config = loadConfig({
    path: EXAMPLE,
    env: { HINDSIGHT_POSTGRES_URL: 'postgres://u@db/h', HINDSIGHT_CLICKHOUSE_URL: 'http://ch:8123/h' },
    registry,
  });
  const topology = buildTopology(config, registry);
  assert.deepEqual(
    topology.pipelines.map((p) => p.groupId),
    ['hindsight-collector.postgres', 'hindsight-collector.clickhouse', 'hindsight-collector.prometheus'],
  );
});
