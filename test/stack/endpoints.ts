import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stackDir } from './config';
import { isAlive } from './process-helper';

/** Where each service of the running local stack listens; written by `npm run stack -- up`. */
export interface StackEndpoints {
  stackDir: string;
  kafka: {
    /** Bootstrap addresses of the mock cluster's brokers (host:port). */
    brokers: string[];
    /** Fault-injection control port of the mock cluster (see kafkaControl). */
    control: { host: string; port: number };
    /** Topics created at start, with their partition counts. */
    topics: Record<string, number>;
  };
  postgres: {
    host: string;
    port: number;
    user: string;
    database: string;
    /** Unix socket folder, for psql -h. */
    socketDir: string;
    /** postgres://user@host:port/database (trust authentication, no password). */
    url: string;
  };
  clickhouse: { url: string; httpPort: number; tcpPort: number; user: string; database: string };
  prometheus: {
    url: string;
    /** file_sd folder of the `hindsight-collector` job; see registerScrapeTarget. */
    targetsDir: string;
    job: string;
  };
  /** The port Prometheus scrapes for the collector by default. */
  collector: { metricsPort: number };
  /** Pid of each component's server process. */
  pids: Record<string, number>;
}

/** Path of endpoints.json of the stack in HINDSIGHT_STACK_DIR (default `.stack/`). */
export const endpointsFile = (env: NodeJS.ProcessEnv = process.env): string => join(stackDir(env), 'endpoints.json');

/**
 * Reads the running local stack's endpoints. Throws an error naming `npm run stack -- up`
 * when the stack was never started or one of its components is no longer running.
 */
export function loadStackEndpoints(env: NodeJS.ProcessEnv = process.env): StackEndpoints {
  const file = endpointsFile(env);
  if (!existsSync(file)) {
    throw new Error(`the local stack is not up (no ${file}); start it with \`npm run stack -- up\``);
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as StackEndpoints;
  const down = Object.entries(endpoints.pids).filter(([, pid]) => !isAlive(pid));
  if (down.length > 0) {
    const names = down.map(([name, pid]) => `${name} (pid ${pid})`).join(', ');
    throw new Error(`local stack component(s) down: ${names}; check with \`npm run stack -- status\`, restart with \`npm run stack -- up\``);
  }
  return endpoints;
}
