import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** Readiness of the whole collector and of each part, as /readyz reports it. */
export interface Readiness {
  ready: boolean;
  [part: string]: unknown;
}

/** What the HTTP server asks the running service. */
export interface HealthSource {
  /** False once the process is stopping; liveness only says the event loop answers. */
  live(): boolean;
  readiness(): Readiness;
}

/**
 * One small server for operators and Prometheus: `/healthz` (liveness: 200 while the process runs),
 * `/readyz` (200 only when Kafka is joined and every sink is ready, else 503, with per-sink detail in
 * JSON), `/metrics` (the registry in the Prometheus text format).
 */
export class TelemetryServer {
  private readonly server: Server;

  constructor(
    private readonly registry: Registry,
    private readonly health: HealthSource,
  ) {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/healthz') {
        const live = this.health.live();
        res.writeHead(live ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ live }));
      } else if (path === '/readyz') {
        const readiness = this.health.readiness();
        res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(readiness));
      } else if (path === '/metrics') {
        this.registry
          .metrics()
          .then((text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text))
          .catch((err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz, /readyz or /metrics\n');
      }
    });
    // Keep-alive connections from a scraper must not hold up a graceful stop.
    this.server.keepAliveTimeout = 5000;
  }

  /** Listens and resolves with the bound port (useful with port 0). */
  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
