/**
 * The JSON-shaped part of the SDK's options, written once with TypeBox so that the types and the
 * validation come from one place. Values that are objects or functions (exporter, error handler,
 * instrumentations, redaction rules) are checked in resolve.ts.
 */
import { Type, type Static } from '@sinclair/typebox';

const positiveInt = (description: string, minimum = 1, maximum = 10_000_000) =>
  Type.Integer({ minimum, maximum, description });

export const KafkaOptionsSchema = Type.Object(
  {
    /** `host:port` of the bootstrap brokers. */
    brokers: Type.Array(Type.String({ minLength: 3, pattern: '^[^\\s,]+:[0-9]{1,5}$' }), { minItems: 1 }),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    /** TLS to the brokers (system CAs). */
    tls: Type.Optional(Type.Boolean()),
    sasl: Type.Optional(
      Type.Object(
        {
          mechanism: Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
          username: Type.String({ minLength: 1 }),
          password: Type.String({ minLength: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * Run the Kafka producer on a worker thread of its own (default true), so that its request framing
     * costs the app's thread nothing. false keeps it on the app's thread (a bundle without the SDK's
     * worker file falls back to that by itself, see `producerThreadFile`).
     */
    producerThread: Type.Optional(Type.Boolean()),
    /**
     * Where the producer thread's code is, for an app bundled into one file: bundle
     * `@hindsight/sdk/producer-thread-worker` as an entry of its own and give its output's path here.
     * Default: `producer-thread-worker.js` next to the SDK's code (in a bundle: next to the bundle).
     */
    producerThreadFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Topic names; the defaults are the contract's TOPICS. */
    topics: Type.Optional(
      Type.Object(
        {
          spans: Type.Optional(Type.String({ minLength: 1 })),
          logs: Type.Optional(Type.String({ minLength: 1 })),
          audit: Type.Optional(Type.String({ minLength: 1 })),
          journal: Type.Optional(Type.String({ minLength: 1 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const QueueOptionsSchema = Type.Object(
  {
    /** Most ended spans held in memory waiting for Kafka. */
    spans: Type.Optional(positiveInt('span queue size', 16)),
    /** Most log records held in memory waiting for Kafka. */
    logs: Type.Optional(positiveInt('log queue size', 16)),
    /** Most journal events held in memory waiting for Kafka. */
    journal: Type.Optional(positiveInt('journal queue size', 16)),
    /** Records sent in one Kafka request, per kind. */
    maxBatchSize: Type.Optional(positiveInt('batch size', 1, 100_000)),
    /** How often the background flush runs. */
    flushIntervalMs: Type.Optional(positiveInt('flush interval', 1, 60_000)),
    /**
     * Longest wait (ms) between `audit.record()` and the Kafka request carrying the event: events
     * recorded meanwhile share that request (like Kafka's `linger.ms`). 0 sends at the next timer turn.
     */
    auditLingerMs: Type.Optional(positiveInt('audit linger', 0, 1_000)),
  },
  { additionalProperties: false },
);

export const PrometheusOptionsSchema = Type.Object(
  {
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    host: Type.Optional(Type.String({ minLength: 1 })),
    endpoint: Type.Optional(Type.String({ pattern: '^/' })),
  },
  { additionalProperties: false },
);

export const JsonOptionsSchema = Type.Object(
  {
    serviceName: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@/+=-]*$' }),
    tenant: Type.Optional(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:@/+=-]*$' })),
    kafka: Type.Optional(KafkaOptionsSchema),
    queues: Type.Optional(QueueOptionsSchema),
    logLevel: Type.Optional(
      Type.Union(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].map((l) => Type.Literal(l))),
    ),
    auditAckTimeoutMs: Type.Optional(positiveInt('audit ack timeout', 10, 3_600_000)),
    shutdownTimeoutMs: Type.Optional(positiveInt('shutdown timeout', 10, 600_000)),
    prometheus: Type.Optional(PrometheusOptionsSchema),
    runtimeMetrics: Type.Optional(Type.Boolean()),
    instrumentHttp: Type.Optional(Type.Boolean()),
    diagLevel: Type.Optional(
      Type.Union(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'].map((l) => Type.Literal(l))),
    ),
  },
  { additionalProperties: true },
);

/** The JSON-shaped options as validated. */
export type JsonOptions = Static<typeof JsonOptionsSchema>;
export type KafkaOptions = Static<typeof KafkaOptionsSchema>;
export type QueueOptions = Static<typeof QueueOptionsSchema>;
export type PrometheusOptions = Static<typeof PrometheusOptionsSchema>;
