/**
 * One kind of telemetry on its way out: a bounded queue of raw entries (cheap to enqueue on the app's
 * hot path), a `prepare` step run in the background (parse, redact, validate, stamp ids), and at most
 * one export in flight so batches leave in order. A batch that fails with a retriable error is kept,
 * already prepared (so ids stay stable), and sent again on the next flush.
 */
import type { ExportBatch, ExportResult, Exporter, TelemetryKind } from '../exporter/exporter';
import { BoundedQueue, type DropReason } from '../transport/bounded-queue';

/** How a lane treats its entries. */
export interface LanePolicy<Raw, Item> {
  kind: TelemetryKind;
  capacity: number;
  maxBatchSize: number;
  isHighPriority(raw: Raw): boolean;
  /** Severity label for drop counters (DEBUG, INFO, WARN, ERROR; spans use their status). */
  levelOf(raw: Raw): string;
  /** Turns a raw entry into what is exported; `undefined` drops it (prepare reports why). */
  prepare(raw: Raw): Item | undefined;
  /** The batch handed to the exporter; by default `{ kind, items }`. */
  toBatch?(items: Item[]): ExportBatch;
  /**
   * Sends a batch in place of `exporter.export(toBatch(items))`: the log lane hands its lines to an
   * exporter that prepares them on its own thread. Like an exporter, it returns failures as results.
   */
  send?(items: Item[]): Promise<ExportResult>;
  onDrop(kind: TelemetryKind, level: string, reason: DropReason, count: number): void;
  /**
   * When set, {@link Lane.requestFlush} sends waiting entries at most this many ms after the first
   * of them arrived, and the next batch follows as soon as one settles (audit: callers await the
   * ack). Like Kafka's `linger.ms`: each send costs far more CPU than each entry in it, so a short
   * wait turns one request per event into one per few ms. Lanes without it wait for a full batch
   * or the pipeline's timer.
   */
  lingerMs?: number;
  /** Told the outcome of every batch (audit settles its promises here). */
  onResult?(raws: Raw[], result: ExportResult): void;
  onFailure(error: Error): void;
}

/** A queue plus its in-flight export. */
export class Lane<Raw, Item> {
  readonly queue: BoundedQueue<Raw>;
  private retry: { raws: Raw[]; items: Item[] } | undefined;
  private inFlight: Promise<void> | undefined;
  private lingerTimer: NodeJS.Timeout | undefined; // or an Immediate when the batch is due now
  /** When the oldest entry still queued arrived (ms), or 0 when the queue was emptied since. */
  private waitingSince = 0;

  constructor(private readonly policy: LanePolicy<Raw, Item>, private readonly exporter: Exporter) {
    this.queue = new BoundedQueue<Raw>(policy.capacity, policy.isHighPriority, (raw, reason) =>
      policy.onDrop(policy.kind, policy.levelOf(raw), reason, 1),
    );
  }

  /** Entries not yet acknowledged (queued, waiting for retry, or in flight). */
  get pending(): number {
    return this.queue.size + (this.retry?.raws.length ?? 0);
  }

  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Starts one export if none is running; resolves when that export settles. */
  flushOnce(): Promise<void> {
    if (this.inFlight !== undefined) return this.inFlight;
    if (this.retry === undefined && this.queue.size === 0) return Promise.resolve();
    this.inFlight = this.run().finally(() => {
      this.inFlight = undefined;
      if (this.retry === undefined) this.arm();
    });
    return this.inFlight;
  }

  /** Asks for the waiting entries to be sent within `lingerMs` (lanes with a linger only). */
  requestFlush(): void {
    if (this.policy.lingerMs === undefined) return;
    if (this.waitingSince === 0) this.waitingSince = Date.now();
    this.arm();
  }

  private arm(): void {
    const linger = this.policy.lingerMs;
    if (linger === undefined || this.lingerTimer !== undefined || this.inFlight !== undefined || this.queue.size === 0) return;
    if (this.waitingSince === 0) this.waitingSince = Date.now();
    const flush = () => {
      this.lingerTimer = undefined;
      this.flushOnce().catch((error: unknown) => this.policy.onFailure(error instanceof Error ? error : new Error(String(error))));
    };
    // A full batch, or entries that already waited out the linger (a backlog), go at the next turn.
    const delay = this.queue.size >= this.policy.maxBatchSize ? 0 : linger - (Date.now() - this.waitingSince);
    if (delay <= 0) {
      this.lingerTimer = setImmediate(flush) as unknown as NodeJS.Timeout;
      return;
    }
    this.lingerTimer = setTimeout(flush, delay);
    // Never keeps the app alive on its own; an awaited audit event holds the pipeline's timer.
    this.lingerTimer.unref();
  }

  /** Keeps flushing until the lane is empty, a batch fails, or the deadline passes. */
  async drain(deadline: number): Promise<boolean> {
    while (this.pending > 0 && Date.now() < deadline) {
      const before = this.pending;
      await this.flushOnce();
      if (this.retry !== undefined && this.pending >= before) return false;
    }
    return this.pending === 0;
  }

  /** Removes retried entries `expired` says are too old (audit deadlines). */
  sweepRetry(expired: (raw: Raw) => boolean): void {
    if (this.retry === undefined) return;
    const keep = this.retry.raws.map((r) => !expired(r));
    this.retry = {
      raws: this.retry.raws.filter((_, i) => keep[i]),
      items: this.retry.items.filter((_, i) => keep[i]),
    };
    if (this.retry.raws.length === 0) this.retry = undefined;
  }

  /** Drops everything left (at shutdown). */
  abandon(): void {
    if (this.lingerTimer !== undefined) {
      clearTimeout(this.lingerTimer);
      clearImmediate(this.lingerTimer as unknown as NodeJS.Immediate);
    }
    this.lingerTimer = undefined;
    if (this.retry !== undefined) {
      for (const raw of this.retry.raws) this.policy.onDrop(this.policy.kind, this.policy.levelOf(raw), 'shutdown', 1);
      this.retry = undefined;
    }
    this.queue.clear('shutdown');
  }

  private async run(): Promise<void> {
    const p = this.policy;
    let batch = this.retry;
    this.retry = undefined;
    if (batch === undefined) {
      const raws = this.queue.take(p.maxBatchSize);
      if (this.queue.size === 0) this.waitingSince = 0;
      const kept: Raw[] = [];
      const items: Item[] = [];
      for (const raw of raws) {
        let item: Item | undefined;
        try {
          item = p.prepare(raw);
        } catch (error) {
          p.onFailure(error instanceof Error ? error : new Error(String(error)));
        }
        if (item === undefined) {
          p.onDrop(p.kind, p.levelOf(raw), 'invalid', 1);
          continue;
        }
        kept.push(raw);
        items.push(item);
      }
      batch = { raws: kept, items };
    }
    if (batch.items.length === 0) return;
    let result: ExportResult;
    try {
      result = await (p.send !== undefined
        ? p.send(batch.items)
        : this.exporter.export(p.toBatch !== undefined ? p.toBatch(batch.items) : ({ kind: p.kind, items: batch.items } as ExportBatch)));
    } catch (error) {
      // Exporters should return failures; a throwing one is treated as a transient failure.
      result = { ok: false, error: error instanceof Error ? error : new Error(String(error)), retriable: true };
    }
    p.onResult?.(batch.raws, result);
    if (result.ok) return;
    p.onFailure(result.error);
    if (result.retriable) {
      this.retry = batch;
    } else {
      for (const raw of batch.raws) p.onDrop(p.kind, p.levelOf(raw), 'export_failed', 1);
    }
  }
}
