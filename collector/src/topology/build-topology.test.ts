import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/hindsight-error';
import { loadConfig } from '../config/load-config';
import { SinkRegistry } from '../sinks/sink-registry';
import { discardSinkFactory } from '../sinks/discard/discard-sink';
import type { SinkFactory } from '../sinks/sink-factory';
import { buildTopology } from './build-topology';

const auditOnly: SinkFactory = { type: 'auditstore', accepts: ['audit', 'journal'], create: () => { throw new Error('unused'); } };
const registry = new SinkRegistry().register(discardSinkFactory).register(auditOnly);

const SOURCES = `
kafka: { brokers: ["k:9092"], groupPrefix: hs }
sources:
  audit: { topic: hindsight.audit, kind: audit }
  journal: { topic: hindsight.journal, kind: journal }
  spans: { topic: otlp_spans, kind: span }
  spans_again: { topic: otlp_spans, kind: span }
`;

function topologyOf(rest: string) {
  return buildTopology(loadConfig({ text: SOURCES + rest, env: {}, registry }), registry);
}

function topologyError(rest: string): string {
  try {
    topologyOf(rest);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('topology accepted');
}

test('each sink gets its own consumer group and only its topics', () => {
  const t = topologyOf(`
sinks:
  pg: { type: auditstore }
  bench: { type: discard }
pipelines:
  records: { sources: [audit, journal], sink: pg }
  everything: { sources: [audit, spans], sink: bench }
`);
  assert.deepEqual(
    t.pipelines.map((p) => [p.pipeline, p.groupId, p.topics.map((x) => x.topic)]),
    [
      ['records', 'hs.pg', ['hindsight.audit', 'hindsight.journal']],
      ['everything', 'hs.bench', ['hindsight.audit', 'otlp_spans']],
    ],
  );
  assert.deepEqual(t.topics, ['hindsight.audit', 'hindsight.dlq', 'hindsight.journal', 'otlp_spans']);
});

test('a sink is refused records of a kind it does not accept', () => {
  const message = topologyError(`
sinks: { pg: { type: auditstore } }
pipelines: { p: { sources: [audit, spans], sink: pg } }
`);
  assert.match(message, /pipelines\.p\.sources\.1: sink "pg" \(type auditstore\) does not accept span records/);
});

test('unknown sources and sinks are named by path', () => {
  const message = topologyError(`
sinks: { pg: { type: auditstore } }
pipelines:
  p: { sources: [audit, nope], sink: pg }
  q: { sources: [audit], sink: missing }
`);
  assert.match(message, /pipelines\.p\.sources\.1: no source named "nope"/);
  assert.match(message, /pipelines\.q\.sink: no sink named "missing"/);
});

test('a sink in two pipelines, an unused sink and a topic read twice are refused', () => {
  const message = topologyError(`
sinks: { pg: { type: auditstore }, d: { type: discard }, idle: { type: discard } }
pipelines:
  p: { sources: [audit], sink: pg }
  q: { sources: [journal], sink: pg }
  r: { sources: [spans, spans_again], sink: d }
`);
  assert.match(message, /pipelines\.q\.sink: sink "pg" already belongs to pipelines\.p/);
  assert.match(message, /pipelines\.r\.sources\.1: source "spans_again" reads topic "otlp_spans"/);
  assert.match(message, /sinks\.idle: not used by any pipeline/);
});
