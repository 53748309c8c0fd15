import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { exampleJournalEvent, type JournalEvent } from '@hindsight/sdk/contract';
import { runDeltas, upsertRounds } from './journal-writer';

const row = (o: Partial<JournalEvent>): JournalEvent => ({ ...exampleJournalEvent(), ...o });

test('runDeltas folds rows per run: first/last ts, counts by severity, rows without run ignored', () => {
  const d = runDeltas([
    row({ run_id: 'r1', ts: '2026-03-01T10:00:00.000002Z', severity: 'WARN', details: undefined }),
    row({ run_id: 'r1', ts: '2026-03-01T09:59:59.999999Z', severity: 'ERROR', details: undefined }),
    row({ run_id: 'r2', ts: '2026-03-01T10:00:00.000000Z', severity: 'INFO', details: undefined }),
    row({ run_id: null, severity: 'ERROR' }),
  ]);
  assert.deepEqual(d.map((r) => r.runId), ['r1', 'r2']);
  const r1 = d[0]!;
  assert.deepEqual([r1.firstTs, r1.lastTs, r1.events, r1.warns, r1.errors], ['2026-03-01T09:59:59.999999Z', '2026-03-01T10:00:00.000002Z', 2, 1, 1]);
  assert.equal(d[1]!.events, 1);
});

test('runDeltas: the newest event carrying each metadata value wins; wrong types are ignored', () => {
  const d = runDeltas([
    row({ run_id: 'r', ts: '2026-03-01T10:00:02.000000Z', details: { scenario: 'newest', tags: 'not-an-array' } }),
    row({ run_id: 'r', ts: '2026-03-01T10:00:01.000000Z', details: { scenario: 'older', test_plan: 'tp', tags: ['a'] } }),
    row({ run_id: 'r', ts: '2026-03-01T10:00:03.000000Z', details: { scenario: 7, description: 'd' } }),
  ])[0]!;
  assert.deepEqual(d.meta, {
    scenario: { ts: '2026-03-01T10:00:02.000000Z', value: 'newest' },
    test_plan: { ts: '2026-03-01T10:00:01.000000Z', value: 'tp' },
    description: { ts: '2026-03-01T10:00:03.000000Z', value: 'd' },
    tags: { ts: '2026-03-01T10:00:01.000000Z', value: '["a"]' },
  });
});

test('a run id used by two tenants is two deltas, upserted in turn: the first event\'s tenant first', () => {
  const d = runDeltas([
    row({ run_id: 'shared', tenant: 'zeta', ts: '2026-03-01T10:00:00.000000Z', details: { scenario: 'z' } }),
    row({ run_id: 'shared', tenant: 'acme', ts: '2026-03-01T10:00:01.000000Z', details: { scenario: 'a' } }),
    row({ run_id: 'own', tenant: 'acme', ts: '2026-03-01T10:00:02.000000Z' }),
    row({ run_id: 'shared', tenant: 'zeta', ts: '2026-03-01T10:00:03.000000Z' }),
  ]);
  assert.deepEqual(d.map((r) => [r.runId, r.tenant, r.events, r.meta.scenario?.value]), [['own', 'acme', 1, undefined], ['shared', 'zeta', 2, 'z'], ['shared', 'acme', 1, 'a']]);
  assert.deepEqual(upsertRounds(d).map((round) => round.map((r) => `${r.runId}/${r.tenant}`)), [['own/acme', 'shared/zeta'], ['shared/acme']]);
});
