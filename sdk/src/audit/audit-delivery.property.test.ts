/**
 * `audit.record()` against an exporter that fails now and then, as a property: whatever the script of
 * outcomes (acknowledged, failed and worth retrying, refused for good), batch sizes and bursts of calls,
 * every promise settles; one resolves only when an export carrying its event was acknowledged, and
 * rejects (AUDIT_REJECTED) only when it never was; each event is acknowledged at most once; and the
 * acknowledged events keep the order of the calls, retries included (a tenant's audit order is the
 * order of its Kafka partition).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { init } from '../init/init';
import type { AuditEvent } from '../contract';
import type { ExportBatch, ExportResult, Exporter } from '../exporter/exporter';
import { AuditError } from './audit-error';

type Outcome = 'ok' | 'retry' | 'refuse';

/** An exporter answering audit batches from a script (then always ok), keeping what it acknowledged. */
class ScriptedExporter implements Exporter {
  readonly acknowledged: number[] = [];
  private next = 0;
  constructor(private readonly script: readonly Outcome[]) {}
  async export(batch: ExportBatch): Promise<ExportResult> {
    if (batch.kind !== 'audit') return { ok: true };
    await new Promise((resolve) => setImmediate(resolve));
    const outcome = this.script[this.next++] ?? 'ok';
    if (outcome === 'retry') return { ok: false, error: new Error('broker not available'), retriable: true };
    if (outcome === 'refuse') return { ok: false, error: new Error('message too large'), retriable: false };
    for (const e of batch.items) this.acknowledged.push((e.details as { n: number }).n);
    return { ok: true };
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

test('property: audit promises settle by what Kafka acknowledged, each event once, in call order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom<Outcome>('ok', 'ok', 'retry', 'refuse'), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(0, 1, 3),
      async (script, bursts, maxBatchSize, auditLingerMs) => {
        const exporter = new ScriptedExporter(script);
        const hs = init({ serviceName: 'prop-app', tenant: 'acme', exporter, env: {}, runtimeMetrics: false, queues: { maxBatchSize, auditLingerMs, flushIntervalMs: 5 } });
        const calls: Array<Promise<AuditEvent>> = [];
        let n = 0;
        try {
          for (const size of bursts) {
            for (let i = 0; i < size; i++) calls.push(hs.audit.record({ action: 'invoice.approve', resource: { type: 'invoice', id: `INV-${n}` }, outcome: 'success', details: { n: n++ } }));
            await new Promise((resolve) => setTimeout(resolve, 2));
          }
          const settled = await Promise.allSettled(calls);
          const acked = new Set(exporter.acknowledged);
          assert.equal(acked.size, exporter.acknowledged.length, `an event acknowledged twice: ${exporter.acknowledged.join(',')}`);
          assert.deepEqual(exporter.acknowledged, [...exporter.acknowledged].sort((a, b) => a - b), 'acknowledged in call order');
          settled.forEach((s, i) => {
            if (s.status === 'fulfilled') assert.ok(acked.has(i), `event ${i} resolved without an acknowledgement`);
            else {
              assert.ok(s.reason instanceof AuditError && s.reason.code === 'AUDIT_REJECTED', String(s.reason));
              assert.ok(!acked.has(i), `event ${i} rejected although acknowledged`);
            }
          });
        } finally {
          await hs.shutdown();
        }
      },
    ),
    { numRuns: 150 },
  );
});
