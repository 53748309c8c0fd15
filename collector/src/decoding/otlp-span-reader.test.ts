import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SpanStatusCode } from '@opentelemetry/api';
import { PermanentError } from '../errors/hindsight-error';
import type { SpanRow } from '../sinks/records';
import { decodeSpansViaMessage } from './otlp-flatten';
import { otlpTypes } from './otlp-proto';
import { fixed64ToString, readSpanRows } from './otlp-span-reader';

type Outcome = { ok: true; rows: SpanRow[] } | { ok: false; code: string };

function outcome(decode: (bytes: Uint8Array) => SpanRow[], bytes: Uint8Array): Outcome {
  try {
    return { ok: true, rows: decode(bytes) };
  } catch (err) {
    assert.ok(err instanceof PermanentError, `not a PermanentError: ${String(err)}`);
    return { ok: false, code: err.code };
  }
}

/** The reader must give what decoding the message and flattening it gives: the same rows or the same refusal. */
function assertSame(bytes: Uint8Array, what: string): Outcome {
  const expected = outcome(decodeSpansViaMessage, bytes);
  const actual = outcome(readSpanRows, bytes);
  assert.deepStrictEqual(actual, expected, what);
  return actual;
}

function sdkSpans(): Uint8Array {
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({ 'service.name': 'billing-api', 'hindsight.tenant': 'acme', nested: ['a', 'b'] });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('reader-test', '1.2.3');
  const parent = tracer.startSpan('parent', { attributes: { 'hindsight.correlation_id': 'corr-1' } });
  const { trace, context } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const child = tracer.startSpan(
    'GET /invoices/ünïcödé',
    { kind: 1, attributes: { 'http.status_code': 500, big: 2 ** 60, neg: -42, ratio: 0.25, ok: true, list: [1, 2, 3], words: ['x', 'y'] } },
    trace.setSpan(context.active(), parent),
  );
  child.addEvent('retry', { attempt: 2 });
  child.addLink({ context: parent.spanContext(), attributes: { why: 'follows' } });
  child.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  child.end();
  parent.end();
  return ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!;
}

const id = (n: number, fill: number) => Buffer.alloc(n, fill);

/** Requests protobufjs encodes from plain objects: every AnyValue kind, odd shapes, absent parts. */
function encodedRequests(): Uint8Array[] {
  const type = otlpTypes().traceRequest;
  const kv = (key: string, value: unknown) => ({ key, value });
  const span = (over: Record<string, unknown> = {}) => ({
    traceId: id(16, 1), spanId: id(8, 2), name: 's', kind: 3,
    startTimeUnixNano: '1763800000123456789', endTimeUnixNano: '18446744073709551615', ...over,
  });
  const requests = [
    {},
    { resourceSpans: [{}] },
    { resourceSpans: [{ scopeSpans: [{ spans: [span()] }] }] },
    {
      resourceSpans: [
        {
          resource: { attributes: [kv('service.name', { stringValue: 'svc' }), kv('hindsight.tenant', { intValue: 7 })] },
          scopeSpans: [
            {
              scope: { name: 'scope-a', version: '1' },
              spans: [
                span({
                  parentSpanId: id(8, 3),
                  attributes: [
                    kv('s', { stringValue: '' }), kv('b', { boolValue: false }), kv('i', { intValue: '-9223372036854775808' }),
                    kv('j', { intValue: '9007199254740993' }), kv('k', { intValue: '-9007199254740991' }), kv('d', { doubleValue: -0.5 }),
                    kv('arr', { arrayValue: { values: [{ stringValue: 'x' }, {}, { arrayValue: {} }] } }),
                    kv('map', { kvlistValue: { values: [kv('inner', { bytesValue: Buffer.from([0, 255]) }), kv('inner', { boolValue: true })] } }),
                    kv('none', {}), { key: 'nothing' }, kv('dup', { stringValue: 'first' }), kv('dup', { stringValue: 'second' }),
                    kv('hindsight.correlation_id', { stringValue: 'c-9' }),
                  ],
                  events: [{ timeUnixNano: '1763800000123456790', name: 'e', attributes: [kv('a', { intValue: 1 })] }, {}],
                  status: { code: 1 },
                  links: [{ traceId: id(16, 5), spanId: id(8, 6) }],
                  traceState: 'k=v', flags: 257, droppedAttributesCount: 2,
                }),
                span({ spanId: id(8, 9), startTimeUnixNano: 0, endTimeUnixNano: 4294967296 }),
              ],
            },
            { spans: [span({ spanId: id(8, 4) })] },
          ],
        },
        { resource: {}, scopeSpans: [{ spans: [span({ spanId: id(8, 7) })] }] },
      ],
    },
    // Spans no row can hold: refused as OTLP_DECODE_FAILED, after the whole request decoded.
    { resourceSpans: [{ scopeSpans: [{ spans: [span({ traceId: id(15, 1) })] }] }] },
    { resourceSpans: [{ scopeSpans: [{ spans: [span(), span({ spanId: undefined })] }] }] },
    { resourceSpans: [{ scopeSpans: [{ spans: [span({ parentSpanId: id(4, 1) })] }] }] },
  ];
  return requests.map((r) => type.encode(type.fromObject(r)).finish());
}

/** A length-delimited field (wire type 2) with its tag. */
function field(no: number, body: Uint8Array): Uint8Array {
  const bytes = [no << 3 | 2];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) { bytes.push(n); break; }
    bytes.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(bytes), body]);
}

test('spans decode exactly as decoding the message and flattening it', () => {
  const bytes = sdkSpans();
  const result = assertSame(bytes, 'SDK-made spans');
  assert.ok(result.ok);
  const child = result.rows.find((r) => r.name.startsWith('GET'))!;
  assert.equal(child.attributes.big, '1152921504606846976', 'beyond 2^53 kept exact as a string');
  assert.equal(child.statusMessage, 'boom');
  assert.equal(child.tenant, 'acme');
  assert.equal(child.scopeName, 'reader-test');
  assert.equal(child.events[0]?.name, 'retry');
  for (const [i, request] of encodedRequests().entries()) assertSame(request, `encoded request ${i}`);
});

test('a resource or scope that follows its spans on the wire still applies to them', () => {
  const types = otlpTypes();
  const resourceSpans = otlpTypes().traceRequest.lookupType('opentelemetry.proto.trace.v1.ResourceSpans');
  const scopeSpans = otlpTypes().traceRequest.lookupType('opentelemetry.proto.trace.v1.ScopeSpans');
  const spans = scopeSpans.encode(scopeSpans.fromObject({ spans: [{ traceId: id(16, 1), spanId: id(8, 2), name: 'late' }] })).finish();
  const scope = field(1, types.scope.encode(types.scope.fromObject({ name: 'late-scope' })).finish());
  const resource = field(1, types.resource.encode(types.resource.fromObject({ attributes: [{ key: 'service.name', value: { stringValue: 'late-svc' } }] })).finish());
  const rs = Buffer.concat([field(2, Buffer.concat([spans, scope])), resource]);
  assert.ok(resourceSpans);
  const result = assertSame(field(1, rs), 'resource and scope last');
  assert.ok(result.ok);
  assert.equal(result.rows[0]?.serviceName, 'late-svc');
  assert.equal(result.rows[0]?.scopeName, 'late-scope');
});

test('an AnyValue with several members on the wire gives the member protobufjs names', () => {
  const attr = (anyValue: Buffer) => {
    const span = Buffer.concat([field(1, id(16, 1)), field(2, id(8, 2)), field(9, Buffer.concat([field(1, Buffer.from('v')), field(2, anyValue)]))]);
    return field(1, field(2, field(2, span)));
  };
  const str = (s: string) => field(1, Buffer.from(s));
  const int = (n: number) => Buffer.from([3 << 3, n]);
  for (const value of [Buffer.concat([str('a'), int(5), str('b')]), Buffer.concat([int(5), str('a')]), Buffer.concat([str('a'), str('b')])]) {
    const result = assertSame(attr(value), value.toString('hex'));
    assert.ok(result.ok);
  }
});

test('mutated and truncated requests are refused or accepted exactly as before', () => {
  // A fixed-seed generator: the same cases on every run.
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const bases = [sdkSpans(), ...encodedRequests()].filter((b) => b.length > 0);
  let refused = 0;
  for (let i = 0; i < 6000; i++) {
    const base = Buffer.from(bases[rand(bases.length)]!);
    let bytes: Buffer;
    switch (rand(4)) {
      case 0: bytes = base.subarray(0, rand(base.length)); break;
      case 1: for (let k = 1 + rand(3); k > 0; k--) base[rand(base.length)] = rand(256); bytes = base; break;
      case 2: bytes = Buffer.concat([base.subarray(0, rand(base.length)), Buffer.from([rand(256), rand(256)]), base.subarray(rand(base.length))]); break;
      default: { const at = rand(base.length); base[at] = base[at]! ^ (1 << rand(8)); bytes = base; }
    }
    if (!assertSame(bytes, `case ${i}: ${bytes.toString('hex')}`).ok) refused++;
  }
  assert.ok(refused > 500, `too few refusals to mean anything: ${refused}`);
});

test('deeply nested values hit the same nesting limit', () => {
  // Built by hand: protobufjs refuses to encode past its own nesting limit.
  const nestedRequest = (levels: number) => {
    let value = field(1, Buffer.from('leaf'));
    for (let i = 0; i < levels; i++) value = field(5, field(1, value));
    const span = Buffer.concat([field(1, id(16, 1)), field(2, id(8, 2)), field(9, Buffer.concat([field(1, Buffer.from('deep')), field(2, value)]))]);
    return field(1, field(2, field(2, span)));
  };
  const accepted = [];
  for (let levels = 40; levels <= 52; levels++) accepted.push(assertSame(nestedRequest(levels), `nested ${levels} deep`).ok);
  assert.ok(accepted[0] === true && accepted.at(-1) === false, 'the limit lies inside the range tried');
});

test('fixed64 halves give the exact decimal', () => {
  let seed = 7;
  const rand32 = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
    return seed >>> 0;
  };
  const cases: Array<[number, number]> = [[0, 0], [1, 0], [0xffffffff, 0], [0, 1], [0xffffffff, 0xffffffff], [999999, 1], [0, 0x1fffff], [0x2a, 0x18c5e3a1]];
  for (let i = 0; i < 20000; i++) cases.push([rand32(), rand32() >>> rand32() % 32]);
  for (const [low, high] of cases) {
    assert.equal(fixed64ToString(low, high), ((BigInt(high) << 32n) | BigInt(low)).toString(), `${high}:${low}`);
  }
});
