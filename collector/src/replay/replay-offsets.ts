import type { Admin } from 'kafkajs';

/** The offsets a replay reads from one partition: [start, end). */
export interface PartitionRange {
  topic: string;
  partition: number;
  start: string;
  /** The high watermark when the replay began: what arrives later is not part of this replay. */
  end: string;
}

/** Where a replay starts reading. */
export interface StartAt {
  /** Start at the first message whose Kafka timestamp is at or after this. */
  from?: Date;
  /** Start at most this many messages before the end of each partition. */
  lastMessages?: number;
}

const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * The ranges to read, per partition of `topics`. Seeking by time uses the broker's time index
 * (`fetchTopicOffsetsByTimestamp`): a message's Kafka timestamp is when it was produced, never before
 * the event it carries, so nothing with a record time at or after `from` lies before that offset.
 * Seeking only saves reading: the records are filtered by their own time afterwards in any case.
 */
export async function planRanges(admin: Admin, topics: readonly string[], at: StartAt = {}): Promise<PartitionRange[]> {
  const ranges: PartitionRange[] = [];
  for (const topic of topics) {
    const watermarks = await admin.fetchTopicOffsets(topic);
    const byTime = at.from ? await admin.fetchTopicOffsetsByTimestamp(topic, at.from.getTime()) : undefined;
    // A broker that honours timestamps answers the epoch with the first offset; one that answers it
    // with the end (librdkafka's mock cluster) has no time index, and the replay reads from the start.
    const byEpoch = at.from ? await admin.fetchTopicOffsetsByTimestamp(topic, 0) : undefined;
    for (const w of watermarks) {
      const low = BigInt(w.low);
      const high = BigInt(w.high);
      let start = low;
      const timed = byTime?.find((t) => t.partition === w.partition);
      const epoch = byEpoch?.find((t) => t.partition === w.partition);
      const indexed = epoch !== undefined && (low === high || BigInt(epoch.offset) === low);
      // -1: no message at or after that time; the partition has nothing to replay.
      if (timed && indexed) start = BigInt(timed.offset) < 0n ? high : max(start, BigInt(timed.offset));
      if (at.lastMessages !== undefined) start = max(start, high - BigInt(at.lastMessages));
      ranges.push({ topic, partition: w.partition, start: String(start), end: String(high) });
    }
  }
  return ranges;
}

/** Messages the ranges hold in total (for the progress bar and dry runs). */
export function messagesIn(ranges: readonly PartitionRange[]): number {
  return ranges.reduce((n, r) => n + Math.max(0, Number(BigInt(r.end) - BigInt(r.start))), 0);
}
