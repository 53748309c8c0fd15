import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../init/init';
import { InMemoryExporter } from '../testing';
import { findLeaks, REDACTION_CORPUS } from '../redaction';

const env = {};

/** The label sets of the `hindsight_work_*` series in a Prometheus text exposition. */
function workSeries(text: string): Array<{ metric: string; labels: Record<string, string> }> {
  const out: Array<{ metric: string; labels: Record<string, string> }> = [];
  for (const line of text.split('\n')) {
    const m = /^(hindsight_work_\w+)\{(.*)\} \S+$/.exec(line);
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of m[2]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    out.push({ metric: m[1]!, labels });
  }
  return out;
}

test('span() labels its metrics by name and event only: no attribute, and no secret, reaches /metrics', async () => {
  const hs = init({ serviceName: 'unit-app', exporter: new InMemoryExporter(), env, runtimeMetrics: false });
  try {
    for (let i = 0; i < 20; i++) {
      await hs.span('charge', { api_key: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'http.url': 'https://ada:hunter2-S3cret@pay.example/v1', [`order.${i}`]: `ord-${i}` }, async () => i);
    }
    await assert.rejects(hs.span('charge', { user: 'u-1' }, async () => { throw new Error('declined'); }), /declined/);
    await hs.span('GET /reset?token=abc123secret&password=Tr0ub4dor', {}, () => 1);
    for (const e of REDACTION_CORPUS) hs.span(e.text, { note: e.text }, () => 1);

    const text = await hs.metricsText();
    for (const secret of ['sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'hunter2-S3cret', 'abc123secret', 'Tr0ub4dor']) assert.ok(!text.includes(secret), `${secret} at /metrics`);
    assert.deepEqual(findLeaks(text), []);

    const series = workSeries(text);
    assert.ok(series.length > 0, text);
    const allowed = new Set(['name', 'event', 'outcome', 'le', 'otel_scope_name', 'otel_scope_version', 'otel_scope_schema_url']);
    for (const s of series) for (const k of Object.keys(s.labels)) assert.ok(allowed.has(k), `label ${k} on ${s.metric}`);
    // Twenty calls with twenty distinct attributes are one series per event, not twenty.
    const charge = series.filter((s) => s.metric === 'hindsight_work_events_total' && s.labels['name'] === 'charge');
    assert.deepEqual(charge.map((s) => s.labels['event']).sort(), ['exception', 'start', 'stop']);
    const reset = series.find((s) => s.metric === 'hindsight_work_events_total' && s.labels['event'] === 'stop' && s.labels['name']?.startsWith('GET /reset'));
    assert.equal(reset?.labels['name'], 'GET /reset?token=[REDACTED]&password=[REDACTED]');
    // Durations are in seconds: the buckets resolve milliseconds, not only thousands of seconds.
    const bounds = series.filter((s) => s.metric === 'hindsight_work_duration_bucket' && s.labels['name'] === 'charge').map((s) => s.labels['le']);
    assert.ok(bounds.includes('0.001') && bounds.includes('0.1') && bounds.includes('1'), `bucket bounds: ${bounds.join(', ')}`);
  } finally {
    await hs.shutdown();
  }
});
