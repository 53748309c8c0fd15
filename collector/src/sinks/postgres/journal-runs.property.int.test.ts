/**
 * A run's summary row under at-least-once delivery, as a property on the stack's Postgres: whatever the
 * batching, the order events arrive in (a run's events may come from several partitions and
 * producers), redelivered ranges and duplicates inside a batch, `journal_run` ends up as a fold over
 * the run's distinct events: first and last ts, event, WARN and ERROR counts, and for each metadata
 * field the value of the newest event carrying one (docs/postgres.md).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { JournalEvent } from '@hindsight/sdk/contract';
import type { SinkRecord } from '../records';
import { createPostgresSink, type PostgresSink } from './postgres-sink';
import { createTestDatabase, journalRecord, uniqueId, type TestDatabase } from './test-database';

const event = fc.record({
  second: fc.nat({ max: 59 }),
  severity: fc.constantFrom('DEBUG' as const, 'INFO' as const, 'WARN' as const, 'ERROR' as const),
  scenario: fc.option(fc.constantFrom('smoke', 'load', 'soak'), { nil: undefined }),
  tags: fc.option(fc.array(fc.constantFrom('nightly', 'eu', 'canary'), { maxLength: 2 }), { nil: undefined }),
});

/** The run row the events should give, folded from the distinct events alone. */
function expectedRun(events: readonly JournalEvent[]) {
  const byTs = [...events].sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  const newest = (pick: (e: JournalEvent) => unknown) => [...byTs].reverse().find((e) => pick(e) !== undefined);
  const scenario = newest((e) => e.details?.['scenario']);
  const tags = newest((e) => ((e.details?.['tags'] as string[] | undefined)?.length ? e.details?.['tags'] : undefined));
  return {
    first_ts: byTs[0]!.ts,
    last_ts: byTs[byTs.length - 1]!.ts,
    event_count: events.length,
    warn_count: events.filter((e) => e.severity === 'WARN').length,
    error_count: events.filter((e) => e.severity === 'ERROR').length,
    scenario: (scenario?.details?.['scenario'] as string | undefined) ?? null,
    tags: (tags?.details?.['tags'] as string[] | undefined) ?? [],
  };
}

describe('journal_run under any batching and arrival order (property)', () => {
  let db: TestDatabase;
  let sink: PostgresSink;
  before(async () => {
    db = await createTestDatabase('runprop');
    sink = createPostgresSink({ url: db.writerUrl }, 'pg-runs');
    await sink.start();
  });
  after(async () => {
    await sink?.shutdown();
    await db?.drop();
  });

  it('first/last ts, counts and the newest metadata are those of the distinct events', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Distinct timestamps: which of two events of the same ts is the newer is not defined.
        fc.uniqueArray(event, { minLength: 1, maxLength: 12, selector: (e) => e.second }),
        // Arrival: a permutation of the events, cut into batches, some delivered again.
        fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (specs, order, cuts, again) => {
          const run = uniqueId('run');
          const events = specs.map((s, i) => {
            const details: Record<string, unknown> = { n: i };
            if (s.scenario !== undefined) details['scenario'] = s.scenario;
            if (s.tags !== undefined) details['tags'] = s.tags;
            const ts = `2026-03-01T10:00:${String(s.second).padStart(2, '0')}.000000Z`;
            const r = journalRecord(run, i, { ts, severity: s.severity, details });
            return r.kind === 'journal' ? r.event : assert.fail('not a journal record');
          });
          const arrival = events.map((e, i) => ({ e, key: order[i]! })).sort((a, b) => a.key - b.key).map((x) => x.e);
          const batches: JournalEvent[][] = [];
          for (let at = 0, c = 0; at < arrival.length; c++) {
            const size = cuts[c % cuts.length]!;
            batches.push(arrival.slice(at, at + size));
            at += size;
          }
          for (const pick of again) batches.push(batches[pick % batches.length]!); // redelivered batch
          for (const batch of batches) {
            const records: SinkRecord[] = batch.map((e, i) => ({ kind: 'journal', event: e, origin: { topic: 'hindsight.journal', partition: 0, offset: String(i) } }));
            assert.deepEqual(await sink.write(records), { status: 'written' });
          }
          const { rows } = await db.admin.query(
            `SELECT to_char(first_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS first_ts, to_char(last_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS last_ts,
                    event_count::int, warn_count::int, error_count::int, scenario, tags FROM hindsight.journal_run WHERE run_id = $1`, [run]);
          assert.deepEqual(rows[0], expectedRun(events));
        },
      ),
      { numRuns: 60 },
    );
  });
});
