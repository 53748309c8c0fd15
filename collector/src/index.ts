/**
 * @hindsight/collector: the runtime (config, topology, Kafka consumption, decoding, dead letters,
 * resilience, telemetry) and the Sink interface the store-specific sinks implement.
 */
export { loadConfig, deepFreeze, type LoadConfigInput } from './config/load-config';
export { applyEnvOverrides, GENERIC_ENV_PREFIX } from './config/env-overrides';
export { CollectorConfigSchema, type CollectorConfig, type SinkConfig, type SourceConfig } from './config/schema';
export { buildTopology, type Topology, type PipelinePlan, type TopicPlan } from './topology/build-topology';
export { decodeMessage, type DecodeResult, type DecodeSource } from './decoding/decode-message';
export { decodeSpans, decodeLogs, LOG_ID_ATTRIBUTE } from './decoding/otlp-flatten';
export { WatermarkTracker, type CommitPoint } from './sources/kafka/watermark-tracker';
export { SinkConsumer, type PipelineStatus } from './sources/kafka/sink-consumer';
export { DeadLetterProducer, deadLetterHeaders, type DeadLetter } from './dlq/dead-letter-producer';
export { SinkGuard } from './resilience/sink-guard';
export { CollectorMetrics } from './telemetry/collector-metrics';
export { TelemetryServer } from './telemetry/http-server';
export { createLogger, silentLogger, type Logger, type LogLevel } from './telemetry/logger';
export { CollectorService, type CollectorServiceOptions } from './service/collector-service';
export { SinkRegistry, defaultSinkRegistry } from './sinks/sink-registry';
export type { SinkFactory, SinkContext } from './sinks/sink-factory';
export type { Sink, SinkHealth, WriteResult } from './sinks/sink';
export type { SinkRecord, SpanRow, LogRow, Origin, RecordKind } from './sinks/records';
export { DiscardSink, discardSinkFactory } from './sinks/discard/discard-sink';
export { HindsightError, TransientError, PermanentError, ConfigError } from './errors/hindsight-error';
export { ERROR_CODES, type ErrorCode } from './errors/codes';
