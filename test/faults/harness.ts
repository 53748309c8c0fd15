/**
 * Additions of the fault suite to the end-to-end harness (test/e2e/harness), which it reuses for topics,
 * fresh databases and the `hindsight-collector run` child process: a consumer session timeout of the
 * scenario's choosing, a paced SDK stream with acked ids, committed offsets, stack component stop/start,
 * and small store queries. Every scenario undoes the faults it injects in a `finally`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { kafkaControl } from '../stack/kafka-control';
import { startComponent, stopComponent } from '../stack/component-control';
import { CollectorProcess, writeCollectorConfig as writeE2eConfig, type CollectorSetup } from '../e2e/harness/collector';
import { clickHouseDatabase, createPostgres, createTopics, endpoints, REPO, uniqueSuffix, waitFor, type E2eClickHouse, type E2ePostgres, type E2eTopics } from '../e2e/harness/stack';

export { CollectorProcess, clickHouseDatabase, createPostgres, createTopics, endpoints, kafkaControl, REPO, sleep, uniqueSuffix, waitFor };
export type { E2eClickHouse, E2ePostgres, E2eTopics as Topics };

/** The e2e collector config, with the consumer session timeout of the scenario (kill -9 tests want it short). */
export function writeCollectorConfig(setup: CollectorSetup & { sessionTimeoutMs?: number }): { path: string; groupPrefix: string } {
  const out = writeE2eConfig(setup);
  if (setup.sessionTimeoutMs !== undefined) {
    const yaml = readFileSync(out.path, 'utf8');
    const next = yaml.replace(/sessionTimeoutMs: \d+/, `sessionTimeoutMs: ${setup.sessionTimeoutMs}`).replace(/heartbeatIntervalMs: \d+/, `heartbeatIntervalMs: ${Math.min(500, Math.floor(setup.sessionTimeoutMs / 4))}`);
    if (next === yaml) throw new Error('e2e collector config no longer names sessionTimeoutMs');
    writeFileSync(out.path, next);
  }
  return out;
}

/** Sum of a metric's samples (labels matched as given) scraped from `c`. */
export async function metric(c: CollectorProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  return CollectorProcess.sum(await c.metrics(), name, labels);
}

/** Polls `check` until true. */
export async function waitUntil(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  await waitFor(what, async () => ((await check()) ? true : undefined), timeoutMs);
}

type Topics = E2eTopics;

/** The SDK's `kafka.topics` option for `t`. */
export const sdkTopics = (t: Topics) => ({ spans: t.spans, logs: t.logs, audit: t.audit, journal: t.journal });

/** Runs `tick(n)` `perSecond` times a second (in 20 ms slices) until `stop()`; resolves with the count. */
export function pace(perSecond: number, tick: (n: number) => void): { stop(): Promise<number>; readonly count: number } {
  let n = 0;
  let running = true;
  const started = Date.now();
  const done = (async () => {
    // Nothing to pace at 0 per second (a stream without spans): no loop waking every 20 ms for nothing.
    while (running && perSecond > 0) {
      const due = Math.floor(((Date.now() - started) / 1000) * perSecond);
      // Never more than one second of backlog at once (the loop was starved): keeps the rate honest.
      const target = Math.min(due, n + perSecond);
      while (n < target) tick(n++);
      await sleep(20);
    }
    return n;
  })();
  return {
    async stop() {
      running = false;
      return done;
    },
    get count() {
      return n;
    },
  };
}


/** Stops or starts one stack component (postgres, clickhouse) of the stack the tests run on. */
export async function stackComponent(action: 'stop' | 'start', name: 'postgres' | 'clickhouse'): Promise<void> {
  if (action === 'stop') await stopComponent(name);
  else await startComponent(name);
}

/** Committed offsets of `groupId` on `topic`, partition → offset (-1: none). */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ clientId: 'faults-offsets', brokers: endpoints().kafka.brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [r] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((r?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/** A paced SDK stream of audit events (acked ids kept) and INFO log records, on the scenario's topics. */
export interface Stream {
  hs: import('@hindsight/sdk').Hindsight;
  acked: Set<string>;
  rejections: Map<string, number>;
  readonly rejected: number;
  /** Stops pacing; resolves with what was sent. */
  stop(): Promise<{ audit: number; logs: number; spans: number }>;
}

export async function startStream(options: {
  topics: Topics;
  service: string;
  auditPerS: number;
  logsPerS: number;
  /** Spans per second, each ended as soon as it starts (none by default). */
  spansPerS?: number;
  tenants?: string[];
  ackTimeoutMs?: number;
}): Promise<Stream> {
  const { init, withContext } = await import('@hindsight/sdk');
  const tenants = options.tenants ?? [0, 1, 2, 3].map((i) => `${options.service}-t${i}`);
  const hs = init({
    serviceName: options.service,
    tenant: tenants[0],
    kafka: { brokers: endpoints().kafka.brokers, topics: sdkTopics(options.topics) },
    auditAckTimeoutMs: options.ackTimeoutMs ?? 30_000,
    queues: { flushIntervalMs: 50 },
    env: {},
  });
  const acked = new Set<string>();
  const rejections = new Map<string, number>();
  const audit = pace(options.auditPerS, (n) => {
    withContext({ tenant: tenants[n % tenants.length] as string, correlationId: `${options.service}-${n}` }, () => {
      hs.audit.record({ action: 'order.pay', actor: { id: `u-${n % 7}`, type: 'user' }, resource: { type: 'order', id: `o-${n}` }, outcome: 'success', details: { n } }).then(
        (e) => acked.add(e.event_id),
        (e: { code?: string }) => rejections.set(e.code ?? 'unknown', (rejections.get(e.code ?? 'unknown') ?? 0) + 1),
      );
    });
  });
  const logs = pace(options.logsPerS, (n) => hs.logger.info({ n }, 'stream record'));
  const spans = pace(options.spansPerS ?? 0, (n) => {
    withContext({ tenant: tenants[n % tenants.length] as string, correlationId: `${options.service}-span-${n}` }, () => hs.tracer.startSpan('stream.request', { kind: 1 }).end());
  });
  return {
    hs,
    acked,
    rejections,
    get rejected() {
      return [...rejections.values()].reduce((a, n) => a + n, 0);
    },
    async stop() {
      return { audit: await audit.stop(), logs: await logs.stop(), spans: await spans.stop() };
    },
  };
}

/** Audit rows per event id in a Postgres database (opens its own client: the stack's may have restarted). */
export async function storedAudit(url: string): Promise<Map<string, number>> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    const r = await c.query<{ event_id: string; n: string }>('SELECT event_id::text AS event_id, count(*) AS n FROM hindsight.audit_event GROUP BY event_id');
    return new Map(r.rows.map((x) => [x.event_id, Number(x.n)]));
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** One number from a ClickHouse query (`SELECT ... AS n`). */
export async function chNumber(db: E2eClickHouse, sql: string): Promise<number> {
  const rows = await (await db.client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string | number }>();
  return Number(rows[0]?.n);
}

/** Lines of a collector's log matching `re`. */
export function logLinesMatching(c: CollectorProcess, re: RegExp): string[] {
  return c.logs.split('\n').filter((l) => re.test(l));
}

/** Consumer and sink series printed by `printDiagnostics`: where a stalled pipeline stopped. */
const DIAGNOSTIC_SERIES = /^hindsight_(consumer_(messages_total|lag|commits_total|restarts_total|stalls_total)|sink_(records_written_total|write_retries_total|circuit_open)|component_errors_total|dlq_messages_total)\b/;

/**
 * For a failed scenario: writes the collector's whole log next to its config and prints to stderr what
 * shows where it stopped (its consumer and sink metrics, and its last warnings and errors), so a failure
 * in CI can be read after the fact: the log otherwise lives only in this process's memory.
 */
export async function printDiagnostics(c: CollectorProcess, scenario: string): Promise<void> {
  const logPath = join(dirname(c.configPath), 'collector.log');
  writeFileSync(logPath, c.logs);
  const series = await c
    .metrics()
    .then((m) => [...m].filter(([k, v]) => DIAGNOSTIC_SERIES.test(k) && v !== 0).map(([k, v]) => `  ${k} ${v}`))
    .catch((err: unknown) => [`  (metrics unreadable: ${(err as Error).message})`]);
  const problems = logLinesMatching(c, /"level":"(warn|error)"/);
  const readyz = await c.readyz().then((r) => `${r.status} ${r.body}`, (err: unknown) => `unreadable: ${(err as Error).message}`);
  console.error(
    [
      `--- ${scenario} failed: collector diagnostics (whole log: ${logPath}) ---`,
      `process: exit ${c.child.exitCode} signal ${c.child.signalCode}`,
      `/readyz: ${readyz.slice(0, 2000)}`,
      'metrics (non-zero):',
      ...series,
      `last warnings and errors (${Math.min(80, problems.length)} of ${problems.length}):`,
      ...problems.slice(-80).map((l) => `  ${l.slice(0, 600)}`),
      'last lines:',
      ...c.logs.trimEnd().split('\n').slice(-30).map((l) => `  ${l.slice(0, 600)}`),
      '--- end of diagnostics ---',
    ].join('\n'),
  );
}
