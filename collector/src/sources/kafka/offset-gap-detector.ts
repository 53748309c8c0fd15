/**
 * Detects offsets a consumer group skipped without reading them.
 *
 * When a group's position is below the partition's log start (retention deleted messages the group had
 * not consumed yet), the broker answers a fetch with OFFSET_OUT_OF_RANGE and kafkajs moves the position
 * to the default offset (earliest still held, or latest) without telling the application. The deleted
 * messages are gone from Kafka; the collector cannot bring them back, but it must not skip them silently.
 *
 * Per partition this remembers where the group must go on from: at assignment, the group's committed
 * offset (what kafkajs resumes from); afterwards, one past the highest offset received. A message whose
 * offset is above that position means every offset in between was skipped: a gap of `first − expected`
 * messages. Receiving an offset at or below the position (a redelivery after a rebalance or a retried
 * batch) is never a gap.
 *
 * ASSUMPTION: offsets on the collector's topics are contiguous. They are written by idempotent,
 * non-transactional producers (no transaction markers) and none of them is compacted, so every offset
 * from the log start to the end is a message the consumer receives. A compacted topic or a
 * transactional producer would make this report holes that are no loss.
 *
 * A committed offset of -1 (the group has never committed) sets no expectation: the consumer starts at
 * `fromBeginning`'s default and nothing was skipped. Neither does an unknown one (the committed offset
 * could not be read); the first message received then sets the position.
 */

/** A run of offsets the consumer skipped. */
export interface OffsetGap {
  topic: string;
  partition: number;
  /** The offset the group should have gone on from. */
  expected: string;
  /** The offset received instead. */
  first: string;
  /** Messages skipped: first − expected. */
  skipped: bigint;
}

/** A partition newly assigned, waiting for its committed offset ({@link OffsetGapDetector.expect}). */
export interface NewAssignment {
  topic: string;
  partition: number;
  /** Identifies this assignment of the partition; an answer for an older one is ignored. */
  epoch: number;
}

interface PartitionState {
  epoch: number;
  /** Where the group must go on from; undefined while not known. */
  next: bigint | undefined;
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`;

export class OffsetGapDetector {
  private readonly partitions = new Map<string, PartitionState>();
  private epochs = 0;

  /**
   * A new assignment (topic → partitions, as kafkajs's GROUP_JOIN reports it). Partitions no longer
   * owned are forgotten; partitions kept keep their position (this member received everything up to it,
   * and what it has not finished is still in its batch); partitions new to this member are returned:
   * their committed offset is to be read and passed to {@link expect}.
   */
  assign(owned: Readonly<Record<string, readonly number[]>>): NewAssignment[] {
    const keep = new Set<string>();
    const added: NewAssignment[] = [];
    for (const [topic, partitions] of Object.entries(owned)) {
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        keep.add(key);
        if (this.partitions.has(key)) continue;
        const epoch = ++this.epochs;
        this.partitions.set(key, { epoch, next: undefined });
        added.push({ topic, partition, epoch });
      }
    }
    for (const key of [...this.partitions.keys()]) if (!keep.has(key)) this.partitions.delete(key);
    return added;
  }

  /** Forgets a partition (taken away by a rebalance). */
  revoke(topic: string, partition: number): void {
    this.partitions.delete(keyOf(topic, partition));
  }

  /**
   * The group's committed offset for a newly assigned partition (`-1`, or any negative value: nothing
   * committed). Ignored when the partition was reassigned since (another epoch) or when a message was
   * already received (the position is known then).
   */
  expect(topic: string, partition: number, epoch: number, committed: string): void {
    const state = this.partitions.get(keyOf(topic, partition));
    if (state === undefined || state.epoch !== epoch || state.next !== undefined) return;
    const offset = BigInt(committed);
    if (offset >= 0n) state.next = offset;
  }

  /**
   * A message received, in the partition's fetch order. Returns the gap when its offset is past the
   * position the group had to go on from. Messages of partitions not assigned are ignored.
   */
  receive(topic: string, partition: number, offset: string): OffsetGap | undefined {
    const state = this.partitions.get(keyOf(topic, partition));
    if (state === undefined) return undefined;
    const at = BigInt(offset);
    let gap: OffsetGap | undefined;
    if (state.next !== undefined && at > state.next) {
      gap = { topic, partition, expected: state.next.toString(), first: offset, skipped: at - state.next };
    }
    if (state.next === undefined || at >= state.next) state.next = at + 1n;
    return gap;
  }

  /** The position of a partition (for tests and diagnostics); undefined when unknown or not assigned. */
  position(topic: string, partition: number): string | undefined {
    return this.partitions.get(keyOf(topic, partition))?.next?.toString();
  }
}
