/**
 * An {@link Exporter} that keeps every batch in memory, for apps' own tests:
 * `init({ serviceName, exporter: new InMemoryExporter() })`, exercise the code, `await hs.flush()`,
 * then assert on `exporter.spans`, `.logs`, `.audit` and `.journal` (already redacted, as Kafka would
 * receive them). `failWith()` makes exports fail, to test the app's handling of audit rejections.
 */
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { AuditEvent, JournalEvent } from '../contract';
import type { ExportBatch, ExportResult, Exporter, LogEntry } from '../exporter/exporter';

/** Collects exported telemetry in arrays. */
export class InMemoryExporter implements Exporter {
  readonly spans: ReadableSpan[] = [];
  readonly logs: LogEntry[] = [];
  readonly audit: AuditEvent[] = [];
  readonly journal: JournalEvent[] = [];
  private failure: { error: Error; retriable: boolean } | undefined;
  private closed = false;

  /** Makes every following export fail with `error` until {@link InMemoryExporter.recover} is called. */
  failWith(error: Error, retriable = true): void {
    this.failure = { error, retriable };
  }

  /** Lets exports succeed again. */
  recover(): void {
    this.failure = undefined;
  }

  async export(batch: ExportBatch): Promise<ExportResult> {
    if (this.closed) return { ok: false, error: new Error('exporter is shut down'), retriable: false };
    if (this.failure !== undefined) return { ok: false, ...this.failure };
    switch (batch.kind) {
      case 'spans':
        this.spans.push(...batch.items);
        break;
      case 'logs':
        this.logs.push(...batch.items);
        break;
      case 'audit':
        this.audit.push(...batch.items);
        break;
      case 'journal':
        this.journal.push(...batch.items);
        break;
    }
    return { ok: true };
  }

  /** Empties every array. */
  reset(): void {
    this.spans.length = 0;
    this.logs.length = 0;
    this.audit.length = 0;
    this.journal.length = 0;
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {
    this.closed = true;
  }
}
