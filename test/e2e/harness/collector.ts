/**
 * A real `hindsight-collector run` child process with a generated config: this file's topics, a
 * consumer group prefix of its own, its Postgres database (as the writer role) and ClickHouse database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints, REPO, uniqueSuffix, waitFor, type E2eTopics } from './stack';

export interface CollectorSetup {
  topics: E2eTopics;
  /** Writer URL of the Postgres database; omitted: no Postgres pipeline. */
  postgresUrl?: string;
  /** ClickHouse URL and database; omitted: no ClickHouse pipeline. */
  clickhouse?: { url: string; database: string };
  /** Batch wait of every sink (ms). */
  maxWaitMs?: number;
  /** Retry ceiling of every sink: the pause between retry rounds while a store is down. */
  maxDelayMs?: number;
}

/** Writes the YAML config; returns its path and the consumer group prefix. */
export function writeCollectorConfig(setup: CollectorSetup): { path: string; groupPrefix: string } {
  const { topics } = setup;
  const groupPrefix = `e2e-${uniqueSuffix()}`;
  const batch = `batch: { maxRecords: 1000, maxWaitMs: ${setup.maxWaitMs ?? 100} }`;
  const retry = `retry: { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: ${setup.maxDelayMs ?? 2000} }`;
  const breaker = 'circuitBreaker: { failureThreshold: 5, halfOpenAfterMs: 1000 }';
  const sinks: string[] = [];
  const pipelines: string[] = [];
  if (setup.postgresUrl !== undefined) {
    sinks.push(`  postgres: { type: postgres, ${batch}, ${retry}, ${breaker}, options: { url: ${JSON.stringify(setup.postgresUrl)}, connectTimeoutMs: 2000, statementTimeoutMs: 10000 } }`);
    pipelines.push('  postgres: { sources: [audit, journal], sink: postgres }');
  }
  if (setup.clickhouse !== undefined) {
    sinks.push(
      `  clickhouse: { type: clickhouse, ${batch}, ${retry}, ${breaker}, options: { url: ${JSON.stringify(setup.clickhouse.url)}, database: ${setup.clickhouse.database}, minInsertIntervalMs: 200, requestTimeoutMs: 5000 } }`,
    );
    pipelines.push('  clickhouse: { sources: [spans, logs], sink: clickhouse }');
  }
  const yaml = `service: { name: e2e-collector, http: { host: 127.0.0.1, port: 0 }, shutdownTimeoutMs: 10000, logLevel: info }
kafka: { brokers: ${JSON.stringify(endpoints().kafka.brokers)}, groupPrefix: ${groupPrefix}, dlqTopic: ${topics.dlq}, createTopics: false, heartbeatIntervalMs: 500, sessionTimeoutMs: 10000, stallTimeoutMs: 30000 }
sources:
  spans: { topic: ${topics.spans}, kind: span }
  logs: { topic: ${topics.logs}, kind: log }
  audit: { topic: ${topics.audit}, kind: audit, maxMessageBytes: 65536 }
  journal: { topic: ${topics.journal}, kind: journal, maxMessageBytes: 65536 }
sinks:
${sinks.join('\n')}
pipelines:
${pipelines.join('\n')}
`;
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-e2e-'));
  const path = join(dir, 'collector.yaml');
  writeFileSync(path, yaml);
  return { path, groupPrefix };
}

/** Metric samples by `name{labels}` as /metrics spells them (labels sorted as printed). */
export type Samples = Map<string, number>;

/** A running `hindsight-collector run`. */
export class CollectorProcess {
  logs = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private port: number | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly configPath: string,
  ) {
    child.stderr?.on('data', (d: Buffer) => {
      this.logs += d.toString();
      if (this.logs.length > 2_000_000) this.logs = this.logs.slice(-1_000_000);
    });
    child.stdout?.on('data', (d: Buffer) => (this.logs += d.toString()));
    this.exited = new Promise((res) => child.on('exit', (code, signal) => res({ code, signal })));
  }

  /** Starts the collector from sources and waits until its /readyz answers 200 (every pipeline joined, sinks ready). */
  static async start(configPath: string, opts: { waitReady?: boolean } = {}): Promise<CollectorProcess> {
    // Only the generated file configures it: overrides from this shell's environment are left out.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^HINDSIGHT_(CONFIG__|KAFKA_BROKERS$|[A-Z]+_URL$)/.test(k)));
    const child = spawn(process.execPath, ['--conditions=hindsight-source', '--import', 'tsx', 'collector/src/cli/main.ts', 'run', '--config', configPath], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    const c = new CollectorProcess(child, configPath);
    await waitFor('the collector to listen', () => {
      if (child.exitCode !== null) throw new Error(`collector exited ${child.exitCode}:\n${c.logs.slice(-3000)}`);
      return c.metricsPort();
    }, 60_000);
    if (opts.waitReady !== false) await c.waitReady();
    return c;
  }

  /** Port of /metrics, from the "telemetry server listening" log line. */
  metricsPort(): number | undefined {
    if (this.port !== undefined) return this.port;
    const m = /"msg":"telemetry server listening"[^\n]*"port":(\d+)/.exec(this.logs);
    this.port = m ? Number(m[1]) : undefined;
    return this.port;
  }

  async readyz(): Promise<{ status: number; body: string }> {
    const r = await fetch(`http://127.0.0.1:${this.metricsPort()}/readyz`);
    return { status: r.status, body: await r.text() };
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await waitFor('the collector /readyz to answer 200', async () => {
      if (this.child.exitCode !== null) throw new Error(`collector exited ${this.child.exitCode}:\n${this.logs.slice(-3000)}`);
      return (await this.readyz()).status === 200 ? true : undefined;
    }, timeoutMs);
  }

  /** Scrapes /metrics. */
  async metrics(): Promise<Samples> {
    const text = await (await fetch(`http://127.0.0.1:${this.metricsPort()}/metrics`)).text();
    const out: Samples = new Map();
    for (const line of text.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      const i = line.lastIndexOf(' ');
      out.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return out;
  }

  /** Sum of a metric's samples whose labels contain every `label="value"` given. */
  static sum(samples: Samples, name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const [key, v] of samples) {
      if (key !== name && !key.startsWith(`${name}{`)) continue;
      if (Object.entries(labels).every(([k, val]) => key.includes(`${k}="${val}"`))) total += v;
    }
    return total;
  }

  /** kill -9: no shutdown, no last commit. */
  async kill9(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, as an operator stops it; resolves with the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
