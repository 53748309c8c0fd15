/**
 * The audit log under at-least-once delivery, as a property on the stack's Postgres: whatever mix of
 * redelivered ranges, duplicates inside a batch, tenants sharing a batch, and two collector members
 * writing overlapping batches at once (a rebalance), every tenant's log ends up holding each event
 * exactly once, in its partition's order, numbered 1..n without a gap, with a chain that verifies.
 *
 * Deliveries are generated the way Kafka gives them: per partition (one tenant each, the tenant being
 * the partition key) a contiguous range starting at or before the highest offset delivered so far.
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { SinkRecord } from '../records';
import { createPostgresSink, type PostgresSink } from './postgres-sink';
import { auditRecord, createTestDatabase, uniqueId, type TestDatabase } from './test-database';
import { verifyAudit } from './verify-audit';

/** One partition's delivery: how far back from the high-water mark it starts, and how many it carries. */
const delivery = fc.record({ tenant: fc.nat({ max: 2 }), back: fc.nat({ max: 4 }), length: fc.integer({ min: 1, max: 6 }), duplicate: fc.boolean() });
type Delivery = typeof delivery extends fc.Arbitrary<infer T> ? T : never;
/** A write: one or more deliveries in one batch, by the first member, or alongside the second member's. */
const step = fc.record({ batch: fc.array(delivery, { minLength: 1, maxLength: 3 }), rival: fc.option(fc.array(delivery, { minLength: 1, maxLength: 2 }), { nil: undefined }) });

describe('audit chain under redelivery and concurrent members (property)', () => {
  let db: TestDatabase;
  let members: [PostgresSink, PostgresSink];
  before(async () => {
    db = await createTestDatabase('chainprop');
    members = [createPostgresSink({ url: db.writerUrl }, 'member-a'), createPostgresSink({ url: db.writerUrl }, 'member-b')];
    await Promise.all(members.map((m) => m.start()));
  });
  after(async () => {
    await Promise.all((members ?? []).map((m) => m.shutdown()));
    await db?.drop();
  });

  /** Writes until written, as the pipeline does: a retry (a conflict with the other member) is written again. */
  async function writeUntilWritten(sink: PostgresSink, batch: SinkRecord[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const result = await sink.write(batch);
      if (result.status === 'written') return;
      assert.equal(result.status, 'retry', `a valid batch must be written or retried, got ${JSON.stringify(result)}`);
      assert.ok(attempt < 20, 'still retrying after 20 attempts');
    }
  }

  it('every event is stored once, in partition order, seq 1..n, and the chain verifies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 14 }), { minLength: 3, maxLength: 3 }), fc.array(step, { minLength: 1, maxLength: 8 }), async (sizes, steps) => {
        const tenants = sizes.map(() => uniqueId('t'));
        const streams = tenants.map((tenant, t) => Array.from({ length: sizes[t]! }, (_, n) => ({ ...auditRecord(tenant, n), origin: { topic: 'hindsight.audit', partition: t, offset: String(n) } }) as SinkRecord));
        const highWater = tenants.map(() => 0);
        // A delivery's records, from where the partition was last committed (or earlier) onwards.
        const take = (d: Delivery, marks: number[]): SinkRecord[] => {
          const stream = streams[d.tenant]!;
          const start = Math.max(0, marks[d.tenant]! - d.back);
          const records = stream.slice(start, Math.min(stream.length, start + d.length));
          return d.duplicate && records.length > 0 ? [...records, records[records.length - 1]!] : records;
        };
        for (const s of steps) {
          // Both members start from what was delivered before this step; the marks move after it.
          const marks = [...highWater];
          const batch = s.batch.flatMap((d) => take(d, marks));
          const rival = s.rival?.flatMap((d) => take(d, marks)) ?? [];
          await Promise.all([writeUntilWritten(members[0], batch), rival.length > 0 ? writeUntilWritten(members[1], rival) : Promise.resolve()]);
          for (const r of [...batch, ...rival]) highWater[r.origin.partition] = Math.max(highWater[r.origin.partition]!, Number(r.origin.offset) + 1);
        }
        // The rest of each partition, as a consumer catching up would deliver it.
        await writeUntilWritten(members[0], streams.flatMap((stream, t) => stream.slice(highWater[t])));

        for (const [t, tenant] of tenants.entries()) {
          const { rows } = await db.admin.query<{ event_id: string; seq: string }>('SELECT event_id::text, seq::text FROM hindsight.audit_event WHERE tenant = $1 ORDER BY audit_event.seq', [tenant]);
          const expected = streams[t]!.map((r, i) => ({ event_id: r.kind === 'audit' ? r.event.event_id : '', seq: String(i + 1) }));
          assert.deepEqual(rows, expected, `tenant ${t}: each event once, in partition order, seq 1..n`);
        }
        const verdict = await verifyAudit({ connectionString: db.readerUrl });
        assert.ok(verdict.ok, JSON.stringify(verdict.tenants.filter((v) => v.firstBrokenSeq !== undefined)));
      }),
      { numRuns: 40 },
    );
  });
});
