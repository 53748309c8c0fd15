/**
 * Names every part of Hindsight agrees on: Kafka topics, span/log attributes, Kafka and HTTP headers,
 * schema names and size limits. Defined here once; docs/development.md and docs/contract.md describe them.
 */

/** Default Kafka topic names. Spans and logs use the OpenTelemetry Collector's Kafka defaults. */
export const TOPICS = {
  spans: 'otlp_spans',
  logs: 'otlp_logs',
  audit: 'hindsight.audit',
  journal: 'hindsight.journal',
  dlq: 'hindsight.dlq',
} as const;

/** Span and log attribute names that carry Hindsight context. */
export const ATTR = {
  correlationId: 'hindsight.correlation_id',
  causationId: 'hindsight.causation_id',
  tenant: 'hindsight.tenant',
  actorId: 'hindsight.actor.id',
  actorType: 'hindsight.actor.type',
  runId: 'hindsight.run_id',
} as const;

/**
 * Header names. Context headers travel on HTTP requests and on the app's own Kafka messages (all
 * lowercase, as node:http presents them); dead-letter headers are set by the collector on `hindsight.dlq`.
 */
export const HEADERS = {
  /** W3C Trace Context. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  correlationId: 'x-correlation-id',
  causationId: 'x-causation-id',
  tenant: 'x-hindsight-tenant',
  actorId: 'x-hindsight-actor-id',
  actorType: 'x-hindsight-actor-type',
  runId: 'x-hindsight-run-id',
  dlqOriginTopic: 'hindsight.origin.topic',
  dlqOriginPartition: 'hindsight.origin.partition',
  dlqOriginOffset: 'hindsight.origin.offset',
  dlqErrorCode: 'hindsight.error.code',
  dlqErrorMessage: 'hindsight.error.message',
} as const;

/** Schema names carried in `schema.name`. */
export const SCHEMA_NAMES = {
  audit: 'hindsight.audit',
  journal: 'hindsight.journal',
} as const;

/** A schema name known to this version of the contract. */
export type SchemaName = (typeof SCHEMA_NAMES)[keyof typeof SCHEMA_NAMES];

/** The schema version this SDK writes for each event kind. */
export const CURRENT_SCHEMA_VERSION = {
  audit: 1,
  journal: 1,
} as const;

/**
 * Size limits. JSON Schema bounds every string and collection; these are the limits it cannot express,
 * checked in code: serialized sizes are UTF-8 bytes of `JSON.stringify` output.
 */
export const LIMITS = {
  /** A whole serialized event (the Kafka message value). Larger messages go to the DLQ. */
  eventMaxBytes: 64 * 1024,
  /** The serialized `details` object. */
  detailsMaxBytes: 16 * 1024,
  /** Nesting depth of `details`: the object itself is depth 1. */
  detailsMaxDepth: 8,
  /** Keys at any one level of `details`. */
  detailsMaxKeys: 256,
  /** Entries in `pointers`. */
  pointersMaxEntries: 16,
} as const;

/**
 * Characters allowed in identifiers that travel in headers and keys (tenant, service, correlation,
 * causation and run ids): no spaces or control characters, so a header value can never smuggle a line
 * break or a delimiter.
 */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@/+=-]*$';

/** Longest identifier (see {@link IDENTIFIER_PATTERN}). */
export const IDENTIFIER_MAX_LENGTH = 128;

/** Lowercase UUIDv7, as written by {@link newEventId}. */
export const UUID_V7_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$';

/** RFC 3339 UTC timestamp with exactly six fractional digits. */
export const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$';

const identifierRegex = new RegExp(IDENTIFIER_PATTERN);

/** True when `value` may be used as a correlation id, tenant, run id or similar identifier. */
export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= IDENTIFIER_MAX_LENGTH && identifierRegex.test(value);
}
