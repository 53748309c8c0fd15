import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { clickhouseComponent } from './components/clickhouse';
import type { postgresComponent } from './components/postgres';
import { COLLECTOR_JOB, type prometheusComponent } from './components/prometheus';
import type { StackConfig } from './config';
import type { StackEndpoints } from './endpoints';

interface Parts {
  postgres: ReturnType<typeof postgresComponent>;
  clickhouse: ReturnType<typeof clickhouseComponent>;
  prometheus: ReturnType<typeof prometheusComponent>;
}

const writeAtomically = (file: string, text: string): void => {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
};

/** Removes endpoints.json and env so nothing reads the addresses of a stopped stack. */
export function removeEndpoints(cfg: StackConfig): void {
  for (const f of ['endpoints.json', 'env']) rmSync(join(cfg.stackDir, f), { force: true });
}

/**
 * Writes endpoints.json and env (shell exports) into the stack folder; returns a
 * human-readable summary of how to reach each service.
 */
export function writeEndpoints(cfg: StackConfig, c: Parts, brokers: string[], pids: Record<string, number>): string {
  const pg = c.postgres;
  const ep: StackEndpoints = {
    stackDir: cfg.stackDir,
    kafka: {
      brokers,
      control: { host: '127.0.0.1', port: cfg.ports.kafkaControl },
      topics: cfg.kafka.topics,
    },
    postgres: {
      host: '127.0.0.1',
      port: cfg.ports.postgres,
      user: pg.user,
      database: pg.database,
      socketDir: pg.socketDir,
      url: `postgres://${pg.user}@127.0.0.1:${cfg.ports.postgres}/${pg.database}`,
    },
    clickhouse: { url: c.clickhouse.url, httpPort: cfg.ports.clickhouseHttp, tcpPort: c.clickhouse.tcpPort, user: 'default', database: 'default' },
    prometheus: { url: c.prometheus.url, targetsDir: c.prometheus.targetsDir, job: COLLECTOR_JOB },
    collector: { metricsPort: cfg.ports.collectorMetrics },
    pids,
  };
  writeAtomically(join(cfg.stackDir, 'endpoints.json'), JSON.stringify(ep, null, 2) + '\n');
  const env: Record<string, string> = {
    HINDSIGHT_STACK_DIR: cfg.stackDir,
    HINDSIGHT_KAFKA_BROKERS: brokers.join(','),
    HINDSIGHT_KAFKA_CONTROL: `127.0.0.1:${cfg.ports.kafkaControl}`,
    PGHOST: '127.0.0.1',
    PGPORT: String(cfg.ports.postgres),
    PGUSER: pg.user,
    PGDATABASE: pg.database,
    HINDSIGHT_POSTGRES_URL: ep.postgres.url,
    HINDSIGHT_CLICKHOUSE_URL: c.clickhouse.url,
    HINDSIGHT_PROMETHEUS_URL: c.prometheus.url,
    HINDSIGHT_COLLECTOR_METRICS_PORT: String(cfg.ports.collectorMetrics),
  };
  const envFile = join(cfg.stackDir, 'env');
  writeAtomically(envFile, Object.entries(env).map(([k, v]) => `export ${k}='${v}'`).join('\n') + '\n');
  return [
    `  kafka       brokers ${brokers.join(',')}  (mock cluster; faults: npm run stack -- kafka <command>)`,
    `  postgres    psql ${ep.postgres.url}`,
    `  clickhouse  ${c.clickhouse.url}  (native tcp 127.0.0.1:${c.clickhouse.tcpPort}; clickhouse-client --port ${c.clickhouse.tcpPort})`,
    `  prometheus  ${c.prometheus.url}  (targets folder ${c.prometheus.targetsDir})`,
    `  collector   Prometheus scrapes 127.0.0.1:${cfg.ports.collectorMetrics}/metrics`,
    `  shell       . ${envFile}`,
    '',
  ].join('\n');
}
