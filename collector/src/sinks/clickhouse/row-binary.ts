/**
 * A writer of ClickHouse's RowBinary format: each row is its columns' values in table order, with no
 * names and no separators. Strings are a LEB128 length and their UTF-8 bytes; integers are
 * little-endian; DateTime is a UInt32 of seconds. The server reads it with a copy per value instead
 * of JSONEachRow's parse of names, quotes and escapes, which on this machine's two cores is CPU the
 * collector gets back (docs/benchmarks.md, eighth round).
 *
 * Only the types the sink's tables use are here: String (also LowCardinality(String), which RowBinary
 * writes the same way), UInt8, UInt32/DateTime and UInt64.
 */

const TWO_32 = 4_294_967_296;
const NANOS_PER_SECOND = 1_000_000_000;
const EMPTY = Buffer.alloc(0);

/** A growable byte buffer that RowBinary values are appended to. */
export class RowBinaryWriter {
  // Nothing is allocated until the first value: a sink write makes a writer per table, most often
  // for one table only.
  private buf: Buffer = EMPTY;
  private at = 0;

  /** @param initialBytes the first allocation, a guess of the whole size (it doubles when short). */
  constructor(private readonly initialBytes = 64 * 1024) {}

  /** Bytes written so far. */
  get length(): number {
    return this.at;
  }

  /** The bytes written so far (a view of the current buffer, which a later write may replace). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.at);
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, this.initialBytes, 1);
    while (size < this.at + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private varUInt(value: number): void {
    while (value >= 0x80) {
      this.buf[this.at++] = (value & 0x7f) | 0x80;
      value = Math.floor(value / 128);
    }
    this.buf[this.at++] = value;
  }

  /** A String (or LowCardinality(String)) value. */
  string(value: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit. Below 43 units the length fits one LEB128 byte
    // whatever the text is, so the text is written first and its length put in front after.
    if (value.length < 43) {
      this.ensure(1 + value.length * 3);
      const buf = this.buf;
      const start = this.at;
      // ASCII (ids, names, most attribute values) is copied here unit by unit: for text this short the
      // call into Buffer#write cost more than the copy. At the first other unit, Buffer#write encodes.
      let i = 0;
      for (; i < value.length; i++) {
        const unit = value.charCodeAt(i);
        if (unit >= 0x80) break;
        buf[start + 1 + i] = unit;
      }
      const written = i === value.length ? i : i + buf.write(value.slice(i), start + 1 + i, 'utf8');
      buf[start] = written;
      this.at = start + 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.ensure(5 + bytes);
    this.varUInt(bytes);
    this.at += this.buf.write(value, this.at, 'utf8');
  }

  /** Bytes already encoded as one RowBinary value (e.g. a cached string). */
  raw(encoded: Buffer): void {
    this.ensure(encoded.length);
    // TypedArray#set: Buffer#copy's argument checks cost more than copying a resource's few hundred bytes.
    this.buf.set(encoded, this.at);
    this.at += encoded.length;
  }

  uint8(value: number): void {
    this.ensure(1);
    this.buf[this.at++] = value;
  }

  /** A UInt32, also a DateTime (seconds since the epoch). */
  uint32(value: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(value, this.at);
    this.at += 4;
  }

  /** A UInt64 given as a non-negative safe integer. */
  uint64(value: number): void {
    this.ensure(8);
    this.buf.writeUInt32LE(value % TWO_32, this.at);
    this.buf.writeUInt32LE(Math.floor(value / TWO_32), this.at + 4);
    this.at += 8;
  }

  /** A UInt64 given as a bigint (values past 2^53). */
  uint64Big(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(value, this.at);
    this.at += 8;
  }

  /**
   * A UInt64 of nanoseconds given as `seconds * 1e9 + nanos` (seconds < 2^32, nanos < 1e9), the way
   * the sink holds OTLP timestamps: no BigInt, every step exact in a double.
   */
  uint64Nanos(seconds: number, nanos: number): void {
    // seconds * 1e9 = (high * 2^16 + low) * 1e9, both products below 2^46.
    const high = Math.floor(seconds / 65_536);
    const low = seconds % 65_536;
    const a = low * NANOS_PER_SECOND + nanos; // < 2^47
    const b = high * NANOS_PER_SECOND; // < 2^46, to be shifted left by 16 bits
    const bHigh = Math.floor(b / TWO_32);
    const bLowShifted = (b % TWO_32) * 65_536; // < 2^48
    let lo = (a % TWO_32) + (bLowShifted % TWO_32);
    const carry = lo >= TWO_32 ? 1 : 0;
    lo -= carry * TWO_32;
    const hi = Math.floor(a / TWO_32) + Math.floor(bLowShifted / TWO_32) + bHigh * 65_536 + carry;
    this.ensure(8);
    this.buf.writeUInt32LE(lo, this.at);
    this.buf.writeUInt32LE(hi, this.at + 4);
    this.at += 8;
  }
}

/** One String value as RowBinary bytes, for values many rows share (a resource's JSON). */
export function encodeRowBinaryString(value: string): Buffer {
  const w = new RowBinaryWriter(16 + value.length * 3);
  w.string(value);
  return Buffer.from(w.bytes());
}
