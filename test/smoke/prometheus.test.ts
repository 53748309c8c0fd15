import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { loadStackEndpoints } from '../stack/endpoints';
import { registerScrapeTarget } from '../stack/prometheus-targets';
import { eventually, uniqueName } from './smoke-helpers';

interface TargetsReply {
  data: { activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] };
}
interface QueryReply {
  data: { result: { metric: Record<string, string>; value: [number, string] }[] };
}

describe('stack Prometheus', () => {
  it('scrapes a registered target and answers queries about it', async () => {
    const { prometheus } = loadStackEndpoints();
    const value = Math.floor(Math.random() * 1e6);
    const server: Server = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# HELP hindsight_smoke_value A value the smoke test chose.\n# TYPE hindsight_smoke_value gauge\nhindsight_smoke_value ${value}\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const name = uniqueName('smoke');
    const unregister = registerScrapeTarget(name, `127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const target = await eventually(
        `target ${name} up in /api/v1/targets`,
        async () => {
          const reply = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as TargetsReply;
          return reply.data.activeTargets.find((t) => t.labels.target_name === name && t.health === 'up');
        },
        20_000,
      );
      assert.equal(target.labels.job, prometheus.job);

      const query = encodeURIComponent(`hindsight_smoke_value{target_name="${name}"}`);
      const result = await eventually(
        'the scraped value in /api/v1/query',
        async () => {
          const reply = (await (await fetch(`${prometheus.url}/api/v1/query?query=${query}`)).json()) as QueryReply;
          return reply.data.result[0];
        },
        20_000,
      );
      assert.equal(Number(result.value[1]), value);
    } finally {
      unregister();
      await new Promise((r) => server.close(r));
    }
  });
});
