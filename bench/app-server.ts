/**
 * The HTTP service of the app-overhead benchmark: a handler that burns ~250 µs of CPU. With
 * BENCH_APP_MODE=sdk it runs with the SDK (Kafka exporter on the local stack) and emits one span, one
 * log line and one audit event per request; with `bare` it does the same work without any of it.
 * Prints `listening <port>` once ready.
 */
import { createServer } from 'node:http';
import { sdkDist } from './lib/sdk-dist';
import { endpoints } from './lib/stack';

const BURN_NS = 250_000n;

function burn(): number {
  const until = process.hrtime.bigint() + BURN_NS;
  let x = 0;
  while (process.hrtime.bigint() < until) x += Math.sqrt(x + 1);
  return x;
}

const mode = process.env['BENCH_APP_MODE'] ?? 'bare';
// The SDK as apps run it: its compiled dist (./lib/sdk-dist).
const hs = mode === 'sdk' ? sdkDist().init({ serviceName: 'bench-app', tenant: 'bench', kafka: { brokers: endpoints().kafka.brokers }, runtimeMetrics: false }) : undefined;

const server = createServer((req, res) => {
  if (hs === undefined) {
    burn();
    res.end('ok');
    return;
  }
  hs.tracer.startActiveSpan('GET /work', (span) => {
    burn();
    hs.logger.info({ path: req.url }, 'work done');
    // Not awaited: the response does not wait for Kafka; the ack is the SDK's business.
    void hs.audit.record({ action: 'work.do', resource: { type: 'work', id: '1' }, outcome: 'success' });
    span.end();
    res.end('ok');
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void (hs?.shutdown() ?? Promise.resolve()).then(() => process.exit(0));
});
