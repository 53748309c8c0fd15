/**
 * The span rollup under at-least-once delivery, as a property on the stack's ClickHouse: whatever mix
 * of redelivered ranges, restarted collectors (a fresh sink that knows nothing of what was written),
 * partitions handed between two members and back (a rebalance), the rollup counts every span exactly
 * once and the raw table holds one row per span. The materialized view counts every row inserted, so
 * each redelivered span the sink fails to look up shows as an over-count here.
 *
 * Deliveries are generated the way Kafka gives them: per partition, a contiguous range starting at or
 * before the highest offset delivered so far, to whichever member holds the partition at the time; a
 * partition changing hands is a rebalance, which every member's consumer tells its sink of.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { SinkRecord, SpanRow } from '../records';
import { bindQuery } from './bound-query';
import { ClickHouseSink } from './clickhouse-sink';
import { parseClickHouseSinkConfig } from './config';
import { spanRollup } from './queries';
import { createTestDatabase, type TestDatabase } from './test-database';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** One write: which member writes it (2: a collector restarted since), and each partition's range. */
const step = fc.record({
  member: fc.constantFrom(0, 1, 2),
  deliveries: fc.array(fc.record({ partition: fc.nat({ max: 1 }), back: fc.nat({ max: 6 }), length: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 2 }),
});

describe('span rollup under redelivery, restarts and rebalances (property)', () => {
  let db: TestDatabase;
  const open: ClickHouseSink[] = [];
  const newSink = async (): Promise<ClickHouseSink> => {
    const sink = new ClickHouseSink(parseClickHouseSinkConfig({ url: db.url, database: db.name, minInsertIntervalMs: 0 }));
    await sink.start();
    open.push(sink);
    return sink;
  };
  let nextPartition = 0;
  before(async () => {
    db = await createTestDatabase('rollupprop');
  });
  after(async () => {
    await Promise.all(open.map((s) => s.shutdown()));
    await db?.drop();
  });

  it('every span is counted once by the rollup and stored once', async () => {
    const now = Math.floor(Date.now() / 1000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 2, maxLength: 2 }), fc.array(step, { minLength: 1, maxLength: 8 }), async (sizes, steps) => {
        const service = `svc-${hex(4)}`;
        // Partitions of this run alone: the sinks judge redelivery per partition from the offsets.
        const partitions = sizes.map(() => nextPartition++);
        const streams = sizes.map((size, p) =>
          Array.from({ length: size }, (_, offset): SinkRecord => {
            const start = BigInt(now) * 1_000_000_000n + BigInt(offset) * 1_000n;
            const span: SpanRow = {
              traceId: hex(16), spanId: hex(8), parentSpanId: '', name: 'GET /orders', kind: 2, statusCode: 0, statusMessage: '',
              startTimeUnixNano: String(start), endTimeUnixNano: String(start + 5_000_000n), serviceName: service, correlationId: `corr-${hex(4)}`,
              tenant: 'acme', scopeName: 'test', attributes: {}, resourceAttributes: { 'service.name': service }, events: [],
            };
            return { kind: 'span', span, origin: { topic: 'otlp_spans', partition: partitions[p]!, offset: String(offset) } };
          }),
        );
        const members = [await newSink(), await newSink()];
        const highWater = sizes.map(() => 0);
        const holder: Array<ClickHouseSink | undefined> = sizes.map(() => undefined);
        for (const s of steps) {
          const batch = s.deliveries.flatMap((d) => {
            const start = Math.max(0, highWater[d.partition]! - d.back);
            // Each delivery decodes its messages anew: new record objects, as the consumer makes them.
            return streams[d.partition]!.slice(start, start + d.length).map((r) => ({ ...r, origin: { ...r.origin } }));
          });
          const sink = s.member === 2 ? await newSink() : members[s.member]!;
          if (s.member === 2) members[0] = sink; // the restarted collector takes the first member's place
          // A partition changing hands is a rebalance: every member's consumer joins the group again.
          const holders = s.deliveries.map((d) => d.partition);
          if (holders.some((p) => holder[p] !== undefined && holder[p] !== sink)) for (const m of members) m.assignmentChanged();
          for (const p of holders) holder[p] = sink;
          assert.deepEqual(await sink.write(batch), { status: 'written' });
          for (const r of batch) {
            const p = partitions.indexOf(r.origin.partition);
            highWater[p] = Math.max(highWater[p]!, Number(r.origin.offset) + 1);
          }
        }
        assert.deepEqual(await members[0]!.write(streams.flatMap((stream, p) => stream.slice(highWater[p]))), { status: 'written' });

        const rollup = await spanRollup(db.client, db.caps, { fromSeconds: now - 600, toSeconds: now + 600, service });
        const counted = rollup.reduce((n, r) => n + Number(r.requests), 0);
        const total = sizes.reduce((a, b) => a + b, 0);
        assert.equal(counted, total, 'the rollup counts every span once');
        const rs = await db.client.query({ ...bindQuery('SELECT count() AS n FROM spans WHERE service = {service:String}', { service }, db.caps), format: 'JSONEachRow' });
        assert.equal(Number((await rs.json<{ n: string }>())[0]!.n), total, 'one raw row per span');
      }),
      { numRuns: 30 },
    );
  });
});
