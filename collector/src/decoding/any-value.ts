/** Shapes protobufjs decodes OTLP common messages into (camelCase fields, oneof name in `value`). */
export interface LongLike {
  toString(): string;
  toNumber?(): number;
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
  return bytes === null || bytes === undefined || bytes.length === 0 ? '' : Buffer.from(bytes).toString('hex');
}

/** An attribute as a string: first in `primary`, then in `fallback`; '' when absent in both. */
export function stringAttr(key: string, primary: Record<string, unknown>, fallback: Record<string, unknown>): string {
  const v = primary[key] ?? fallback[key];
  return v === undefined || v === null ? '' : String(v);
}
