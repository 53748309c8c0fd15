/**
 * Counts what the SDK dropped, per kind, level and reason, and tells the overload monitor. The counts
 * are exported as the OpenTelemetry counter `hindsight_sdk_dropped_total` and readable in process
 * through `handle.stats()`.
 */
import type { Counter } from '@opentelemetry/api';
import type { TelemetryKind } from '../exporter/exporter';
import type { DropReason } from '../transport/bounded-queue';

/** Drop counts keyed `kind/level/reason`, e.g. `logs/INFO/queue_full`. */
export type DropCounts = Record<string, number>;

/** Running totals of dropped entries. */
export class DropCounters {
  private readonly counts = new Map<string, number>();
  private counter: Counter | undefined;

  constructor(private readonly onShed: () => void) {}

  /** Connects the OpenTelemetry counter once the meter exists. */
  bind(counter: Counter): void {
    this.counter = counter;
  }

  record(kind: TelemetryKind, level: string, reason: DropReason, count: number): void {
    const key = `${kind}/${level}/${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.counter?.add(count, { kind, level, reason });
    if (reason === 'queue_full' || reason === 'evicted') this.onShed();
  }

  /** A copy of the totals. */
  snapshot(): DropCounts {
    return Object.fromEntries(this.counts);
  }
}
