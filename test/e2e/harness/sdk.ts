/** The SDK as an app would start it, pointed at one test file's topics. */
import { init, withContext, type Hindsight } from '@hindsight/sdk';
import { endpoints, type E2eTopics } from './stack';

export function startSdk(serviceName: string, topics: E2eTopics, tenant = 'e2e'): Hindsight {
  return init({
    serviceName,
    tenant,
    kafka: { brokers: endpoints().kafka.brokers, topics: { spans: topics.spans, logs: topics.logs, audit: topics.audit, journal: topics.journal } },
    queues: { flushIntervalMs: 50 },
    auditAckTimeoutMs: 10_000,
    runtimeMetrics: false,
    env: {},
  });
}

/**
 * Records `count` audit events, `concurrency` at a time; returns the ids of the events whose
 * record() resolved (acked by Kafka) and how many were rejected.
 */
export async function recordAudits(
  hs: Hindsight,
  count: number,
  opts: { concurrency?: number; perSecond?: number; tenant?: string; correlationId?: (i: number) => string } = {},
): Promise<{ acked: string[]; rejected: number }> {
  const acked: string[] = [];
  let rejected = 0;
  const started = Date.now();
  const concurrency = opts.concurrency ?? 8;
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      if (opts.perSecond !== undefined) {
        const due = started + (i * 1000) / opts.perSecond;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      try {
        const ctx = { correlationId: opts.correlationId?.(i) ?? `req-${i}`, ...(opts.tenant !== undefined ? { tenant: opts.tenant } : {}) };
        const e = await withContext(ctx, () =>
          hs.audit.record({
            action: 'invoice.approve',
            actor: { id: `u-${i % 5}`, type: 'user' },
            resource: { type: 'invoice', id: `inv-${i}` },
            outcome: 'success',
            details: { n: i },
          }),
        );
        acked.push(e.event_id);
      } catch {
        rejected++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { acked, rejected };
}
