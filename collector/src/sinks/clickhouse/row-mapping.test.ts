import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PermanentError } from '../../errors/hindsight-error';
import type { LogRow, SpanRow } from '../records';
import { readRowBinary, type RowBinaryType } from '../../testing/row-binary-reader';
import { RowBinaryWriter } from './row-binary';
import { LOGS_COLUMNS, logToRow, logToRowBinary, SPANS_COLUMNS, spanToRow, spanToRowBinary } from './row-mapping';

// Column types as the migrations declare them (001_spans.sql, 002_logs.sql); LowCardinality(String)
// is written as String.
const SPAN_TYPES: Record<(typeof SPANS_COLUMNS)[number], RowBinaryType> = {
  correlation_id: 'String', trace_id: 'String', span_id: 'String', parent_span_id: 'String', start_time: 'UInt32',
  start_time_ns: 'UInt64', end_time_ns: 'UInt64', duration_ns: 'UInt64', service: 'String', operation: 'String',
  kind: 'UInt8', status_code: 'UInt8', status_message: 'String', tenant: 'String', run_id: 'String', scope_name: 'String',
  attributes: 'String', resource: 'String', events: 'String',
};
const LOG_TYPES: Record<(typeof LOGS_COLUMNS)[number], RowBinaryType> = {
  correlation_id: 'String', trace_id: 'String', span_id: 'String', log_id: 'String', time: 'UInt32', time_ns: 'UInt64',
  observed_time_ns: 'UInt64', severity_number: 'UInt8', severity_text: 'String', body: 'String', service: 'String',
  tenant: 'String', run_id: 'String', attributes: 'String', resource: 'String',
};
const spanColumns = SPANS_COLUMNS.map((c) => [c, SPAN_TYPES[c]] as const);
const logColumns = LOGS_COLUMNS.map((c) => [c, LOG_TYPES[c]] as const);

function span(over: Partial<SpanRow> = {}): SpanRow {
  return {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    parentSpanId: '',
    name: 'GET /orders',
    kind: 2,
    startTimeUnixNano: '1763800000123456789',
    endTimeUnixNano: '1763800000223456789',
    statusCode: 0,
    statusMessage: '',
    serviceName: 'orders',
    correlationId: 'corr-1',
    tenant: 'acme',
    attributes: { 'hindsight.run_id': 'run-7', 'http.status_code': 200 },
    resourceAttributes: { 'service.name': 'orders' },
    scopeName: 'http',
    events: [],
    ...over,
  };
}

describe('spanToRow', () => {
  it('keeps nanoseconds exactly and derives seconds, duration and run id', () => {
    const r = spanToRow(span());
    assert.equal(r.start_time_ns, '1763800000123456789');
    assert.equal(r.end_time_ns, '1763800000223456789');
    assert.equal(r.duration_ns, '100000000');
    assert.equal(r.start_time, 1763800000);
    assert.equal(r.run_id, 'run-7');
    assert.equal(r.operation, 'GET /orders');
    assert.deepEqual(JSON.parse(r.attributes), { 'hindsight.run_id': 'run-7', 'http.status_code': 200 });
    assert.deepEqual(JSON.parse(r.resource), { 'service.name': 'orders' });
  });

  it('seconds and durations are exact without BigInt: compared with BigInt arithmetic', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const digits = (n: number) => Array.from({ length: n }, () => rand(10)).join('');
    const cases: Array<[string, string]> = [
      ['0', '0'], ['0', '1'], ['999999999', '1000000000'], ['0001763800000123456', '1763800000123456'],
      ['1763800000999999999', '1763800001000000000'], ['0', '4294967295999999999'], ['1', '9007199254740993'],
      ['1763800000000000000', '1763800000000000000'], ['1763800000000000001', '1763800000000000000'],
    ];
    for (let i = 0; i < 5000; i++) {
      const start = `1${digits(8)}${digits(rand(11))}`;
      const spread = [1, 1e6, 1e9, 1e12, 1e15, 1e17][rand(6)]!;
      const end = (BigInt(start) + BigInt(rand(spread)) * BigInt(rand(1000)) - BigInt(rand(10))).toString();
      cases.push([start, end]);
    }
    for (const [start, end] of cases) {
      if (BigInt(end) / 1_000_000_000n > 4_294_967_295n || BigInt(start) / 1_000_000_000n > 4_294_967_295n) continue;
      const r = spanToRow(span({ startTimeUnixNano: start, endTimeUnixNano: end }));
      const s = BigInt(start);
      const e = BigInt(end);
      assert.equal(r.start_time, Number(s / 1_000_000_000n), `${start}`);
      assert.equal(r.start_time_ns, s.toString());
      assert.equal(r.end_time_ns, e.toString());
      assert.equal(r.duration_ns, e > s ? (e - s).toString() : '0', `${start} → ${end}`);
    }
  });

  it('a span ending before it starts has zero duration', () => {
    assert.equal(spanToRow(span({ endTimeUnixNano: '1763800000000000000' })).duration_ns, '0');
  });

  it('rejects spans no retry could store as permanent', () => {
    for (const bad of [
      span({ startTimeUnixNano: 'abc' }),
      span({ startTimeUnixNano: '' }),
      span({ startTimeUnixNano: '17638000000000000-1' }),
      span({ startTimeUnixNano: ' 1763800000000000000' }),
      span({ endTimeUnixNano: '1'.repeat(21) }),
      span({ startTimeUnixNano: '99999999999999999999' }),
      span({ spanId: '' }),
      span({ kind: 300 }),
      span({ attributes: { big: 1n } }),
    ]) {
      assert.throws(() => spanToRow(bad), (e: unknown) => e instanceof PermanentError && e.code === 'CLICKHOUSE_ROW_INVALID');
    }
  });
});

describe('spanToRowBinary', () => {
  it('writes the values spanToRow gives, column by column, for every kind of content', () => {
    const resource = { 'service.name': 'orders "eu"', path: 'C:\\x', emoji: '🙂' };
    const spans = [
      span(),
      span({ resourceAttributes: resource }),
      span({ resourceAttributes: resource, name: 'second of the same resource' }),
      span({ name: 'quote " backslash \\ tab \t newline \n nul \u0000 ünï 🙂', statusMessage: '</script>', tenant: '\u2028' }),
      span({ attributes: { nested: { a: [1, 'two', null, true] }, big: '1152921504606846976', 'hindsight.run_id': 'r"1', long: 'ü'.repeat(5000) } }),
      span({ events: [{ name: 'e"1', timeUnixNano: '1763800000123456790', attributes: { k: 'v\n' } }] }),
      span({ startTimeUnixNano: '0001763800000123456', endTimeUnixNano: '0', kind: 0, statusCode: 255, parentSpanId: 'b7ad6b7169203332' }),
      span({ startTimeUnixNano: '1000000000', endTimeUnixNano: '4294967295999999999' }), // longer than 2^53 ns
      span({ resourceAttributes: {} }),
    ];
    const out = new RowBinaryWriter(16);
    for (const s of spans) spanToRowBinary(s, out);
    const rows = readRowBinary(out.bytes(), spanColumns);
    assert.equal(rows.length, spans.length);
    rows.forEach((row, i) => assert.deepEqual(row, { ...spanToRow(spans[i]!) }, spans[i]!.name));
  });

  it('refuses the spans spanToRow refuses, and writes nothing for them', () => {
    const out = new RowBinaryWriter();
    for (const bad of [span({ startTimeUnixNano: 'abc' }), span({ endTimeUnixNano: '99999999999999999999' }), span({ traceId: '' }), span({ statusCode: -1 }), span({ attributes: { big: 1n } }), span({ events: [{ name: 'e', timeUnixNano: '1', attributes: { big: 1n } }] })]) {
      assert.throws(() => spanToRowBinary(bad, out), (e: unknown) => e instanceof PermanentError && e.code === 'CLICKHOUSE_ROW_INVALID');
    }
    assert.equal(out.length, 0);
  });
});

describe('logToRow', () => {
  const log: LogRow = {
    logId: 'l1',
    timeUnixNano: '0',
    observedTimeUnixNano: '1763800001000000000',
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'boom',
    traceId: 't',
    spanId: 's',
    serviceName: 'orders',
    correlationId: 'corr-1',
    tenant: 'acme',
    attributes: {},
    resourceAttributes: {},
  };

  it('falls back to the observed time when the record has none', () => {
    const r = logToRow(log);
    assert.equal(r.time_ns, '1763800001000000000');
    assert.equal(r.time, 1763800001);
    assert.equal(r.severity_number, 17);
  });

  it('uses its own time when present', () => {
    assert.equal(logToRow({ ...log, timeUnixNano: '1763800000500000000' }).time, 1763800000);
  });

  it('rejects a record without id', () => {
    assert.throws(() => logToRow({ ...log, logId: '' }), PermanentError);
  });

  it('logToRowBinary writes the values logToRow gives, and nothing for a refused record', () => {
    const logs = [log, { ...log, timeUnixNano: '1763800000500000000', body: 'ünï 🙂 "q" \n'.repeat(20), attributes: { 'hindsight.run_id': 'run-9' }, resourceAttributes: { 'service.name': 'orders' } }];
    const out = new RowBinaryWriter(16);
    for (const l of logs) logToRowBinary(l, out);
    const length = out.length;
    assert.throws(() => logToRowBinary({ ...log, severityNumber: 256 }, out), PermanentError);
    assert.equal(out.length, length);
    assert.deepEqual(readRowBinary(out.bytes(), logColumns), logs.map((l) => ({ ...logToRow(l) })));
  });
});
