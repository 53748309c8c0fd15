import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadStackEndpoints } from './endpoints';

const safeName = (name: string): string => {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new Error(`scrape target name "${name}" may only hold letters, digits, '.', '_' and '-'`);
  }
  return name;
};

/** Writes one file_sd target file atomically (Prometheus must never read half a file). */
export function writeTargetFile(targetsDir: string, name: string, hostPort: string, labels: Record<string, string> = {}): string {
  const file = join(targetsDir, `${safeName(name)}.json`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify([{ targets: [hostPort], labels: { target_name: name, ...labels } }], null, 2) + '\n');
  renameSync(tmp, file);
  return file;
}

/**
 * Adds hostPort (e.g. `127.0.0.1:9464`) as a scrape target of the stack's
 * `hindsight-collector` job; Prometheus picks it up within about a second. Each target
 * carries the label `target_name=<name>`. Returns a function that removes the target.
 */
export function registerScrapeTarget(name: string, hostPort: string, labels: Record<string, string> = {}): () => void {
  const { prometheus } = loadStackEndpoints();
  const file = writeTargetFile(prometheus.targetsDir, name, hostPort, labels);
  return () => rmSync(file, { force: true });
}
