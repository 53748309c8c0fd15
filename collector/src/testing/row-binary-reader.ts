/**
 * Reads ClickHouse RowBinary back into values, for tests of what the ClickHouse sink writes: the
 * reader follows the format's definition, not the writer's code, so the two can check each other.
 */

export type RowBinaryType = 'String' | 'UInt8' | 'UInt32' | 'UInt64';

/** Values as the JSONEachRow form of a row gives them: UInt64 as a decimal string, the rest as is. */
export type RowBinaryValue = string | number;

/** Splits `bytes` into rows of `columns` (name → type, in order). Throws on a truncated row. */
export function readRowBinary(bytes: Uint8Array, columns: ReadonlyArray<readonly [string, RowBinaryType]>): Array<Record<string, RowBinaryValue>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const rows: Array<Record<string, RowBinaryValue>> = [];
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new RangeError(`row ${rows.length} is cut short at byte ${at}`);
  };
  while (at < bytes.length) {
    const row: Record<string, RowBinaryValue> = {};
    for (const [name, type] of columns) {
      if (type === 'String') {
        let length = 0;
        let shift = 0;
        for (;;) {
          need(1);
          const b = bytes[at++]!;
          length += (b & 0x7f) * 2 ** shift;
          shift += 7;
          if (b < 0x80) break;
        }
        need(length);
        row[name] = decoder.decode(bytes.subarray(at, at + length));
        at += length;
      } else if (type === 'UInt8') {
        need(1);
        row[name] = bytes[at++]!;
      } else if (type === 'UInt32') {
        need(4);
        row[name] = view.getUint32(at, true);
        at += 4;
      } else {
        need(8);
        row[name] = view.getBigUint64(at, true).toString();
        at += 8;
      }
    }
    rows.push(row);
  }
  return rows;
}
