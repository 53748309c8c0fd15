/**
 * Starts the sample service (demo/service, the same program as `npm run demo:service`) against the
 * stack's Kafka, on loopback, and registers its /metrics with the stack's Prometheus.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeTargetFile } from '../../test/stack/prometheus-targets';
import type { StackEndpoints } from '../../test/stack/endpoints';
import { DemoChild, freePort, waitUntil } from './child-process';

export const SERVICE_NAME = 'hindsight-demo';

export interface SampleService {
  child: DemoChild;
  url: string;
  metricsTarget: string;
  /** Removes the Prometheus target file. */
  unregister: () => void;
}

export async function startSampleService(stack: StackEndpoints, workDir: string, repo: string, preferredPort: number): Promise<SampleService> {
  const port = await freePort(preferredPort);
  const metricsPort = await freePort(9464 + (stack.collector.metricsPort - 29464) + 1);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('HINDSIGHT_')) delete env[key];
  Object.assign(env, {
    HINDSIGHT_KAFKA_BROKERS: stack.kafka.brokers.join(','),
    HINDSIGHT_SERVICE_NAME: SERVICE_NAME,
    HINDSIGHT_DEMO_PORT: String(port),
    HINDSIGHT_DEMO_HOST: '127.0.0.1',
    HINDSIGHT_PROMETHEUS_PORT: String(metricsPort),
    HINDSIGHT_PROMETHEUS_HOST: '127.0.0.1',
    // Short flush interval: the demo reads the stores right after the traffic.
    HINDSIGHT_FLUSH_INTERVAL_MS: '100',
  });
  const child = new DemoChild({
    name: 'sample service',
    args: ['--conditions=hindsight-source', '--import', 'tsx', 'demo/service/main.ts'],
    env,
    cwd: repo,
    logFile: join(workDir, 'service.log'),
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntil('the sample service to answer /healthz', async () => (await fetch(`${url}/healthz`)).ok, 60_000, () =>
    child.alive ? undefined : child.failure('exited during startup'),
  );
  const metricsTarget = `127.0.0.1:${metricsPort}`;
  const file = writeTargetFile(stack.prometheus.targetsDir, 'demo-service', metricsTarget);
  return { child, url, metricsTarget, unregister: () => rmSync(file, { force: true }) };
}
