import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { formatTimestampMicros } from '@hindsight/sdk/contract';
import type { SinkRecord, SpanRow } from '../sinks/records';
import { journalRecord } from '../sinks/postgres/test-database';
import { parseTime, replayCommand } from './replay-command';
import { compileFilter, mostRecent, recordTimeMs } from './replay-filter';

const at = (ms: number) => formatTimestampMicros(BigInt(ms) * 1000n);
const j = (n: number, kind: string, corr: string, ms: number) => journalRecord('run-1', n, { kind, correlation_id: corr, ts: at(ms) });
const span = (name: string, ms: number): SinkRecord => ({
  kind: 'span',
  origin: { topic: 's', partition: 0, offset: '0' },
  span: {
    traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), parentSpanId: '', name, kind: 1, startTimeUnixNano: `${ms}000000`,
    endTimeUnixNano: `${ms + 5}000000`, statusCode: 0, statusMessage: '', serviceName: 's', correlationId: 'c1', tenant: '',
    attributes: {}, resourceAttributes: {}, scopeName: '', events: [],
  } satisfies SpanRow,
});

test('filters combine with AND, lists with OR, names match exactly or by prefix', () => {
  const records = [j(1, 'step.started', 'c1', 1000), j(2, 'step.done', 'c2', 2000), j(3, 'run.note', 'c1', 3000), span('step.x', 1500)];
  const pick = (f: Parameters<typeof compileFilter>[0]) => records.filter(compileFilter(f)).map((r) => (r.kind === 'span' ? r.span.name : r.kind === 'journal' ? r.event.kind : ''));
  assert.deepEqual(pick({}), ['step.started', 'step.done', 'run.note', 'step.x']);
  assert.deepEqual(pick({ names: ['step.*'] }), ['step.started', 'step.done', 'step.x']);
  assert.deepEqual(pick({ names: ['step'] }), []);
  assert.deepEqual(pick({ names: ['step.*'], kinds: ['journal'], correlationId: 'c1' }), ['step.started']);
  assert.deepEqual(pick({ from: new Date(1500), to: new Date(3000) }), ['step.done', 'step.x']);
  const id = records[1]!.kind === 'journal' ? records[1]!.event.event_id : '';
  assert.deepEqual(pick({ eventIds: [id.toUpperCase(), 'nope'] }), ['step.done']);
  assert.deepEqual(pick({ eventIds: ['b'.repeat(16)] }), ['step.x']);
});

test('record time comes from the record, and mostRecent keeps the latest N in time order', () => {
  assert.equal(recordTimeMs(span('x', 1234)), 1234);
  assert.equal(recordTimeMs(j(1, 'k', 'c', 5678)), 5678);
  const kept = mostRecent([j(1, 'c', 'x', 3000), j(2, 'a', 'x', 1000), j(3, 'b', 'x', 2000)], 2);
  assert.deepEqual(kept.map((r) => (r.kind === 'journal' ? r.event.kind : '')), ['b', 'c']);
});

test('times are ISO or a span back from now; anything else is refused', () => {
  assert.equal(parseTime('2026-01-15T10:00:00Z').toISOString(), '2026-01-15T10:00:00.000Z');
  assert.equal(parseTime('2h', 10_000_000).getTime(), 10_000_000 - 7_200_000);
  assert.equal(parseTime('7d', 700_000_000).getTime(), 700_000_000 - 7 * 86_400_000);
  assert.throws(() => parseTime('yesterday'), /ISO time/);
  // Date.parse would take each of these for some date, and an invalid one would drop the bound.
  for (const loose of ['1', 'March 7', '2026-1-5', '15/01/2026']) assert.throws(() => parseTime(loose), /ISO time/, loose);
  for (const absent of ['2026-02-30', '2026-13-01', '2026-01-15T24:00']) assert.throws(() => parseTime(absent), /not a date and time that exists/, absent);
  assert.throws(() => parseTime('99999999999d'), /before any date/);
  assert.equal(parseTime('2026-01-15').toISOString(), '2026-01-15T00:00:00.000Z');
  assert.equal(parseTime('2026-01-15T10:00').toISOString(), '2026-01-15T10:00:00.000Z', 'no offset: UTC, not the machine zone');
  assert.equal(parseTime('2026-01-15T10:00:00.5+02:00').toISOString(), '2026-01-15T08:00:00.500Z');
});

test('--from at or after --to is refused before anything is read', async () => {
  const cmd = replayCommand().exitOverride();
  await assert.rejects(cmd.parseAsync(['--from', '2026-01-02', '--to', '2026-01-01', '--config', '/nonexistent.yaml'], { from: 'user' }), /--from .* must be before --to/);
});
