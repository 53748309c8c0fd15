/** Shapes protobufjs decodes OTLP common messages into (camelCase fields, oneof name in `value`). */
export interface LongLike {
  toString(): string;
  toNumber?(): number;
  low?: number;
  high?: number;
  unsigned?: boolean;
}
export interface AnyValueMsg {
  value?: string;
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | LongLike;
  doubleValue?: number;
  arrayValue?: { values?: AnyValueMsg[] };
  kvlistValue?: { values?: KeyValueMsg[] };
  bytesValue?: Uint8Array;
}
export interface KeyValueMsg {
  key: string;
  value?: AnyValueMsg | null;
}

/** A uint64/int64 from protobufjs (a Long, or a number for small values) as a decimal string. */
export function longToString(value: number | LongLike | null | undefined): string {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'number') return BigInt(value).toString();
  // protobufjs gives a Long for fixed64 (every OTLP timestamp): Long.toString divides in 32-bit pieces,
  // one BigInt from its two halves is several times cheaper. Signed values keep Long's own conversion.
  if (value.unsigned === true && typeof value.low === 'number' && typeof value.high === 'number') {
    return value.high === 0 ? String(value.low >>> 0) : ((BigInt(value.high >>> 0) << 32n) | BigInt(value.low >>> 0)).toString();
  }
  return value.toString();
}

function intValue(value: number | LongLike): number | string {
  if (typeof value === 'number') return value;
  const n = Number(value.toString());
  // Integers beyond 2^53 would silently lose digits as numbers; keep them exact as strings.
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** Converts an OTLP AnyValue to plain JSON-compatible data (bytes as base64). */
export function anyValueToJs(value: AnyValueMsg | null | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (value.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return value.boolValue ?? false;
    case 'intValue':
      return intValue(value.intValue ?? 0);
    case 'doubleValue':
      return value.doubleValue ?? 0;
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(anyValueToJs);
    case 'kvlistValue':
      return attributesToJs(value.kvlistValue?.values);
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? new Uint8Array()).toString('base64');
    default:
      return null;
  }
}

/** Converts an OTLP attribute list to an object (a later duplicate key wins). */
export function attributesToJs(list: readonly KeyValueMsg[] | null | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list ?? []) out[kv.key] = anyValueToJs(kv.value);
  return out;
}

/** Bytes as lowercase hex; empty for absent ids. */
export function hex(bytes: Uint8Array | null | undefined): string {
  if (bytes === null || bytes === undefined || bytes.length === 0) return '';
  // protobufjs hands out Buffer views on Node; a plain Uint8Array is viewed, not copied.
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('hex');
}

/** An attribute as a string: first in `primary`, then in `fallback`; '' when absent in both. */
export function stringAttr(key: string, primary: Record<string, unknown>, fallback: Record<string, unknown>): string {
  const v = primary[key] ?? fallback[key];
  return v === undefined || v === null ? '' : String(v);
}
