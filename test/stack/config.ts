import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

function parseOffset(raw: string | undefined, source = 'HINDSIGHT_STACK_PORT_OFFSET'): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < -20000 || n > 30000) {
    throw new Error(`${source} must be an integer between -20000 and 30000, got "${raw.trim()}"`);
  }
  return n;
}

/** File in the stack's folder holding the port offset it was brought up with. */
const OFFSET_FILE = 'port-offset';

/**
 * The port offset `up` recorded in the stack's folder, if any. Commands run later against the same
 * folder (status, down, a fault scenario restarting one component) use it when the environment does
 * not name one, so they reach the ports the stack actually listens on.
 */
export function recordedPortOffset(dir: string): number | undefined {
  const file = join(dir, OFFSET_FILE);
  return existsSync(file) ? parseOffset(readFileSync(file, 'utf8'), file) : undefined;
}

/** Records the offset the stack in `dir` is brought up with (see {@link recordedPortOffset}). */
export function recordPortOffset(dir: string, offset: number): void {
  writeFileSync(join(dir, OFFSET_FILE), `${offset}\n`);
}

/** Folder of the stack: HINDSIGHT_STACK_DIR, else `.stack/` at the repository root. */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HINDSIGHT_STACK_DIR || join(REPO_ROOT, '.stack'));
}

/**
 * Reads stack-config.json and applies HINDSIGHT_STACK_DIR, HINDSIGHT_STACK_PORT_OFFSET (else the offset
 * the stack in that folder was brought up with, else 0) and HINDSIGHT_CACHE_DIR. An offset that
 * differs from the one of a stack that is up is refused: its commands would reach other ports.
 */
export function loadStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const file = JSON.parse(readFileSync(join(__dirname, 'stack-config.json'), 'utf8')) as StackConfigFile;
  const dir = stackDir(env);
  const asked = parseOffset(env.HINDSIGHT_STACK_PORT_OFFSET);
  const recorded = recordedPortOffset(dir);
  if (asked !== undefined && recorded !== undefined && asked !== recorded && existsSync(join(dir, 'endpoints.json'))) {
    throw new Error(
      `the stack in ${dir} is up with port offset ${recorded}, but HINDSIGHT_STACK_PORT_OFFSET is ${asked}: ` +
        `unset it (the recorded offset is used) or bring that stack down first`,
    );
  }
  const portOffset = asked ?? recorded ?? 0;
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
    stackDir: dir,
    cacheDir: resolve(env.HINDSIGHT_CACHE_DIR || join(homedir(), '.cache', 'hindsight')),
  };
}
