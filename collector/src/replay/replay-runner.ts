import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EachBatchPayload, Kafka } from 'kafkajs';
import { decodeMessage, type DecodeSource } from '../decoding/decode-message';
import { ERROR_CODES } from '../errors/codes';
import { TransientError } from '../errors/hindsight-error';
import type { RecordKind, SinkRecord } from '../sinks/records';
import type { Sink } from '../sinks/sink';
import { compileFilter, mostRecent, type ReplayFilter } from './replay-filter';
import { messagesIn, planRanges, type PartitionRange } from './replay-offsets';
import type { Progress } from './progress-bar';

/** A sink a replay writes to, and which of the replayed topics feed it (from its pipeline). */
export interface ReplayTarget {
  name: string;
  accepts: readonly RecordKind[];
  topics: ReadonlySet<string>;
  /** Absent in a dry run. */
  sink?: Sink;
}

/** Options of {@link runReplay}. */
export interface ReplayOptions {
  kafka: Kafka;
  /** The replay's throwaway consumer group is `<groupPrefix>.replay.<random>`; it never commits. */
  groupPrefix: string;
  /** How each topic is decoded (from the config's sources). */
  sources: ReadonlyMap<string, DecodeSource>;
  targets: readonly ReplayTarget[];
  filter?: ReplayFilter;
  /** Keep only the N most recent matching records (by record time). */
  last?: number;
  /** Count what would be replayed; write nothing. */
  dryRun?: boolean;
  /** Records per sink write. Default 500. */
  batchSize?: number;
  /** Give up when no message arrives for this long (includes joining the group). Default 60 s. */
  idleTimeoutMs?: number;
  progress?: Progress;
}

/** Per sink: records that matched the filter, were written, were refused by the store. */
export interface SinkTally {
  matched: number;
  written: number;
  rejected: number;
}

/** What a replay did. */
export interface ReplayReport {
  dryRun: boolean;
  ranges: PartitionRange[];
  messages: number;
  /** Messages that could not be decoded (the live pipeline dead-letters them; replay skips them). */
  undecodable: number;
  sinks: Record<string, SinkTally>;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

async function writeWithRetry(target: ReplayTarget, records: SinkRecord[], tally: SinkTally): Promise<void> {
  const sink = target.sink;
  if (sink === undefined || records.length === 0) return;
  for (let attempt = 0; ; attempt++) {
    const result = await sink.write(records);
    if (result.status === 'written') {
      tally.written += records.length;
      return;
    }
    if (result.status === 'partial') {
      tally.rejected += result.rejected.length;
      tally.written += records.length - result.rejected.length;
      return;
    }
    if (attempt >= 5) throw new TransientError(ERROR_CODES.sinkUnavailable, `replay: sink ${target.name} keeps failing: ${result.error.message}`, result.error);
    await sleep(Math.min(200 * 2 ** attempt, 5_000));
  }
}

/**
 * Replays Kafka messages into sinks: plans [start, end) per partition (end = the high watermark when
 * the replay begins), reads them with a throwaway consumer group, decodes them with the pipeline's
 * decoder, filters, and writes through the same Sink implementations the pipeline uses. Sinks are
 * idempotent (unique event ids, ReplacingMergeTree), so a replay adds only what is missing.
 */
export async function runReplay(options: ReplayOptions): Promise<ReplayReport> {
  const topics = [...options.sources.keys()];
  const admin = options.kafka.admin();
  await admin.connect();
  let ranges: PartitionRange[];
  try {
    ranges = await planRanges(admin, topics, {
      ...(options.filter?.from ? { from: options.filter.from } : {}),
      // Without other criteria the N most recent records lie within the last N messages of each partition.
      ...(options.last !== undefined && onlyLast(options.filter) ? { lastMessages: options.last } : {}),
    });
  } finally {
    await admin.disconnect();
  }
  const report: ReplayReport = { dryRun: options.dryRun === true, ranges, messages: 0, undecodable: 0, sinks: {} };
  for (const t of options.targets) report.sinks[t.name] = { matched: 0, written: 0, rejected: 0 };
  const open = new Map(ranges.filter((r) => BigInt(r.start) < BigInt(r.end)).map((r) => [key(r.topic, r.partition), r]));
  const total = messagesIn([...open.values()]);
  options.progress?.start(total, 'replay');
  if (open.size === 0) {
    options.progress?.stop();
    return report;
  }

  const matches = compileFilter(options.filter ?? {});
  const batchSize = options.batchSize ?? 500;
  let pending: SinkRecord[] = [];
  const flush = async (): Promise<void> => {
    const records = pending;
    pending = [];
    for (const t of options.targets) {
      const mine = records.filter((r) => t.topics.has(r.origin.topic) && t.accepts.includes(r.kind));
      const tally = report.sinks[t.name] as SinkTally;
      tally.matched += mine.length;
      if (options.dryRun !== true) {
        for (let i = 0; i < mine.length; i += batchSize) await writeWithRetry(t, mine.slice(i, i + batchSize), tally);
      }
    }
  };

  const groupId = `${options.groupPrefix}.replay.${randomBytes(6).toString('hex')}`;
  const consumer = options.kafka.consumer({ groupId, maxBytesPerPartition: 1024 * 1024 });
  let finish!: () => void;
  let fail!: (err: unknown) => void;
  const done = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  let lastActivity = Date.now();
  const idleMs = options.idleTimeoutMs ?? 60_000;
  const watchdog = setInterval(() => {
    if (Date.now() - lastActivity > idleMs) {
      const left = [...open.values()].map((r) => `${r.topic}[${r.partition}]`).join(', ');
      fail(new TransientError(ERROR_CODES.sinkUnavailable, `replay: nothing received for ${idleMs} ms; unfinished partitions: ${left}`));
    }
  }, 500);

  const eachBatch = async ({ batch, heartbeat }: EachBatchPayload): Promise<void> => {
    const range = open.get(key(batch.topic, batch.partition));
    if (range === undefined) return;
    const source = options.sources.get(batch.topic) as DecodeSource;
    const end = BigInt(range.end);
    for (const message of batch.messages) {
      const offset = BigInt(message.offset);
      if (offset < BigInt(range.start) || offset >= end) continue;
      lastActivity = Date.now();
      report.messages++;
      options.progress?.increment();
      const decoded = decodeMessage(message.value, source, { topic: batch.topic, partition: batch.partition, offset: message.offset });
      if (!decoded.ok) {
        report.undecodable++;
        continue;
      }
      pending.push(...decoded.records.filter(matches));
    }
    if (options.last !== undefined) {
      if (pending.length > 4 * options.last) pending = mostRecent(pending, options.last);
    } else if (pending.length >= batchSize) {
      await flush();
    }
    await heartbeat();
    if (BigInt(batch.lastOffset()) >= end - 1n) open.delete(key(batch.topic, batch.partition));
    if (open.size === 0) finish();
  };

  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
    for (const r of open.values()) consumer.seek({ topic: r.topic, partition: r.partition, offset: r.start });
    await done;
  } finally {
    clearInterval(watchdog);
    await consumer.disconnect().catch(() => undefined);
    options.progress?.stop();
  }
  if (options.last !== undefined) pending = mostRecent(pending, options.last);
  await flush();
  await deleteGroup(options.kafka, groupId);
  return report;
}

function onlyLast(filter: ReplayFilter | undefined): boolean {
  if (filter === undefined) return true;
  return !(filter.eventIds?.length || filter.kinds?.length || filter.names?.length || filter.correlationId || filter.from || filter.to);
}

/** Removes the throwaway group; a broker that cannot (the test mock) keeps an empty group, which is harmless. */
async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // nothing was committed to it, so a leftover group holds no offsets that could mislead anyone
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
