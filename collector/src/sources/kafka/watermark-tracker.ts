/**
 * Per-partition contiguous watermarks. A partition's committable offset only moves past a message once
 * that message and every message received before it on the partition are done (durably written, or
 * sent to the dead-letter topic). Offsets are tracked as received, not as a numeric range: Kafka
 * offsets have holes (compaction, transaction markers) that will never be delivered.
 */

interface Pending {
  offset: bigint;
  done: boolean;
}

class PartitionState {
  /** Received messages not yet passed by the watermark, in offset order. */
  private readonly queue: Pending[] = [];
  private head = 0;
  private readonly byOffset = new Map<bigint, Pending>();
  /** Next offset to read, i.e. what Kafka expects as the committed offset. */
  committable: bigint | undefined;
  committed: bigint | undefined;

  receive(offset: bigint): void {
    const last = this.queue[this.queue.length - 1];
    if (this.byOffset.has(offset) || (last !== undefined && offset <= last.offset) || (this.committable !== undefined && offset < this.committable)) {
      return; // redelivery of something already tracked or already passed
    }
    const entry = { offset, done: false };
    this.queue.push(entry);
    this.byOffset.set(offset, entry);
  }

  complete(offset: bigint): void {
    const entry = this.byOffset.get(offset);
    if (entry === undefined) return;
    entry.done = true;
    while (this.head < this.queue.length && this.queue[this.head]!.done) {
      const passed = this.queue[this.head]!;
      this.byOffset.delete(passed.offset);
      this.committable = passed.offset + 1n;
      this.head++;
    }
    // Compact now and then so the array does not grow with every message ever seen.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  pending(): number {
    return this.queue.length - this.head;
  }
}

/** An offset ready to be committed for one partition. */
export interface CommitPoint {
  topic: string;
  partition: number;
  /** The next offset to read (last contiguous done offset + 1), as Kafka's commit API expects. */
  offset: string;
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`;

/** Tracks the contiguous watermark of every partition a consumer owns. */
export class WatermarkTracker {
  private readonly partitions = new Map<string, { topic: string; partition: number; state: PartitionState }>();

  private state(topic: string, partition: number, create: boolean): PartitionState | undefined {
    const key = keyOf(topic, partition);
    let entry = this.partitions.get(key);
    if (entry === undefined && create) {
      entry = { topic, partition, state: new PartitionState() };
      this.partitions.set(key, entry);
    }
    return entry?.state;
  }

  /** Records that a message was fetched; it holds the watermark until completed. */
  receive(topic: string, partition: number, offset: string): void {
    this.state(topic, partition, true)!.receive(BigInt(offset));
  }

  /** Marks a message done. Unknown partitions or offsets (e.g. revoked meanwhile) are ignored. */
  complete(topic: string, partition: number, offset: string): void {
    this.state(topic, partition, false)?.complete(BigInt(offset));
  }

  /** Forgets a partition: after a rebalance took it away, nothing of it may be committed by this member. */
  revoke(topic: string, partition: number): void {
    this.partitions.delete(keyOf(topic, partition));
  }

  /** Drops every partition not in `owned` (topic → partitions). */
  retainOnly(owned: Readonly<Record<string, readonly number[]>>): Array<{ topic: string; partition: number }> {
    const dropped: Array<{ topic: string; partition: number }> = [];
    for (const { topic, partition } of [...this.partitions.values()]) {
      if (!(owned[topic] ?? []).includes(partition)) {
        this.revoke(topic, partition);
        dropped.push({ topic, partition });
      }
    }
    return dropped;
  }

  /** Partitions whose watermark moved since the last {@link markCommitted}. */
  commitPoints(): CommitPoint[] {
    const points: CommitPoint[] = [];
    for (const { topic, partition, state } of this.partitions.values()) {
      if (state.committable !== undefined && state.committable !== state.committed) {
        points.push({ topic, partition, offset: state.committable.toString() });
      }
    }
    return points;
  }

  /** Records that `points` reached Kafka, so they are not committed again. */
  markCommitted(points: readonly CommitPoint[]): void {
    for (const p of points) {
      const state = this.state(p.topic, p.partition, false);
      if (state !== undefined) state.committed = BigInt(p.offset);
    }
  }

  /** Messages received but not yet passed by the watermark, over all partitions. */
  pending(): number {
    let n = 0;
    for (const { state } of this.partitions.values()) n += state.pending();
    return n;
  }
}
