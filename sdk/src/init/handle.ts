/**
 * What `init()` returns: the app's instruments and the SDK's lifecycle.
 */
import type { Meter, Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Audit } from '../audit/audit-recorder';
import type { Journal } from '../journal/journal';
import type { WorkSpan } from '../metrics/work-span';
import type { DropCounts } from '../pipeline/drop-counters';
import type { TelemetryKind } from '../exporter/exporter';

/** Queue depths and drop totals, for tests and health pages. */
export interface HindsightStats {
  /** Entries waiting to be acknowledged, per kind. */
  queued: Record<TelemetryKind, number>;
  /** Dropped entries keyed `kind/level/reason` (e.g. `logs/INFO/queue_full`). */
  dropped: DropCounts;
  /** Whether the SDK is shedding load right now. */
  shedding: boolean;
}

/** The running SDK. */
export interface Hindsight {
  /** A pino logger; records carry trace_id, span_id, correlation_id and tenant. */
  readonly logger: Logger;
  /** An OpenTelemetry tracer named after the service. */
  readonly tracer: Tracer;
  /** An OpenTelemetry meter named after the service. */
  readonly meter: Meter;
  readonly audit: Audit;
  readonly journal: Journal;
  /** Times a unit of work: span + duration histogram + start/stop/exception counter. */
  readonly span: WorkSpan;
  /** Port of the Prometheus endpoint once it listens; undefined when not enabled, -1 if it failed. */
  readonly metricsPort: Promise<number | undefined>;
  /** Prometheus text of the SDK's metrics (also without the endpoint). */
  metricsText(): Promise<string>;
  stats(): HindsightStats;
  /** Sends everything queued; resolves true when all of it was acknowledged within `shutdownTimeoutMs`. Never rejects. */
  flush(): Promise<boolean>;
  /** Flushes within `shutdownTimeoutMs`, then stops everything. Idempotent; never rejects. */
  shutdown(): Promise<boolean>;
}
