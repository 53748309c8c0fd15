import { formatTimestampMicros, parseTimestampMicros } from '@hindsight/sdk/contract';

/**
 * Opaque keyset cursors. A cursor is the position of the last row of a page, `(ts, id)`, encoded as
 * base64url of: a version byte, a byte naming the list it belongs to, the timestamp in microseconds
 * (signed 64-bit, big-endian) and the id (16 bytes for a UUID, UTF-8 for a run id). Clients must
 * treat it as opaque; the version byte lets the layout change without misreading old cursors, and the
 * list byte refuses a journal cursor handed to the audit list.
 */
export const CURSOR_VERSION = 1;

/** The list a cursor belongs to. */
export type CursorKind = 'journal' | 'audit' | 'runs';

const KIND_BYTE: Record<CursorKind, number> = { journal: 1, audit: 2, runs: 3 };
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BASE64URL_RE = /^[A-Za-z0-9_-]{1,400}$/;
const MAX_ID_BYTES = 256;

/** A decoded cursor: the row after which (in the list's order) the next page starts. */
export interface KeysetPosition {
  /** Contract timestamp with microseconds (`YYYY-MM-DDTHH:MM:SS.ffffffZ`). */
  ts: string;
  /** Event id (UUID) or run id. */
  id: string;
}

/** Thrown for a cursor that is not one this API issued; routes turn it into a 400. */
export class InvalidCursorError extends Error {
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = 'InvalidCursorError';
  }
}

const usesUuid = (kind: CursorKind): boolean => kind !== 'runs';

/** Encodes the position of a row as an opaque cursor of list `kind`. */
export function encodeCursor(kind: CursorKind, position: KeysetPosition): string {
  const micros = parseTimestampMicros(position.ts);
  if (micros === undefined) throw new TypeError(`not a contract timestamp: ${position.ts}`);
  const id = usesUuid(kind) ? Buffer.from(position.id.replace(/-/g, ''), 'hex') : Buffer.from(position.id, 'utf8');
  const head = Buffer.alloc(10);
  head.writeUInt8(CURSOR_VERSION, 0);
  head.writeUInt8(KIND_BYTE[kind], 1);
  head.writeBigInt64BE(micros, 2);
  return Buffer.concat([head, id]).toString('base64url');
}

/**
 * Decodes a cursor of list `kind`.
 * @throws InvalidCursorError when it is malformed, of another version or of another list.
 */
export function decodeCursor(kind: CursorKind, cursor: string): KeysetPosition {
  if (!BASE64URL_RE.test(cursor)) throw new InvalidCursorError('not base64url');
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length < 11) throw new InvalidCursorError('too short');
  if (bytes.readUInt8(0) !== CURSOR_VERSION) throw new InvalidCursorError('unknown version');
  if (bytes.readUInt8(1) !== KIND_BYTE[kind]) throw new InvalidCursorError(`not a ${kind} cursor`);
  const micros = bytes.readBigInt64BE(2);
  // Years 0001..9999 only: Postgres and Date agree there, and nothing real lies outside.
  if (micros < -62135596800000000n || micros > 253402300799999999n) throw new InvalidCursorError('timestamp out of range');
  const idBytes = bytes.subarray(10);
  let id: string;
  if (usesUuid(kind)) {
    if (idBytes.length !== 16) throw new InvalidCursorError('bad id length');
    const hex = idBytes.toString('hex');
    id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    if (!UUID_RE.test(id)) throw new InvalidCursorError('bad id');
  } else {
    if (idBytes.length > MAX_ID_BYTES) throw new InvalidCursorError('id too long');
    id = idBytes.toString('utf8');
    // A round trip that changes the bytes means they were not valid UTF-8.
    if (!Buffer.from(id, 'utf8').equals(idBytes) || id.length === 0) throw new InvalidCursorError('bad id');
  }
  return { ts: formatTimestampMicros(micros), id };
}
