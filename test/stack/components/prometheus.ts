import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component, LaunchSpec } from '../component';
import type { StackConfig } from '../config';
import { writeTargetFile } from '../prometheus-targets';

/** Prometheus scrape job that reads the collector's targets from files (file_sd). */
export const COLLECTOR_JOB = 'hindsight-collector';

/**
 * Prometheus 2.x whose `hindsight-collector` job discovers targets from JSON files in a
 * folder, so tests register extra targets by writing a file (see registerScrapeTarget).
 */
export function prometheusComponent(cfg: StackConfig): Component & { url: string; targetsDir: string } {
  const dir = join(cfg.stackDir, 'prometheus');
  const targetsDir = join(dir, 'targets');
  const configFile = join(dir, 'prometheus.yml');
  const port = cfg.ports.prometheus;
  const url = `http://127.0.0.1:${port}`;
  const { scrapeIntervalSeconds: scrape, fileSdRefreshSeconds: refresh } = cfg.prometheus;

  return {
    name: 'prometheus',
    dir,
    logFile: join(dir, 'prometheus.log'),
    pidFile: join(dir, 'prometheus.pid'),
    marker: configFile,
    address: { host: '127.0.0.1', port },
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 30_000,
    url,
    targetsDir,
    async prepare() {
      mkdirSync(join(dir, 'data'), { recursive: true });
      mkdirSync(targetsDir, { recursive: true });
      writeFileSync(
        configFile,
        [
          'global:',
          `  scrape_interval: ${scrape}s`,
          `  scrape_timeout: ${scrape}s`,
          `  evaluation_interval: ${scrape}s`,
          'scrape_configs:',
          `  - job_name: ${COLLECTOR_JOB}`,
          '    file_sd_configs:',
          `      - files: ['${join(targetsDir, '*.json')}']`,
          `        refresh_interval: ${refresh}s`,
          '',
        ].join('\n'),
      );
      const collectorTarget = join(targetsDir, 'collector.json');
      if (!existsSync(collectorTarget)) {
        writeTargetFile(targetsDir, 'collector', `127.0.0.1:${cfg.ports.collectorMetrics}`);
      }
    },
    launch(): LaunchSpec {
      return {
        cmd: 'prometheus',
        args: [
          `--config.file=${configFile}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          '--storage.tsdb.retention.time=2d',
          `--web.listen-address=127.0.0.1:${port}`,
          '--web.enable-lifecycle',
        ],
        cwd: dir,
      };
    },
    async isReady() {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    },
  };
}
