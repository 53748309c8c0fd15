import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (test/stack is two levels below it). */
export const REPO_ROOT = resolve(__dirname, '..', '..');

/** Ports of the stack's services, before the offset is applied. */
export interface StackPorts {
  postgres: number;
  clickhouseHttp: number;
  clickhouseTcp: number;
  prometheus: number;
  /** Loopback TCP port of the mock Kafka cluster's fault-injection server. */
  kafkaControl: number;
  /** Port the collector serves /metrics on; Prometheus scrapes it by default. */
  collectorMetrics: number;
}

/** Contents of test/stack/stack-config.json. */
export interface StackConfigFile {
  ports: StackPorts;
  kafka: {
    /** Number of mock brokers (ids 1..N; broker 1 is the controller). */
    brokers: number;
    /** npm package whose bundled librdkafka source builds the mock (pinned version). */
    librdkafkaPackage: string;
    /** Wait before the first rebalance of a new consumer group (Kafka's default is 3000). */
    groupInitialRebalanceDelayMs: number;
    topics: Record<string, number>;
  };
  postgres: { database: string; user: string };
  prometheus: { scrapeIntervalSeconds: number; fileSdRefreshSeconds: number };
}

/** The stack's configuration with environment overrides applied. */
export interface StackConfig extends StackConfigFile {
  /** Folder holding every component's data, logs and pid files. */
  stackDir: string;
  /** Folder for builds reused across clones (the librdkafka mock harness). */
  cacheDir: string;
  /** Value added to every configured port. */
  portOffset: number;
}

function parseOffset(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -20000 || n > 30000) {
    throw new Error(`HINDSIGHT_STACK_PORT_OFFSET must be an integer between -20000 and 30000, got "${raw}"`);
  }
  return n;
}

/** Folder of the stack: HINDSIGHT_STACK_DIR, else `.stack/` at the repository root. */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HINDSIGHT_STACK_DIR || join(REPO_ROOT, '.stack'));
}

/**
 * Reads stack-config.json and applies HINDSIGHT_STACK_DIR, HINDSIGHT_STACK_PORT_OFFSET
 * and HINDSIGHT_CACHE_DIR.
 */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const file = JSON.parse(readFileSync(join(__dirname, 'stack-config.json'), 'utf8')) as StackConfigFile;
  const portOffset = parseOffset(env.HINDSIGHT_STACK_PORT_OFFSET);
  const ports = Object.fromEntries(
    Object.entries(file.ports).map(([k, v]) => [k, v + portOffset]),
  ) as unknown as StackPorts;
  for (const [name, port] of Object.entries(ports)) {
    if (port < 1024 || port > 65535) {
      throw new Error(`port ${name}=${port} is outside 1024..65535; adjust HINDSIGHT_STACK_PORT_OFFSET`);
    }
  }
  return {
    ...file,
    ports,
    portOffset,
    stackDir: stackDir(env),
    cacheDir: resolve(env.HINDSIGHT_CACHE_DIR || join(homedir(), '.cache', 'hindsight')),
  };
}
