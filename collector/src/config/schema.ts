/**
 * The collector's configuration schema. Every object is closed (`additionalProperties: false`) so a
 * misspelt key fails at startup with its path instead of being silently ignored. Defaults live here,
 * next to the field they belong to; docs/configuration.md and config/hindsight.example.yaml mirror it.
 */
import { Type, type Static } from '@sinclair/typebox';
import { ApiConfigSchema } from '../api/config/api-config';

/** A string limited to `values`; one `enum` keyword gives one clear error instead of a union's many. */
function StringEnum<const T extends readonly string[]>(values: T, options: { default?: T[number] } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

const closed = { additionalProperties: false } as const;
const NAME_PATTERN = '^[a-z][a-z0-9_-]{0,62}$';

/** How records are grouped before one `Sink.write` call. */
export const BatchSchema = Type.Object(
  {
    /** Flush once this many records are waiting. */
    maxRecords: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000 }),
    /** Flush at the latest this long after the first waiting record arrived. */
    maxWaitMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 200 }),
    /**
     * Flush a partial batch at once when the consumer has read every partition it owns up to the end
     * and no write is running: waiting `maxWaitMs` then would only add latency, since nothing more is
     * there to fill the batch.
     */
    flushWhenCaughtUp: Type.Boolean({ default: true }),
  },
  { ...closed, default: {} },
);

/** Retries of a failed batch (exponential backoff with jitter) before the pipeline pauses and tries again. */
export const RetrySchema = Type.Object(
  {
    /** Attempts per round after the first one; when they are spent the round ends and a new one starts after `maxDelayMs`. */
    maxAttempts: Type.Integer({ minimum: 0, maximum: 100, default: 5 }),
    /** First backoff delay. */
    initialDelayMs: Type.Integer({ minimum: 1, maximum: 60_000, default: 100 }),
    /** Ceiling of the backoff delay. */
    maxDelayMs: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  },
  { ...closed, default: {} },
);

/** The per-sink circuit breaker. */
export const CircuitBreakerSchema = Type.Object(
  {
    /** Consecutive failed writes that open the breaker. */
    failureThreshold: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
    /** How long the breaker stays open before letting one trial write through. */
    halfOpenAfterMs: Type.Integer({ minimum: 10, maximum: 600_000, default: 5000 }),
  },
  { ...closed, default: {} },
);

/** A Kafka topic and how its messages are decoded. */
export const SourceSchema = Type.Object(
  {
    /** Kafka topic name. */
    topic: Type.String({ minLength: 1, maxLength: 249, pattern: '^[A-Za-z0-9._-]+$' }),
    /** The record kind its messages hold: `span`/`log` are OTLP protobuf, `audit`/`journal` contract JSON. */
    kind: StringEnum(['span', 'log', 'audit', 'journal'] as const),
    /** Messages larger than this go to the dead-letter topic unread. */
    maxMessageBytes: Type.Integer({ minimum: 1, maximum: 100 * 1024 * 1024, default: 4 * 1024 * 1024 }),
  },
  closed,
);

/** One configured sink instance. */
export const SinkSchema = Type.Object(
  {
    /** The sink type: a name in the sink registry (`postgres`, `clickhouse`, `prometheus`, `discard`). */
    type: Type.String({ minLength: 1, pattern: NAME_PATTERN }),
    batch: BatchSchema,
    retry: RetrySchema,
    circuitBreaker: CircuitBreakerSchema,
    /** Type-specific settings, validated against the schema its sink type registers. */
    options: Type.Record(Type.String(), Type.Unknown(), { default: {} }),
  },
  closed,
);

/** Which sources feed which sink. */
export const PipelineSchema = Type.Object(
  {
    /** Names under `sources`. */
    sources: Type.Array(Type.String({ pattern: NAME_PATTERN }), { minItems: 1, uniqueItems: true }),
    /** A name under `sinks`. Each sink belongs to at most one pipeline (it owns one consumer group). */
    sink: Type.String({ pattern: NAME_PATTERN }),
  },
  closed,
);

/** The whole configuration file. */
export const CollectorConfigSchema = Type.Object(
  {
    service: Type.Object(
      {
        /** Reported in logs and used as the Kafka client id prefix. */
        name: Type.String({ minLength: 1, maxLength: 64, default: 'hindsight-collector' }),
        /** Address of the /metrics, /healthz and /readyz server. */
        http: Type.Object(
          {
            host: Type.String({ minLength: 1, default: '0.0.0.0' }),
            /** 0 picks a free port (tests). */
            port: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),
          },
          { ...closed, default: {} },
        ),
        /** Upper bound of a graceful stop (SIGTERM): the in-flight batch is finished and committed within it. */
        shutdownTimeoutMs: Type.Integer({ minimum: 100, maximum: 300_000, default: 15_000 }),
        /** Lowest level written to stderr. */
        logLevel: StringEnum(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
      },
      { ...closed, default: {} },
    ),
    kafka: Type.Object(
      {
        /** Bootstrap brokers, `host:port`. */
        brokers: Type.Array(Type.String({ minLength: 3, pattern: '^[^\\s:]+:\\d{1,5}$' }), { minItems: 1 }),
        /** Consumer groups are named `<groupPrefix>.<sinkName>`. */
        groupPrefix: Type.String({ minLength: 1, maxLength: 200, default: 'hindsight-collector' }),
        /** Topic that receives messages which cannot be decoded, validated or stored. */
        dlqTopic: Type.String({ minLength: 1, maxLength: 249, default: 'hindsight.dlq' }),
        /** Create missing topics at startup through the admin API (a broker that cannot is only warned about). */
        createTopics: Type.Boolean({ default: true }),
        /** Partitions of topics created at startup. */
        topicPartitions: Type.Integer({ minimum: 1, maximum: 1000, default: 4 }),
        /** Replication factor of topics created at startup; -1 uses the broker default. */
        replicationFactor: Type.Integer({ minimum: -1, maximum: 10, default: -1 }),
        /** A member that sends no heartbeat for this long is removed from its group. */
        sessionTimeoutMs: Type.Integer({ minimum: 1000, maximum: 300_000, default: 30_000 }),
        heartbeatIntervalMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 3000 }),
        /**
         * Longest a fetch waits for data. Kafka answers as soon as data arrives, so a low value only
         * adds empty fetches while idle; a broker that does not wake early (the test cluster) would
         * otherwise hold every new message for kafkajs's 5 s default.
         */
        maxWaitTimeMs: Type.Integer({ minimum: 10, maximum: 30_000, default: 500 }),
        /** Where a group with no committed offset starts. */
        fromBeginning: Type.Boolean({ default: true }),
        /**
         * A consumer that takes no batch for this long while its partitions hold unread messages (and
         * is not busy writing one) is replaced by a new one. Keep it above the longest group rebalance
         * (kafkajs waits up to 60 s for a join) so a slow rebalance is not taken for a stall.
         */
        stallTimeoutMs: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 120_000 }),
        /** Kafka connection timeout. */
        connectionTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 3000 }),
      },
      closed,
    ),
    /** The retention job (journal partitions in Postgres, daily partitions in ClickHouse), run inside `run`. */
    retention: Type.Object(
      {
        /** Run the job on a timer inside `hindsight-collector run`. */
        enabled: Type.Boolean({ default: true }),
        /** Days of journal partitions kept in Postgres (ClickHouse uses its sink's `retentionDays`). */
        days: Type.Integer({ minimum: 1, maximum: 36_500, default: 30 }),
        /** Minutes between two runs of the job. */
        intervalMinutes: Type.Integer({ minimum: 1, maximum: 10_080, default: 60 }),
        /** Seconds after start before the first run, so a restart loop never hammers the stores. */
        initialDelaySeconds: Type.Integer({ minimum: 0, maximum: 86_400, default: 60 }),
      },
      { ...closed, default: {} },
    ),
    /** Named Kafka sources. */
    sources: Type.Record(Type.String(), SourceSchema, { minProperties: 1, propertyNames: { pattern: NAME_PATTERN } }),
    /** Named sinks. */
    sinks: Type.Record(Type.String(), SinkSchema, { minProperties: 1, propertyNames: { pattern: NAME_PATTERN } }),
    /** Named pipelines: sources → sink. */
    pipelines: Type.Record(Type.String(), PipelineSchema, { minProperties: 1, propertyNames: { pattern: NAME_PATTERN } }),
    /** The operator HTTP API (docs/api.md); absent: not served. */
    api: Type.Optional(ApiConfigSchema),
  },
  closed,
);

/** A validated, defaulted configuration (frozen once loaded). */
export type CollectorConfig = Static<typeof CollectorConfigSchema>;
export type SinkConfig = Static<typeof SinkSchema>;
export type SourceConfig = Static<typeof SourceSchema>;
export type BatchConfig = Static<typeof BatchSchema>;
export type RetryConfig = Static<typeof RetrySchema>;
export type CircuitBreakerConfig = Static<typeof CircuitBreakerSchema>;
export type RetentionConfig = CollectorConfig['retention'];
