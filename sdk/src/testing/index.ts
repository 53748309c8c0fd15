/**
 * `@hindsight/sdk/testing`: tools for testing apps that use the SDK.
 */
export { InMemoryExporter } from './in-memory-exporter';
export type { Exporter, ExportBatch, ExportResult, LogEntry, TelemetryKind } from '../exporter/exporter';
