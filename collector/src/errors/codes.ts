/**
 * Every error code the collector reports, in one place. docs/errors.md explains each one: what it
 * means, whether it is retried, and what an operator does about it. Codes are stable: dashboards,
 * alerts and the `hindsight.error.code` dead-letter header rely on them.
 */
export const ERROR_CODES = {
  /** The configuration file or an environment override is invalid; the process refuses to start. */
  configInvalid: 'CONFIG_INVALID',
  /** A message is larger than the source's `maxMessageBytes`. */
  messageOversized: 'MESSAGE_OVERSIZED',
  /** A message has no value (a tombstone) where a payload is required. */
  messageEmpty: 'MESSAGE_EMPTY',
  /** Bytes on an OTLP topic are not a valid protobuf export request. */
  otlpDecodeFailed: 'OTLP_DECODE_FAILED',
  /** JSON on a contract topic does not parse. */
  jsonInvalid: 'JSON_INVALID',
  /** A contract event names a schema version this collector does not know. */
  contractUnknownVersion: 'CONTRACT_UNKNOWN_VERSION',
  /** A contract event names a schema this collector does not know. */
  contractUnknownSchema: 'CONTRACT_UNKNOWN_SCHEMA',
  /** A contract event fails validation (missing tenant, unknown field, bad value...). */
  contractInvalid: 'CONTRACT_INVALID',
  /** A contract event of one kind arrived on a source declared for the other kind. */
  contractKindMismatch: 'CONTRACT_KIND_MISMATCH',
  /** A sink refused a record for good (reported through a `partial` write result). */
  sinkRejected: 'SINK_REJECTED',
  /** A sink write failed in a way that may pass on retry. */
  sinkUnavailable: 'SINK_UNAVAILABLE',
  /** The sink's circuit breaker is open: writes are held until it half-opens. */
  sinkCircuitOpen: 'SINK_CIRCUIT_OPEN',
  /** A sink threw from `write()` instead of returning a result (a bug in the sink); retried. */
  sinkThrew: 'SINK_THREW',
  /** Producing to the dead-letter topic failed; the offset is not committed and the message is retried. */
  dlqProduceFailed: 'DLQ_PRODUCE_FAILED',
  /** Committing offsets failed; the records are written again after a restart (idempotent sinks). */
  kafkaCommitFailed: 'KAFKA_COMMIT_FAILED',
  /**
   * A consumer group skipped offsets Kafka no longer held (deleted by retention before they were
   * consumed); logged and counted, consumption goes on. Not thrown: a log code only.
   */
  kafkaOffsetGap: 'KAFKA_OFFSET_GAP',
  /**
   * A consumer took no batch for `kafka.stallTimeoutMs` while its partitions held unread messages and
   * no error from the Kafka client said why; it is replaced by a new one. Not thrown: a log code only.
   */
  kafkaConsumerStalled: 'KAFKA_CONSUMER_STALLED',
  /** A command (`migrate`, `verify-audit`) is not part of this build. */
  commandUnavailable: 'COMMAND_UNAVAILABLE',
} as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];
