/** What the encoders hand to the producer, and how large one OTLP message may get. */

/**
 * A Kafka message ready to produce. Contract events come as their JSON text: it is written once, into
 * the buffer that carries the batch to the producer thread, instead of into a Buffer of its own first.
 */
export interface KafkaMessage<Value extends Buffer | string = Buffer | string> {
  key: string;
  value: Value;
}

/**
 * Largest encoded OTLP message (spans or logs): the collector fetches at most 1 MiB per partition and
 * Kafka's default `message.max.bytes` is 1 MB; a group that encodes larger is split in halves until
 * each part fits.
 */
export const MAX_OTLP_MESSAGE_BYTES = 256 * 1024;
