/**
 * Which records of a write may be stored already, judged from their Kafka offsets.
 *
 * ClickHouse has no unique key that refuses a redelivered span: the ReplacingMergeTree collapses the raw
 * row when parts merge, but the rollup's materialized view counts every inserted row at once. So the sink
 * asks the `spans` table about the spans that may be redelivered and leaves out those it holds. To keep
 * that question off the steady path, a partition is in doubt only:
 * - at its first record in this sink: after a restart or a new assignment, the partition's last consumer
 *   may have written past its last commit;
 * - when its offsets do not follow on from the last write: back, it is consumed again in this process
 *   (a restarted or replaced consumer resumes at the commit); forward, another member consumed it in
 *   between and may have written past its own commit;
 * - after a write in which some of its doubtful records were found stored: the run of redelivered
 *   records may go on into the next batch.
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
        // Several messages' records may also share an offset when they were built apart.
        if (previous === undefined || this.doubtful.has(partition) || (offset !== previous && offset !== previous + 1)) inDoubt.add(partition);
        running.set(partition, offset);
        messageInDoubt = inDoubt.has(partition);
      }
      if (messageInDoubt) doubtful.push(record);
    }
    return doubtful;
  }

  /**
   * Records that `batch` is written (stored, or refused for good): its partitions' offsets move on, and a
   * partition stays in doubt only when some of its `doubtful` records were `found` stored already.
   */
  written(batch: readonly R[], doubtful: readonly R[], found: { has(record: R): boolean }): void {
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
