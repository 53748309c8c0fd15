import type { Producer, IHeaders } from 'kafkajs';
import { HEADERS } from '@hindsight/sdk/contract';
import type { HindsightError } from '../errors/hindsight-error';
import type { CollectorMetrics } from '../telemetry/collector-metrics';

/** A message that cannot be decoded, validated or stored, with where it came from. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  error: HindsightError;
}

/** Error messages can quote input; headers stay small and single-line. */
const MAX_ERROR_MESSAGE = 1024;

/**
 * Most bytes of letters one produce request carries. kafkajs does not split a send by size, and a
 * broker refuses a record batch over its `message.max.bytes` (1 MiB by default) for good: a batch
 * of letters (every undecodable message of a fetch, every refused record of a write) sent as one
 * would be refused on every retry and hold its partition. A letter bigger than this goes alone.
 */
export const DLQ_SEND_MAX_BYTES = 512 * 1024;

/** About what a letter weighs on the wire: key, value and headers. */
function letterBytes(letter: DeadLetter, headers: IHeaders): number {
  let n = (letter.key?.length ?? 0) + (letter.value?.length ?? 0);
  for (const [k, v] of Object.entries(headers)) n += k.length + (typeof v === 'string' ? Buffer.byteLength(v) : 0) + 8;
  return n + 64;
}

/** `letters` in sends of at most `maxBytes` each (a bigger letter alone), in order. */
export function chunkLetters<T extends { bytes: number }>(letters: readonly T[], maxBytes = DLQ_SEND_MAX_BYTES): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const l of letters) {
    if (current.length > 0 && size + l.bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(l);
    size += l.bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** The headers docs/development.md agrees on for `hindsight.dlq`. */
export function deadLetterHeaders(letter: DeadLetter): IHeaders {
  return {
    [HEADERS.dlqOriginTopic]: letter.topic,
    [HEADERS.dlqOriginPartition]: String(letter.partition),
    [HEADERS.dlqOriginOffset]: letter.offset,
    [HEADERS.dlqErrorCode]: letter.error.code,
    [HEADERS.dlqErrorMessage]: letter.error.message.replace(/[\r\n]+/g, ' ').slice(0, MAX_ERROR_MESSAGE),
  };
}

/**
 * Sends poison messages to the dead-letter topic: the original bytes and key unchanged, origin and
 * error in headers. `send` resolves only once Kafka acknowledged (acks=all), because the caller then
 * lets the offset move past the message.
 */
export class DeadLetterProducer {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly metrics: CollectorMetrics,
  ) {}

  /**
   * Sends in order, in requests of at most DLQ_SEND_MAX_BYTES. Throws if any send fails: the caller
   * sends all of them again (a letter already sent is then sent twice, which the DLQ tolerates: its
   * readers key on the origin headers).
   */
  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const weighed = letters.map((letter) => {
      const headers = deadLetterHeaders(letter);
      return { letter, headers, bytes: letterBytes(letter, headers) };
    });
    for (const chunk of chunkLetters(weighed)) {
      await this.producer.send({
        topic: this.topic,
        acks: -1,
        messages: chunk.map(({ letter, headers }) => ({ key: letter.key, value: letter.value, headers })),
      });
      for (const { letter } of chunk) this.metrics.dlq.inc({ topic: letter.topic, reason: letter.error.code });
    }
  }
}
