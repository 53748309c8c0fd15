import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import type { SinkRecord } from '../records';
import { createRedMetricsSink } from './index';
import { loadStackEndpoints } from '../../../../test/stack/endpoints';
import { registerScrapeTarget } from '../../../../test/stack/prometheus-targets';

interface PromVector {
  status: string;
  data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
}

async function promQuery(url: string, query: string): Promise<PromVector['data']['result']> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await res.json()) as PromVector;
  assert.equal(body.status, 'success');
  return body.data.result;
}

describe('RED metrics scraped by the stack Prometheus', () => {
  const service = `svc_${randomBytes(4).toString('hex')}`;
  const registry = new Registry();
  let server: Server;
  let unregister: () => void = () => {};
  let promUrl: string;
  before(async () => {
    promUrl = loadStackEndpoints().prometheus.url;
    server = createServer((_req, res) => {
      registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      }, (err: Error) => {
        res.writeHead(500);
        res.end(err.message);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    unregister = registerScrapeTarget(`red-${service}`, `127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  after(async () => {
    unregister();
    await new Promise((ok) => server?.close(ok));
  });

  it('requests, errors and the duration histogram come back through the HTTP API', async () => {
    const sink = createRedMetricsSink({}, registry);
    const records: SinkRecord[] = [];
    for (let i = 0; i < 7; i++) {
      records.push({
        kind: 'span',
        span: {
          traceId: `t${i}`, spanId: `s${i}`, parentSpanId: '', name: 'GET /orders', kind: 2, startTimeUnixNano: '1000000000',
          endTimeUnixNano: '1020000000', statusCode: i < 2 ? 2 : 1, statusMessage: '', serviceName: service, correlationId: '',
          tenant: '', attributes: {}, resourceAttributes: {}, scopeName: '', events: [],
        },
        origin: { topic: 'otlp_spans', partition: 0, offset: String(i) },
      });
    }
    assert.deepEqual(await sink.write(records), { status: 'written' });

    const deadline = Date.now() + 30_000;
    let requests: Awaited<ReturnType<typeof promQuery>> = [];
    while (Date.now() < deadline) {
      requests = await promQuery(promUrl, `hindsight_span_requests_total{service="${service}"}`);
      if (requests.length === 2) break;
      await new Promise((ok) => setTimeout(ok, 500));
    }
    const byStatus = Object.fromEntries(requests.map((r) => [r.metric.status_code, Number(r.value[1])]));
    assert.deepEqual(byStatus, { OK: 5, ERROR: 2 });
    assert.equal(requests[0]?.metric.operation, 'GET /orders');
    const errors = await promQuery(promUrl, `hindsight_span_errors_total{service="${service}"}`);
    assert.equal(Number(errors[0]?.value[1]), 2);
    const under25ms = await promQuery(promUrl, `sum(hindsight_span_duration_seconds_bucket{service="${service}",le="0.025"})`);
    assert.equal(Number(under25ms[0]?.value[1]), 7);
  });
});
