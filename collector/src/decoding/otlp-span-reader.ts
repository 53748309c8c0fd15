/**
 * Reads an OTLP ExportTraceServiceRequest straight into span rows with protobufjs's Reader: no
 * intermediate message objects, no `Long` per timestamp, attributes decoded into their final plain
 * object. It follows the generated protobufjs decoders field by field (each field read as its
 * declared type, unknown fields skipped, a nested message's length checked before and after, the same
 * nesting limit), so it accepts and refuses exactly the bytes `ExportTraceServiceRequest.decode`
 * does; the parts no row needs (resource, scope, events, links) go through those generated decoders
 * themselves. Field numbers are those of the vendored opentelemetry-proto (collector/proto, v1.7.0).
 */
import * as protobuf from 'protobufjs';
import { ATTR } from '@hindsight/sdk/contract';
import { ERROR_CODES } from '../errors/codes';
import { PermanentError } from '../errors/hindsight-error';
import type { SpanRow } from '../sinks/records';
import { attributesToJs, longToString, stringAttr, type KeyValueMsg, type LongLike } from './any-value';
import { otlpTypes } from './otlp-proto';

type Reader = protobuf.Reader;
/** The generated decoder's full signature: (reader, length, group end tag, nesting depth). */
type Decode = (r: Reader, length: number, end: undefined, depth: number) => unknown;

const RECURSION_LIMIT = (protobuf.util as unknown as { recursionLimit: number }).recursionLimit ?? 100;

/** A nested message through its generated decoder, on the shared reader, at the given depth. */
function nested(type: protobuf.Type, r: Reader, depth: number): unknown {
  return (type.decode as unknown as Decode).call(type, r, r.uint32(), undefined, depth);
}

function outOfRange(): RangeError {
  return new RangeError('index out of range');
}

function checkDepth(depth: number): void {
  if (depth > RECURSION_LIMIT) throw new Error('maximum nesting depth exceeded');
}

/**
 * Enters a length-delimited nested message: returns its end, to pass to `leave` with the reader's
 * previous limit. While inside, the reader refuses to read past the nested message's end.
 */
function enter(r: Reader): number {
  const end = r.uint32() + r.pos;
  if (end > r.len) throw outOfRange();
  r.len = end;
  return end;
}

function leave(r: Reader, end: number, outer: number): void {
  if (r.pos !== end) throw outOfRange();
  r.len = outer;
}

/** A bytes field as lowercase hex, read without a Buffer view of its own. */
function readHex(r: Reader): string {
  const length = r.uint32();
  const start = r.pos;
  const end = start + length;
  if (end > r.len) throw new RangeError(`index out of range: ${start} + ${length} > ${r.len}`);
  r.pos = end;
  return length === 0 ? '' : (r.buf as Buffer).toString('hex', start, end);
}

/**
 * A fixed64 as an exact decimal string from its two 32-bit halves. One BigInt, not digits joined from
 * double arithmetic: joined strings are V8 cons strings, and the row mapping's regex and slices on
 * them cost more than the BigInt saves.
 */
export function fixed64ToString(low: number, high: number): string {
  return high === 0 ? String(low) : ((BigInt(high) << 32n) | BigInt(low)).toString();
}

function readFixed64(r: Reader): string {
  const low = r.fixed32();
  return fixed64ToString(low, r.fixed32());
}

/** An int64 as the old path gives it: a number when it is a safe integer, else its exact decimal. */
function int64Value(value: number | LongLike): number | string {
  if (typeof value === 'number') return value;
  const high = value.high ?? 0;
  const low = value.low ?? 0;
  const n = high * 4294967296 + (low >>> 0);
  if (Number.isSafeInteger(n)) return n;
  return BigInt.asIntN(64, (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0)).toString();
}

/** AnyValue (common.proto) as plain JSON-compatible data, like `anyValueToJs` of the decoded message. */
function readAnyValue(r: Reader, depth: number): unknown {
  checkDepth(depth);
  const outer = r.len;
  const end = enter(r);
  // protobufjs's oneof getter names the set member first assigned last: remember first assignments.
  let which = 0;
  let seen = 0;
  let str = '';
  let bool = false;
  let int: number | string = 0;
  let dbl = 0;
  let arr: unknown[] | undefined;
  let kv: Record<string, unknown> | undefined;
  let bytes: Uint8Array | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    switch (field) {
      case 1: str = r.string(); break;
      case 2: bool = r.bool(); break;
      case 3: int = int64Value(r.int64() as unknown as number | LongLike); break;
      case 4: dbl = r.double(); break;
      case 5: arr = readArrayValue(r, depth + 1); break;
      case 6: kv = readKeyValueList(r, depth + 1); break;
      case 7: bytes = r.bytes(); break;
      default: r.skipType(tag & 7, depth); continue;
    }
    const bit = 1 << field;
    if ((seen & bit) === 0) {
      seen |= bit;
      which = field;
    }
  }
  leave(r, end, outer);
  switch (which) {
    case 1: return str;
    case 2: return bool;
    case 3: return int;
    case 4: return dbl;
    case 5: return arr;
    case 6: return kv;
    case 7: return Buffer.from(bytes!).toString('base64');
    default: return null;
  }
}

function readArrayValue(r: Reader, depth: number): unknown[] {
  checkDepth(depth);
  const outer = r.len;
  const end = enter(r);
  const values: unknown[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) values.push(readAnyValue(r, depth + 1));
    else r.skipType(tag & 7, depth);
  }
  leave(r, end, outer);
  return values;
}

function readKeyValueList(r: Reader, depth: number): Record<string, unknown> {
  checkDepth(depth);
  const outer = r.len;
  const end = enter(r);
  const out: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 1) readKeyValueInto(r, depth + 1, out);
    else r.skipType(tag & 7, depth);
  }
  leave(r, end, outer);
  return out;
}

/** KeyValue (common.proto) into `out[key]`: a later duplicate key wins, as in `attributesToJs`. */
function readKeyValueInto(r: Reader, depth: number, out: Record<string, unknown>): void {
  checkDepth(depth);
  const outer = r.len;
  const end = enter(r);
  let key = '';
  let value: unknown = null;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: key = r.string(); break;
      case 2: value = readAnyValue(r, depth + 1); break;
      default: r.skipType(tag & 7, depth);
    }
  }
  leave(r, end, outer);
  out[key] = value;
}

interface Problems {
  /** Spans read so far in the request (the index in a problem's message). */
  spans: number;
  /** The first span that no row can hold: refused after the whole request decoded, as before. */
  first: string | undefined;
}

/** Checks an id's size in bytes, given as hex. */
function checkId(hexId: string, size: number, field: string, optional: boolean, problems: Problems): void {
  const n = hexId.length / 2;
  if ((optional && n === 0) || n === size) return;
  problems.first ??= `${field} has ${n} bytes, expected ${size}`;
}

/** The events of the many spans that have none: one shared array, frozen so that nobody adds to it. */
const NO_EVENTS: SpanRow['events'] = Object.freeze([]) as unknown as SpanRow['events'];

/** Placeholder until the span's resource is read (replaced for every row before it is returned). */
const NO_RESOURCE: Record<string, unknown> = {};

/** A span as a row; the resource and scope fields are filled in once their messages are read. */
function readSpan(r: Reader, depth: number, rows: SpanRow[], problems: Problems): void {
  checkDepth(depth);
  const types = otlpTypes();
  const outer = r.len;
  const end = enter(r);
  let traceId = '';
  let spanId = '';
  let parentSpanId = '';
  let name = '';
  let kind = 0;
  let startNs = '0';
  let endNs = '0';
  const attributes: Record<string, unknown> = {};
  let events = NO_EVENTS;
  let statusCode = 0;
  let statusMessage = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: traceId = readHex(r); break;
      case 2: spanId = readHex(r); break;
      case 3: r.string(); break; // trace_state
      case 4: parentSpanId = readHex(r); break;
      case 5: name = r.string(); break;
      case 6: kind = r.int32(); break;
      case 7: startNs = readFixed64(r); break;
      case 8: endNs = readFixed64(r); break;
      case 9: readKeyValueInto(r, depth + 1, attributes); break;
      case 10: r.uint32(); break; // dropped_attributes_count
      case 11: {
        const e = nested(types.event, r, depth + 1) as { timeUnixNano?: number | LongLike; name?: string; attributes?: KeyValueMsg[] };
        if (events === NO_EVENTS) events = [];
        events.push({ name: e.name ?? '', timeUnixNano: longToString(e.timeUnixNano), attributes: attributesToJs(e.attributes) });
        break;
      }
      case 12: r.uint32(); break; // dropped_events_count
      case 13: nested(types.link, r, depth + 1); break;
      case 14: r.uint32(); break; // dropped_links_count
      case 15: {
        // Status: a repeated singular message field replaces the earlier one whole.
        checkDepth(depth + 1);
        const statusOuter = r.len;
        const statusEnd = enter(r);
        statusCode = 0;
        statusMessage = '';
        while (r.pos < statusEnd) {
          const t = r.uint32();
          switch (t >>> 3) {
            case 2: statusMessage = r.string(); break;
            case 3: statusCode = r.int32(); break;
            default: r.skipType(t & 7, depth + 1);
          }
        }
        leave(r, statusEnd, statusOuter);
        break;
      }
      case 16: r.fixed32(); break; // flags
      default: r.skipType(tag & 7, depth);
    }
  }
  leave(r, end, outer);
  const i = problems.spans++;
  checkId(traceId, 16, `span ${i} trace_id`, false, problems);
  checkId(spanId, 8, `span ${i} span_id`, false, problems);
  checkId(parentSpanId, 8, `span ${i} parent_span_id`, true, problems);
  rows.push({
    traceId,
    spanId,
    parentSpanId,
    name,
    kind,
    startTimeUnixNano: startNs,
    endTimeUnixNano: endNs,
    statusCode,
    statusMessage,
    serviceName: '',
    correlationId: '',
    tenant: '',
    attributes,
    resourceAttributes: NO_RESOURCE,
    scopeName: '',
    events,
  });
}

function readScopeSpans(r: Reader, depth: number, rows: SpanRow[], problems: Problems): void {
  checkDepth(depth);
  const types = otlpTypes();
  const outer = r.len;
  const end = enter(r);
  const first = rows.length;
  let scopeName = '';
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: scopeName = (nested(types.scope, r, depth + 1) as { name?: string }).name ?? ''; break;
      case 2: readSpan(r, depth + 1, rows, problems); break;
      case 3: r.string(); break; // schema_url
      default: r.skipType(tag & 7, depth);
    }
  }
  leave(r, end, outer);
  // The scope may follow its spans on the wire.
  for (let i = first; i < rows.length; i++) rows[i]!.scopeName = scopeName;
}

function readResourceSpans(r: Reader, depth: number, rows: SpanRow[], problems: Problems): void {
  checkDepth(depth);
  const types = otlpTypes();
  const outer = r.len;
  const end = enter(r);
  const first = rows.length;
  let resourceAttributes: Record<string, unknown> | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag >>> 3) {
      case 1: {
        const res = nested(types.resource, r, depth + 1) as { attributes?: KeyValueMsg[] };
        resourceAttributes = attributesToJs(res.attributes);
        break;
      }
      case 2: readScopeSpans(r, depth + 1, rows, problems); break;
      case 3: r.string(); break; // schema_url
      default: r.skipType(tag & 7, depth);
    }
  }
  leave(r, end, outer);
  // The resource may follow its spans on the wire: its fields are filled in now, one object shared
  // by every span of the resource (the ClickHouse sink serializes it once per resource).
  const resource = resourceAttributes ?? {};
  const serviceName = stringAttr('service.name', resource, {});
  for (let i = first; i < rows.length; i++) {
    const row = rows[i]!;
    row.serviceName = serviceName;
    row.resourceAttributes = resource;
    row.correlationId = stringAttr(ATTR.correlationId, row.attributes, resource);
    row.tenant = stringAttr(ATTR.tenant, row.attributes, resource);
  }
}

/**
 * Decodes an ExportTraceServiceRequest into one row per span, like decoding the message and
 * flattening it. Throws PermanentError (OTLP_DECODE_FAILED) for bytes that are not one.
 */
export function readSpanRows(bytes: Uint8Array): SpanRow[] {
  const rows: SpanRow[] = [];
  const problems: Problems = { spans: 0, first: undefined };
  try {
    // A Buffer (a view, not a copy) so that the reader is protobufjs's BufferReader and ids can be hex-sliced.
    const r = protobuf.Reader.create(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag >>> 3 === 1) readResourceSpans(r, 1, rows, problems);
      else r.skipType(tag & 7, 0);
    }
  } catch (err) {
    throw new PermanentError(ERROR_CODES.otlpDecodeFailed, `not an OTLP ExportTraceServiceRequest: ${(err as Error).message}`, err);
  }
  if (problems.first !== undefined) throw new PermanentError(ERROR_CODES.otlpDecodeFailed, problems.first);
  return rows;
}
