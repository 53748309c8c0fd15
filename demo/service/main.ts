/**
 * The demo's sample service (`npm run demo:service`): an order desk instrumented with @hindsight/sdk.
 * `npm run demo` starts it on the local stack; docker-compose runs it as the `demo` service.
 *
 * Environment: HINDSIGHT_KAFKA_BROKERS (required), HINDSIGHT_SERVICE_NAME (default hindsight-demo),
 * HINDSIGHT_DEMO_PORT (8081), HINDSIGHT_DEMO_HOST (0.0.0.0), HINDSIGHT_PROMETHEUS_PORT (9464, the
 * service's own /metrics), HINDSIGHT_PROMETHEUS_HOST (0.0.0.0), and the SDK's other HINDSIGHT_* variables.
 */
import type { Server } from 'node:http';
import { init } from '@hindsight/sdk';

const port = Number(process.env.HINDSIGHT_DEMO_PORT ?? 8081);
const host = process.env.HINDSIGHT_DEMO_HOST ?? '0.0.0.0';
const metricsPort = Number(process.env.HINDSIGHT_PROMETHEUS_PORT ?? 9464);
const metricsHost = process.env.HINDSIGHT_PROMETHEUS_HOST ?? '0.0.0.0';

// init() first: the http instrumentation patches `http` as express loads it.
const hs = init({
  serviceName: process.env.HINDSIGHT_SERVICE_NAME ?? 'hindsight-demo',
  instrumentHttp: true,
  prometheus: { port: metricsPort, host: metricsHost },
  errorHandler: (error, source) => console.error(`[demo-service] sdk ${source}: ${error instanceof Error ? error.message : String(error)}`),
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createOrdersApp } = require('./orders-app') as typeof import('./orders-app');
const server: Server = createOrdersApp(hs).listen(port, host, () => {
  console.log(`[demo-service] listening on http://${host}:${port} (metrics on ${metricsHost}:${metricsPort}/metrics)`);
});
server.on('error', (err) => {
  console.error(`[demo-service] cannot listen on ${host}:${port}: ${err.message}`);
  void hs.shutdown().then(() => process.exit(1));
});

let stopping = false;
/** Stop order of ARCHITECTURE.md: stop taking requests, then flush the SDK's queues, then exit. */
function stop(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  console.log(`[demo-service] ${signal}: closing the server and flushing telemetry`);
  // In-flight requests finish (their audit events are acknowledged) before the SDK drains, within 5 s.
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  void Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())])
    .then(() => hs.shutdown())
    .then((flushed) => {
      console.log(`[demo-service] stopped (${flushed ? 'everything flushed' : 'flush incomplete'})`);
      process.exit(0);
    });
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
