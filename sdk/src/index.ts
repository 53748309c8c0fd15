/**
 * @hindsight/sdk: instrument a Node.js app once (spans, pino logs, metrics, audit and journal events
 * to Kafka). See README.md.
 */
export { init } from './init/init';
export type { Hindsight, HindsightStats } from './init/handle';
export type { HindsightOptions } from './options/resolve';
export { HindsightConfigError } from './options/config-error';
export { AuditError, type AuditErrorCode } from './audit/audit-error';
export type { Audit } from './audit/audit-recorder';
export type { Journal } from './journal/journal';
export type { WorkSpan } from './metrics/work-span';
export type { ErrorHandler, FailureSource } from './diagnostics/diagnostics';
export type { Exporter, ExportBatch, ExportResult, LogEntry, TelemetryKind } from './exporter/exporter';
export { KafkaExporter } from './transport/kafka-exporter';
export { LOG_ID_ATTRIBUTE } from './logging/encode-logs';
export {
  getContext,
  withContext,
  runInContext,
  mergeContext,
  contextAttributes,
  injectContextHeaders,
  extractContextHeaders,
  httpMiddleware,
  expressMiddleware,
  fastifyHindsight,
  runJob,
  type HindsightContext,
  type ContextPatch,
  type JobOptions,
} from './context';
export { createRedactor, type Redactor, type RedactorOptions } from './redaction';
export type { AuditEvent, JournalEvent, AuditRecordInput, JournalEmitInput, Severity, Outcome, Actor } from './contract';
