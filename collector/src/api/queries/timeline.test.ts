import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderTimelineEntries, type TimelineEntry } from './timeline';

const TS = '2026-12-07T18:10:06.656000Z';
const START_NS = '1796580606656000000';

function span(spanId: string, parentSpanId: string | null, startNs = START_NS, ts = TS): TimelineEntry {
  return {
    kind: 'span', ts, id: `t1/${spanId}`, tenant: 'acme', service: 'svc', traceId: 't1', spanId, summary: spanId,
    span: { traceId: 't1', spanId, parentSpanId, operation: spanId, kind: 1, statusCode: 0, statusMessage: '', startNs, endNs: startNs, durationNs: '0', runId: null, attributes: {} },
  };
}

function log(id: string): TimelineEntry {
  return { kind: 'log', ts: TS, id, tenant: 'acme', service: 'svc', traceId: null, spanId: null, summary: id, log: { logId: id, severityNumber: 9, severityText: 'INFO', body: id, runId: null } };
}

const ids = (entries: TimelineEntry[]) => entries.map((e) => e.id);

test('spans that start together come parent first, whatever their ids', () => {
  // Ids sort child before parent, so an order by id alone would put the steps before their job.
  const entries = [log('a-log'), span('a-grandchild', 'b-child'), span('b-child', 'c-job'), span('c-job', null), span('0-other-root', null)];
  assert.deepEqual(ids(orderTimelineEntries(entries)), ['t1/0-other-root', 't1/c-job', 't1/b-child', 't1/a-grandchild', 'a-log']);
});

test('within one microsecond, spans keep the order of their start in nanoseconds before their depth', () => {
  const entries = [span('job', null, '1796580606656000400'), span('step', 'job', '1796580606656000100')];
  assert.deepEqual(ids(orderTimelineEntries(entries)), ['t1/step', 't1/job']);
});

test('a cycle of parents ends the depth count instead of looping', () => {
  const entries = [span('b', 'a'), span('a', 'b'), span('c', 'a')];
  assert.deepEqual(ids(orderTimelineEntries(entries)), ['t1/a', 't1/b', 't1/c']);
});
