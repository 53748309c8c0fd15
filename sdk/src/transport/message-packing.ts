/**
 * Kafka messages packed into one fresh buffer for the trip to the producer thread. A Buffer made by
 * `Buffer.from(string)` is usually a slice of Node's shared 8 KiB pool, and `postMessage` copies a
 * typed array's whole underlying ArrayBuffer, so posting the values as they are would copy the pool
 * once per message. Packed, the values cross as one transferred ArrayBuffer: no copy at all.
 */
import type { KafkaMessage } from './kafka-message';

/** Messages as they cross to the producer thread: keys, and each value's end offset in `bytes`. */
export interface PackedMessages {
  keys: string[];
  ends: number[];
  bytes: Uint8Array<ArrayBuffer>;
}

export function packMessages(messages: readonly KafkaMessage[]): PackedMessages {
  const sizes: number[] = new Array(messages.length);
  let total = 0;
  messages.forEach((m, i) => {
    const size = typeof m.value === 'string' ? Buffer.byteLength(m.value, 'utf8') : m.value.byteLength;
    sizes[i] = size;
    total += size;
  });
  // Its own ArrayBuffer (not the pool's), so that it can be transferred.
  const buffer = new ArrayBuffer(total);
  const bytes = new Uint8Array(buffer);
  const text = Buffer.from(buffer);
  const keys: string[] = new Array(messages.length);
  const ends: number[] = new Array(messages.length);
  let offset = 0;
  messages.forEach((m, i) => {
    if (typeof m.value === 'string') text.write(m.value, offset, sizes[i]!, 'utf8');
    else bytes.set(m.value, offset);
    offset += sizes[i]!;
    keys[i] = m.key;
    ends[i] = offset;
  });
  return { keys, ends, bytes };
}

/** The messages back, each value a view into `packed.bytes` (nothing copied). */
export function unpackMessages(packed: PackedMessages): KafkaMessage[] {
  const { keys, ends, bytes } = packed;
  const out: KafkaMessage[] = new Array(keys.length);
  let start = 0;
  for (let i = 0; i < keys.length; i++) {
    const end = ends[i]!;
    out[i] = { key: keys[i]!, value: Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start) };
    start = end;
  }
  return out;
}
