/**
 * An SDK exporter that acknowledges at once and keeps nothing: the hot-path benchmark measures the
 * cost up to the queue, and must not be slowed by a broker or grow memory by storing batches.
 */
import type { Exporter, ExportBatch, ExportResult } from '@hindsight/sdk';

export class NoopExporter implements Exporter {
  exported = 0;

  async export(batch: ExportBatch): Promise<ExportResult> {
    this.exported += batch.items.length;
    return { ok: true };
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
