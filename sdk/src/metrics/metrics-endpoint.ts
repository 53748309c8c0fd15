/**
 * The metrics side of the SDK: an OpenTelemetry Prometheus reader (the app's OTel metrics, the SDK's
 * drop counters and the `span()` helper's instruments) plus Node runtime metrics from prom-client's
 * default collectors, served together on one opt-in scrape endpoint.
 */
import { createServer, type Server } from 'node:http';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Diagnostics } from '../diagnostics/diagnostics';
import type { PrometheusOptions } from '../options/schema';

/** The metric reader and the text exposition of everything the SDK measures. */
export class MetricsEndpoint {
  /** Registered with the MeterProvider by init. */
  readonly reader = new PrometheusExporter({ preventServerStart: true });
  private readonly serializer = new PrometheusSerializer();
  private readonly runtime: Registry | undefined;
  private server: Server | undefined;

  constructor(runtimeMetrics: boolean, private readonly diagnostics: Diagnostics) {
    if (runtimeMetrics) {
      this.runtime = new Registry();
      collectDefaultMetrics({ register: this.runtime });
    }
  }

  /** Prometheus text format of OTel metrics followed by the runtime metrics. */
  async text(): Promise<string> {
    const { resourceMetrics, errors } = await this.reader.collect();
    for (const e of errors) this.diagnostics.report(e, 'metrics');
    const otel = this.serializer.serialize(resourceMetrics);
    const runtime = this.runtime === undefined ? '' : await this.runtime.metrics();
    return `${otel}${otel.endsWith('\n') || otel === '' ? '' : '\n'}${runtime}`;
  }

  /** Serves {@link text} on `options.endpoint` (default /metrics); resolves with the bound port. */
  listen(options: PrometheusOptions): Promise<number> {
    const path = options.endpoint ?? '/metrics';
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== path) {
        res.statusCode = 404;
        res.end();
        return;
      }
      this.text().then(
        (body) => {
          res.setHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
          res.end(body);
        },
        (error: unknown) => {
          this.diagnostics.report(error, 'metrics');
          res.statusCode = 500;
          res.end();
        },
      );
    });
    // The endpoint must not keep an otherwise finished app alive.
    this.server.unref();
    const server = this.server;
    return new Promise((resolve) => {
      server.once('error', (error) => {
        this.diagnostics.report(error, 'metrics');
        resolve(-1);
      });
      server.listen(options.port, options.host ?? '0.0.0.0', () => {
        const addr = server.address();
        resolve(typeof addr === 'object' && addr !== null ? addr.port : options.port);
      });
    });
  }

  async shutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((r) => server.close(() => r()));
    this.runtime?.clear();
  }
}
