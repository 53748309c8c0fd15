import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { ConfigError } from '../../errors/hindsight-error';
import type { SinkRecord, SpanRow } from '../records';
import { createRedMetricsSink } from './index';
import { LabelBounder, OVERFLOW, statusLabel } from './label-bounds';
import { isRequestSpan } from './red-metrics-sink';

let offset = 0;
function rec(over: Partial<SpanRow>): SinkRecord {
  const span: SpanRow = {
    traceId: 't', spanId: 's', parentSpanId: 'p', name: 'GET /x', kind: 2, startTimeUnixNano: '1000000000',
    endTimeUnixNano: '1250000000', statusCode: 0, statusMessage: '', serviceName: 'api', correlationId: '', tenant: '',
    attributes: {}, resourceAttributes: {}, scopeName: '', events: [], ...over,
  };
  return { kind: 'span', span, origin: { topic: 'otlp_spans', partition: 0, offset: String(offset++) } };
}

async function value(registry: Registry, name: string, labels: Record<string, string>): Promise<number | undefined> {
  // Histograms list their _bucket/_sum/_count samples under the base name, each with its metricName.
  const samples = (await registry.getMetricsAsJSON()).flatMap((m) =>
    m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })),
  );
  const match = samples.find((v) => v.name === name && Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return match?.value;
}

describe('request span rule', () => {
  it('counts SERVER, CONSUMER and root spans only', () => {
    assert.equal(isRequestSpan({ kind: 2, parentSpanId: 'p' }), true);
    assert.equal(isRequestSpan({ kind: 5, parentSpanId: 'p' }), true);
    assert.equal(isRequestSpan({ kind: 1, parentSpanId: '' }), true);
    assert.equal(isRequestSpan({ kind: 3, parentSpanId: 'p' }), false);
    assert.equal(isRequestSpan({ kind: 1, parentSpanId: 'p' }), false);
  });
});

describe('label bounds', () => {
  it('caps operations per service and services, first come first kept', () => {
    const b = new LabelBounder({ maxServices: 2, maxOperationsPerService: 2, maxLabelLength: 10 });
    assert.deepEqual(b.bound('a', 'op1'), { service: 'a', operation: 'op1' });
    assert.deepEqual(b.bound('a', 'op2'), { service: 'a', operation: 'op2' });
    assert.deepEqual(b.bound('a', 'op3'), { service: 'a', operation: OVERFLOW });
    assert.deepEqual(b.bound('a', 'op1'), { service: 'a', operation: 'op1' });
    assert.deepEqual(b.bound('b', 'x'), { service: 'b', operation: 'x' });
    assert.deepEqual(b.bound('c', 'x'), { service: OVERFLOW, operation: OVERFLOW });
    assert.deepEqual(b.bound('a', 'a-very-long-operation'), { service: 'a', operation: OVERFLOW });
    assert.equal(b.bound('b', '').operation, 'unknown');
  });

  it('normalizes OTLP status codes', () => {
    assert.deepEqual([0, 1, 2, 7].map(statusLabel), ['UNSET', 'OK', 'ERROR', 'UNSET']);
  });
});

describe('RED metrics sink', () => {
  it('counts requests, errors and durations by service, operation and status', async () => {
    const registry = new Registry();
    const sink = createRedMetricsSink({ maxOperationsPerService: 2 }, registry);
    const result = await sink.write([
      rec({}),
      rec({ statusCode: 2, endTimeUnixNano: '3000000000' }),
      rec({ kind: 3 }), // a CLIENT child: part of a request, not one
      rec({ name: 'GET /y' }),
      rec({ name: 'GET /z' }), // third operation of api: overflow
    ]);
    assert.deepEqual(result, { status: 'written' });
    assert.equal(await value(registry, 'hindsight_span_requests_total', { service: 'api', operation: 'GET /x', status_code: 'UNSET' }), 1);
    assert.equal(await value(registry, 'hindsight_span_requests_total', { service: 'api', operation: 'GET /x', status_code: 'ERROR' }), 1);
    assert.equal(await value(registry, 'hindsight_span_errors_total', { service: 'api', operation: 'GET /x' }), 1);
    assert.equal(await value(registry, 'hindsight_span_requests_total', { service: 'api', operation: OVERFLOW }), 1);
    assert.equal(await value(registry, 'hindsight_span_duration_seconds_sum', { service: 'api', operation: 'GET /x', status_code: 'ERROR' }), 2);
    assert.equal(await value(registry, 'hindsight_span_duration_seconds_count', { service: 'api', operation: 'GET /x', status_code: 'UNSET' }), 1);
  });

  it('refuses other record kinds as partial and a second sink on one registry', async () => {
    const registry = new Registry();
    const sink = createRedMetricsSink({}, registry);
    const log = { kind: 'log', log: {}, origin: { topic: 'otlp_logs', partition: 0, offset: '1' } } as unknown as SinkRecord;
    const r = await sink.write([log]);
    assert.equal(r.status, 'partial');
    assert.throws(() => createRedMetricsSink({}, registry), ConfigError);
    assert.throws(() => createRedMetricsSink({ durationBuckets: [1, 0.5] }, new Registry()), /increasing/);
    assert.throws(() => createRedMetricsSink({ extra: 1 } as object, new Registry()), ConfigError);
  });
});
