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

  async send(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map((l) => ({ key: l.key, value: l.value, headers: deadLetterHeaders(l) })),
    });
    for (const l of letters) this.metrics.dlq.inc({ topic: l.topic, reason: l.error.code });
  }
}
