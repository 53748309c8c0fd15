/**
 * Which records of a write may be stored already, judged from their Kafka offsets.
 *
 * ClickHouse has no unique key that refuses a redelivered span: the ReplacingMergeTree collapses the raw
 * row when parts merge, but the rollup's materialized view counts every inserted row at once. So the sink
 * asks the `spans` table about the spans that may be redelivered and leaves out those it holds. To keep
 * that question off the steady path, a partition is in doubt only:
 * - at its first record in this sink: after a restart or a new assignment, the partition's last consumer
 *   may have written past its last commit;
 * - when its offsets do not follow on from the last write (or from the batch's record before): back or
 *   the same offset again, it is consumed again in this process (a restarted or replaced consumer
 *   resumes at the commit, possibly while records it took before wait in the same batch); forward,
 *   another member consumed it in between and may have written past its own commit;
 * - after a write in which some of its doubtful records were found stored: the run of redelivered
 *   records may go on into the next batch;
 * - after the consumer's assignment changed ({@link RedeliveryWatch.forget}): a partition handed to
 *   another member and back may continue exactly where this sink's last write ended while the other
 *   member wrote past its commit; the offsets alone cannot tell.
 * A write in which none of a partition's doubtful records were stored ends its doubt: a partition is
 * written in offset order, so nothing after a record that was never written was written either.
 */
import type { Origin } from '../records';

/** A record's partition as the watch keys it: `topic/partition`. */
export function partitionOf(origin: Origin): string {
  return `${origin.topic}/${origin.partition}`;
}

export class RedeliveryWatch<R extends { readonly origin: Origin }> {
  /** Per partition, the offset of the last record of the last write. */
  private readonly lastOffset = new Map<string, number>();
  /** Partitions whose last write found some of its records stored already. */
  private readonly doubtful = new Set<string>();
  private forgotten = 0;

  /** Counts {@link forget} calls: a write judged before one records nothing after it. */
  get generation(): number {
    return this.forgotten;
  }

  /** Forgets every partition's position: their next records are in doubt (the assignment changed). */
  forget(): void {
    this.forgotten++;
    this.lastOffset.clear();
    this.doubtful.clear();
  }

  /** The records of `batch` that may be stored already, in batch order. Changes nothing. */
  inDoubt(batch: readonly R[]): R[] {
    const doubtful: R[] = [];
    const running = new Map<string, number>();
    const inDoubt = new Set<string>();
    // The records of one message (the spans of one OTLP export) share their origin object and follow
    // each other: each message is judged once, not each of its records.
    let origin: Origin | undefined;
    let messageInDoubt = false;
    for (const record of batch) {
      if (record.origin !== origin) {
        origin = record.origin;
        const partition = partitionOf(origin);
        const offset = Number(origin.offset);
        const previous = running.get(partition) ?? this.lastOffset.get(partition);
        // A message's records share its origin object. Another origin at the same offset is the same
        // message again: decoded anew by a consumer that read the partition again (in this batch behind
        // its first copy, or after the last write), so it is in doubt like any step back.
        if (previous === undefined || this.doubtful.has(partition) || offset !== previous + 1) inDoubt.add(partition);
        running.set(partition, offset);
        messageInDoubt = inDoubt.has(partition);
      }
      if (messageInDoubt) doubtful.push(record);
    }
    return doubtful;
  }

  /**
   * Records that `batch` is written (stored, or refused for good): its partitions' offsets move on, and a
   * partition stays in doubt only when some of its `doubtful` records were `found` stored already. A
   * write judged in an earlier `generation` (the assignment changed while it ran) records nothing.
   */
  written(batch: readonly R[], doubtful: readonly R[], found: { has(record: R): boolean }, generation = this.forgotten): void {
    if (generation !== this.forgotten) return;
    let origin: Origin | undefined;
    for (const record of batch) {
      if (record.origin === origin) continue;
      origin = record.origin;
      this.lastOffset.set(partitionOf(origin), Number(origin.offset));
    }
    const probed = new Set<string>();
    const stored = new Set<string>();
    for (const record of doubtful) {
      const partition = partitionOf(record.origin);
      probed.add(partition);
      if (found.has(record)) stored.add(partition);
    }
    for (const partition of probed) {
      if (stored.has(partition)) this.doubtful.add(partition);
      else this.doubtful.delete(partition);
    }
  }
}
