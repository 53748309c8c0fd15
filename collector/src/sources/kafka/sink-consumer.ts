import { setTimeout as sleep } from 'node:timers/promises';
import { timeout, TimeoutStrategy } from 'cockatiel';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { TopicPlan, PipelinePlan } from '../../topology/build-topology';
import { decodeMessage } from '../../decoding/decode-message';
import type { DeadLetter, DeadLetterProducer } from '../../dlq/dead-letter-producer';
import { ERROR_CODES } from '../../errors/codes';
import { HindsightError, PermanentError } from '../../errors/hindsight-error';
import type { SinkGuard } from '../../resilience/sink-guard';
import type { Origin, SinkRecord } from '../../sinks/records';
import type { Sink } from '../../sinks/sink';
import type { CollectorMetrics } from '../../telemetry/collector-metrics';
import type { Logger } from '../../telemetry/logger';
import { WatermarkTracker } from './watermark-tracker';
import { OffsetGapDetector, type NewAssignment, type OffsetGap } from './offset-gap-detector';
import { ConsumerWatchdog, type BehindPartition, type OwnedPosition, type Stall } from './consumer-watchdog';

/** A message whose records wait in the batch; its bytes are kept in case the sink refuses it. */
interface Buffered {
  origin: Origin;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * Partition batches handed to `eachBatch` at the same time. Each partition's own batches still arrive
 * in order (kafkajs never runs one partition twice at once), so per-partition order, and with it a
 * tenant's audit order, is kept in the shared buffer; only partitions interleave. The sink write stays
 * serialized (one flush chain per sink). Bounds memory to this many fetched partition batches.
 */
export const PARTITIONS_CONSUMED_CONCURRENTLY = 4;

/**
 * Longest the first batch of a newly assigned partition waits for the group's committed offset (read
 * for the offset gap check). Kept well under the session timeout: no heartbeat is sent meanwhile.
 */
const COMMITTED_READ_TIMEOUT_MS = 5000;

/** Delay before the first restart of a consumer kafkajs stopped for good, and the most it grows to. */
const RESTART_FIRST_DELAY_MS = 1000;
const RESTART_MAX_DELAY_MS = 30_000;

/** Longest the stall check waits for the broker's answer (a check without one concludes nothing). */
const STALL_PROBE_TIMEOUT_MS = 10_000;
/** Longest a stalled consumer is given to leave its group before its replacement starts anyway. */
const REPLACED_DISCONNECT_TIMEOUT_MS = 30_000;

/** Why an offset gap happens and what to do, as logged with `KAFKA_OFFSET_GAP`. */
const OFFSET_GAP_REASON =
  'the messages were deleted by retention before this consumer group read them (the broker answered OFFSET_OUT_OF_RANGE and the consumer moved to an offset it still holds); raise the topic retention or the consumer capacity';

/** Consumer settings shared by every pipeline (from `kafka.*`). */
export interface ConsumerSettings {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** Longest a fetch waits for data (see the `kafka.maxWaitTimeMs` config). */
  maxWaitTimeMs: number;
  fromBeginning: boolean;
  /**
   * A consumer that has taken no batch for this long while its partitions hold unread messages (and
   * it is not busy with a batch) is replaced by a new one (see ConsumerWatchdog).
   */
  stallTimeoutMs: number;
}

/** What /readyz reports for one sink's pipeline. */
export interface PipelineStatus {
  sink: string;
  ready: boolean;
  kafka: 'joined' | 'not joined';
  circuit: 'open' | 'closed';
  detail: string;
  /** The last offset gap this pipeline detected (messages Kafka deleted before they were read). */
  lastOffsetGap?: OffsetGapStatus;
  /** The last stall this pipeline's consumer was replaced for. */
  lastStall?: StallStatus;
}

/** A stalled consumer as /readyz shows it (see ConsumerWatchdog). */
export interface StallStatus {
  readonly at: string;
  readonly silentMs: number;
  /** Partitions found behind: `topic/partition` at position, broker's end. */
  readonly behind: readonly string[];
  /** Stalls detected by this pipeline since it started. */
  readonly count: number;
}

/** An offset gap as /readyz shows it. Reported only: consumption goes on (the data is gone from Kafka). */
export interface OffsetGapStatus {
  topic: string;
  partition: number;
  expectedOffset: string;
  firstOffset: string;
  skipped: number;
  at: string;
  /** Gaps detected by this pipeline since it started. */
  count: number;
}

/**
 * One sink's Kafka consumer: its own group, manual commits up to the contiguous watermark, batches by
 * size and time (and, with `flushWhenCaughtUp`, at once when it has read everything), dead-letters
 * what cannot be decoded or stored. While the sink fails it keeps the batch and retries. At most one
 * full batch is being written while the next one fills: a batch that fills up while the previous
 * write is still running waits for it, so while the sink fails fetching stops too,
 * memory stays bounded and nothing past the unwritten batch is committed. Offsets are committed in the
 * background, coalesced (one commit in flight, the next carries every watermark that moved meanwhile),
 * and once more, awaited, on stop.
 */
export class SinkConsumer {
  /** The kafkajs consumer in use: replaced by a new one when it stalls. */
  private consumer: Consumer;
  private readonly tracker = new WatermarkTracker();
  private readonly gaps = new OffsetGapDetector();
  /** Reads the group's committed offsets for newly assigned partitions (offset gap check). */
  private readonly admin: Admin;
  /** The admin's connect, in flight or done; forgotten only when it fails, so a later check tries again. */
  private adminConnected: Promise<void> | undefined;
  /**
   * Admin requests under way (stall checks, committed-offset reads). stop() lets them end before it
   * disconnects the admin: kafkajs connects it again for a request still retrying.
   */
  private readonly adminWork = new Set<Promise<unknown>>();
  /** The connect, subscribe and run of the consumer in use, while under way (stop() waits for it). */
  private launching: Promise<void> | undefined;
  /** Per partition (`partition:topic`): the committed-offset read its first batch waits for. */
  private readonly expectations = new Map<string, Promise<void>>();
  private lastGap: OffsetGapStatus | undefined;
  private lastStall: StallStatus | undefined;
  private readonly sources: Map<string, TopicPlan>;
  private records: SinkRecord[] = [];
  private messages: Buffered[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** The one flush started by a full batch and not yet awaited (pipelining: fetch while it writes). */
  private inFlight: Promise<void> | undefined;
  /** Batches taken by flush() and not yet written (queued on the chain or being written). */
  private writesPending = 0;
  /** Partitions owned since the last join (`partition:topic`), each true once its last batch reached the end. */
  private caughtUp = new Map<string, boolean>();
  /** The running offset commit, if any; further requests coalesce into one follow-up commit. */
  private committing: Promise<void> | undefined;
  private commitAgain = false;
  private stopping = false;
  private joined = false;
  private failing: string | undefined;
  private heartbeat: (() => Promise<void>) | undefined;
  private readonly abort = new AbortController();
  /** The pending restart after a crash kafkajs does not recover from, and restarts since the last join. */
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private readonly watchdog: ConsumerWatchdog;
  private watchdogTimer: NodeJS.Timeout | undefined;
  /** When kafkajs last finished a fetch (shown when a stall is reported). */
  private lastFetchAt: number | undefined;
  /** True while a stalled consumer is being replaced. */
  private replacing = false;

  constructor(
    private readonly plan: PipelinePlan,
    private readonly kafka: Kafka,
    private readonly sink: Sink,
    private readonly guard: SinkGuard,
    private readonly dlq: DeadLetterProducer,
    private readonly metrics: CollectorMetrics,
    private readonly logger: Logger,
    private readonly settings: ConsumerSettings,
  ) {
    this.sources = new Map(plan.topics.map((t) => [t.topic, t]));
    this.consumer = this.createConsumer();
    this.admin = kafka.admin();
    this.watchdog = new ConsumerWatchdog({
      stallAfterMs: settings.stallTimeoutMs,
      // Half the timeout: with nothing owned, the group's commits must stand still that long.
      confirmMs: Math.floor(settings.stallTimeoutMs / 2),
      probe: (owned) => this.partitionsBehind(owned),
      onStall: (stall) => void this.replaceStalledConsumer(stall),
      onProbeError: (err) => this.logger.debug('stall check could not ask the broker', { error: err }),
    });
  }

  /** A kafkajs consumer for this pipeline's group, its events routed here while it is the one in use. */
  private createConsumer(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.plan.groupId,
      sessionTimeout: this.settings.sessionTimeoutMs,
      heartbeatInterval: this.settings.heartbeatIntervalMs,
      maxWaitTimeInMs: this.settings.maxWaitTimeMs,
      // One batch may be bigger than maxRecords; bound what one fetch brings in.
      maxBytesPerPartition: 1024 * 1024,
    });
    const current = (): boolean => consumer === this.consumer;
    const { GROUP_JOIN, CRASH, DISCONNECT, STOP, FETCH } = consumer.events;
    consumer.on(GROUP_JOIN, (e) => {
      if (!current()) return;
      this.joined = true;
      this.restarts = 0;
      // A rebalance may have taken partitions away: never commit for them again.
      const dropped = this.tracker.retainOnly(e.payload.memberAssignment);
      // Nothing is known of the new assignment's positions until each partition's first batch.
      this.caughtUp = new Map();
      for (const [t, ps] of Object.entries(e.payload.memberAssignment)) for (const p of ps) this.caughtUp.set(`${p}:${t}`, false);
      if (dropped.length > 0) this.logger.info('partitions revoked', { dropped });
      // Partitions may have been written by another member since this one last wrote them.
      this.sink.assignmentChanged?.();
      // Emitted before kafkajs fetches for the new assignment: the read is registered before any batch.
      const added = this.gaps.assign(e.payload.memberAssignment);
      if (added.length > 0) this.readCommitted(added);
      this.watchdog.assigned(e.payload.memberAssignment);
      this.logger.info('joined consumer group', { groupId: this.plan.groupId, assignment: e.payload.memberAssignment });
    });
    consumer.on(CRASH, (e) => {
      if (!current() || this.stopping) {
        // kafkajs arms its own restart right after this event when it deems the error retriable. A
        // consumer stopped or replaced must not come back into the group: stopping it once the restart
        // is armed clears it.
        if (e.payload.restart) setImmediate(() => void consumer.stop().catch(() => undefined));
        return;
      }
      this.joined = false;
      this.logger.error('consumer crashed', { error: e.payload.error, restart: e.payload.restart });
      // kafkajs restarts itself only after errors it deems retriable. After any other (a broker answering
      // a group request with a protocol error, say) its consumer stays stopped, and with it the pipeline,
      // while the process lives on: the consumer is started again here instead, with a growing delay.
      if (!e.payload.restart) this.restartLater();
    });
    consumer.on(DISCONNECT, () => current() && (this.joined = false));
    consumer.on(STOP, () => current() && (this.joined = false));
    consumer.on(FETCH, () => current() && (this.lastFetchAt = Date.now()));
    return consumer;
  }

  /** Joins the group and starts consuming (resolves once the consumer runs, not when it joined). */
  async start(): Promise<void> {
    await this.launch();
    if (this.stopping) return;
    this.watchdog.restarted();
    this.watchdogTimer = setInterval(() => void this.watchdog.check(), this.watchdogIntervalMs());
    this.watchdogTimer.unref();
  }

  /**
   * Connects, subscribes and runs the consumer in use. Subscribing again is harmless for a consumer
   * kafkajs stopped (it kept its subscription) and needed by a new one.
   */
  private launch(): Promise<void> {
    const launching = this.launchSteps();
    this.launching = launching;
    const forget = (): void => {
      if (this.launching === launching) this.launching = undefined;
    };
    launching.then(forget, forget);
    return launching;
  }

  private async launchSteps(): Promise<void> {
    const consumer = this.consumer;
    // stop() may come while this runs (at start, or a replacement or restart in progress): it
    // disconnects the consumer in use, which a connect or group join still under way undoes. So each
    // step looks again, and a consumer that connected or joined after the stop leaves the group.
    await consumer.connect();
    if (this.stopping) return consumer.disconnect();
    await consumer.subscribe({ topics: this.plan.topics.map((t) => t.topic), fromBeginning: this.settings.fromBeginning });
    if (this.stopping) return consumer.disconnect();
    await this.runConsumer(); // resolves once kafkajs joined the group
    if (this.stopping) await consumer.disconnect();
  }

  /** Checks a few times per stall timeout, at most every 5 s. */
  private watchdogIntervalMs(): number {
    return Math.min(5000, Math.max(100, Math.floor(this.settings.stallTimeoutMs / 4)));
  }

  private runConsumer(): Promise<void> {
    const consumer = this.consumer;
    return consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: PARTITIONS_CONSUMED_CONCURRENTLY,
      // A replaced consumer that wakes up later hands nothing on: its batches are read again by the new one.
      eachBatch: (payload) => (consumer === this.consumer ? this.onBatchWatched(payload) : Promise.resolve()),
    });
  }

  /**
   * Owned partitions whose end (high watermark) is past the consumer's position: the offset after the
   * last message it took, or where it resumes (the group's committed offset; with none, the start of
   * the partition if it reads from the beginning). A partition with neither is not judged. With
   * nothing owned, every partition of the pipeline's topics is judged by the group's committed offset.
   */
  private async partitionsBehind(owned: readonly OwnedPosition[]): Promise<BehindPartition[]> {
    const ask = (): Promise<BehindPartition[]> => this.withAdmin(async (admin) => {
      const topics = owned.length > 0 ? [...new Set(owned.map((o) => o.topic))] : [...this.sources.keys()];
      const ends = new Map<string, { high: string; low: string }>();
      const judged: OwnedPosition[] = [...owned];
      for (const topic of topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          ends.set(`${p.partition}:${topic}`, { high: p.high, low: p.low });
          if (owned.length === 0) judged.push({ topic, partition: p.partition, position: undefined });
        }
      }
      const committed = judged.some((o) => o.position === undefined) ? await this.committedOffsets(admin, topics) : new Map<string, string>();
      const behind: BehindPartition[] = [];
      for (const o of judged) {
        const key = `${o.partition}:${o.topic}`;
        const end = ends.get(key);
        if (end === undefined) continue;
        let position = o.position;
        if (position === undefined) {
          const c = committed.get(key);
          if (c !== undefined && BigInt(c) >= 0n) position = BigInt(c);
          else if (this.settings.fromBeginning) position = BigInt(end.low);
        }
        if (position !== undefined && BigInt(end.high) > position) behind.push({ topic: o.topic, partition: o.partition, position: position.toString(), end: end.high });
      }
      return behind;
    });
    return timeout(STALL_PROBE_TIMEOUT_MS, TimeoutStrategy.Aggressive).execute(ask);
  }

  /** Runs `work` with the connected admin, unless stopping; stop() waits for it before disconnecting. */
  private withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    if (this.stopping) return Promise.reject(new Error('the consumer is stopping; the broker is not asked'));
    const run = this.connectedAdmin().then(work);
    this.adminWork.add(run);
    const forget = (): void => void this.adminWork.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** The admin client, connected once; a failed connect is forgotten, so the next request tries again. */
  private async connectedAdmin(): Promise<Admin> {
    // A check given up on by its timeout leaves its connect running: the next one waits for the same.
    this.adminConnected ??= this.admin.connect().catch((err: unknown) => {
      this.adminConnected = undefined;
      throw err;
    });
    await this.adminConnected;
    return this.admin;
  }

  /** The group's committed offsets of `topics`, by `partition:topic` ("-1": none). */
  private async committedOffsets(admin: Admin, topics: readonly string[]): Promise<Map<string, string>> {
    const answer = await admin.fetchOffsets({ groupId: this.plan.groupId, topics: [...topics] });
    const committed = new Map<string, string>();
    for (const t of answer) for (const p of t.partitions) committed.set(`${p.partition}:${t.topic}`, p.offset);
    return committed;
  }

  /**
   * Replaces a stalled consumer by a new one in the same group. The old one is disconnected first, so
   * it leaves the group before the new one joins; a wedged fetch loop may never let it, so after
   * REPLACED_DISCONNECT_TIMEOUT_MS the new one starts anyway and the group drops the old member when
   * its session times out. The new member resumes at the committed offsets; records already taken
   * are written as usual (the sinks are idempotent).
   */
  private async replaceStalledConsumer(stall: Stall): Promise<void> {
    if (this.stopping || this.restartTimer !== undefined || this.replacing) return;
    this.replacing = true;
    try {
      await this.replaceConsumer(stall);
    } finally {
      this.replacing = false;
      this.watchdog.restarted();
    }
  }

  private async replaceConsumer(stall: Stall): Promise<void> {
    this.logger.error('consumer stalled: no batch taken while Kafka holds unread messages for it; replacing it', {
      code: ERROR_CODES.kafkaConsumerStalled,
      groupId: this.plan.groupId,
      silentMs: stall.silentMs,
      behind: stall.behind,
      joined: this.joined,
      lastFetchAgoMs: this.lastFetchAt === undefined ? null : Date.now() - this.lastFetchAt,
      writesPending: this.writesPending,
      recordsWaiting: this.records.length,
    });
    this.metrics.consumerStalls.inc({ sink: this.plan.sinkName });
    this.lastStall = {
      at: new Date().toISOString(),
      silentMs: stall.silentMs,
      behind: stall.behind.map((b) => `${b.topic}/${b.partition} at ${b.position ?? 'start'}, end ${b.end}`),
      count: (this.lastStall?.count ?? 0) + 1,
    };
    const old = this.consumer;
    this.joined = false;
    await timeout(REPLACED_DISCONNECT_TIMEOUT_MS, TimeoutStrategy.Aggressive)
      .execute(() => old.disconnect())
      .catch((err: unknown) => this.logger.warn('the stalled consumer did not disconnect; the group drops it when its session times out', { groupId: this.plan.groupId, error: err }));
    if (this.stopping) return;
    this.consumer = this.createConsumer();
    try {
      await this.launch();
    } catch (err) {
      this.logger.error('starting the replacement consumer failed', { groupId: this.plan.groupId, error: err });
      this.restartLater();
    }
  }

  /**
   * Starts the stopped consumer again after a delay that doubles per attempt up to RESTART_MAX_DELAY_MS
   * (reset by a successful join). Its subscription is kept; records already taken are written as usual,
   * and a partition that comes back is read again from its committed offset (the sinks are idempotent).
   */
  private restartLater(): void {
    if (this.stopping || this.restartTimer !== undefined) return;
    const delay = Math.min(RESTART_MAX_DELAY_MS, RESTART_FIRST_DELAY_MS * 2 ** this.restarts);
    this.restarts += 1;
    this.logger.warn('consumer stopped by a non-retriable error; starting it again', { groupId: this.plan.groupId, delayMs: delay, attempt: this.restarts });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopping) return;
      this.metrics.consumerRestarts.inc({ sink: this.plan.sinkName });
      this.watchdog.restarted();
      this.launch().catch((err: unknown) => {
        this.logger.error('consumer restart failed', { groupId: this.plan.groupId, error: err });
        this.restartLater();
      });
    }, delay);
  }

  /** The sink this pipeline writes to. */
  get sinkName(): string {
    return this.plan.sinkName;
  }

  /** The kafkajs consumer in use: a new one after a stall (tests wedge it through kafkajs's own API). */
  get kafkaConsumer(): Consumer {
    return this.consumer;
  }

  status(): PipelineStatus {
    const health = this.sink.health();
    const open = this.guard.open;
    const ready = this.joined && health.ready && !open && this.failing === undefined && !this.stopping;
    const detail = this.failing ?? health.detail;
    const status: PipelineStatus = { sink: this.plan.sinkName, ready, kafka: this.joined ? 'joined' : 'not joined', circuit: open ? 'open' : 'closed', detail };
    // A gap does not make the pipeline unready: the data is gone from Kafka, and the rest must flow.
    if (this.lastGap !== undefined) status.lastOffsetGap = { ...this.lastGap };
    if (this.lastStall !== undefined) status.lastStall = this.lastStall; // replaced whole, never changed
    return status;
  }

  /**
   * Reads the group's committed offsets of newly assigned partitions: where kafkajs resumes them, and so
   * where their first message must be (see OffsetGapDetector). Each partition's first batch waits for
   * this, at most COMMITTED_READ_TIMEOUT_MS; if it fails, that partition's check starts at its first
   * message. No commit of this member for these partitions can land before it: nothing of them is
   * processed until it ends, and commits of a previous owner carry the previous generation.
   */
  private readCommitted(added: NewAssignment[]): void {
    const topics = [...new Set(added.map((a) => a.topic))];
    const read = async (): Promise<void> => {
      const committed = await this.withAdmin((admin) => this.committedOffsets(admin, topics));
      for (const a of added) {
        const offset = committed.get(`${a.partition}:${a.topic}`);
        if (offset !== undefined) this.gaps.expect(a.topic, a.partition, a.epoch, offset);
      }
    };
    const run: Promise<void> = timeout(COMMITTED_READ_TIMEOUT_MS, TimeoutStrategy.Aggressive)
      .execute(read)
      .catch((err: unknown) => {
        this.logger.warn('could not read committed offsets of new partitions; their offset gap check starts at the first message', {
          groupId: this.plan.groupId,
          partitions: added.map(({ topic, partition }) => ({ topic, partition })),
          error: err,
        });
      })
      .finally(() => {
        for (const a of added) {
          const key = `${a.partition}:${a.topic}`;
          if (this.expectations.get(key) === run) this.expectations.delete(key);
        }
      });
    for (const a of added) this.expectations.set(`${a.partition}:${a.topic}`, run);
  }

  /** Counts, logs and shows a gap; consumption goes on. */
  private reportGap(gap: OffsetGap): void {
    const skipped = Number(gap.skipped);
    this.metrics.offsetGapMessages.inc({ topic: gap.topic, partition: String(gap.partition) }, skipped);
    this.metrics.offsetGaps.inc({ topic: gap.topic });
    this.lastGap = {
      topic: gap.topic,
      partition: gap.partition,
      expectedOffset: gap.expected,
      firstOffset: gap.first,
      skipped,
      at: new Date().toISOString(),
      count: (this.lastGap?.count ?? 0) + 1,
    };
    this.logger.error('offset gap: messages skipped that Kafka no longer holds', {
      code: ERROR_CODES.kafkaOffsetGap,
      sink: this.plan.sinkName,
      groupId: this.plan.groupId,
      topic: gap.topic,
      partition: gap.partition,
      expectedOffset: gap.expected,
      firstOffset: gap.first,
      skipped,
      reason: OFFSET_GAP_REASON,
    });
  }

  /** Hands the batch to onBatch, telling the watchdog when it begins and ends and how far it got. */
  private async onBatchWatched(payload: EachBatchPayload): Promise<void> {
    this.watchdog.batchStarted();
    let next: bigint | undefined;
    try {
      next = await this.onBatch(payload);
    } finally {
      this.watchdog.batchEnded(payload.batch.topic, payload.batch.partition, next);
    }
  }

  /** Returns the offset after the last message taken, if any. */
  private async onBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<bigint | undefined> {
    this.heartbeat = heartbeat;
    const source = this.sources.get(batch.topic);
    if (source === undefined) return undefined;
    const { topic, partition } = batch;
    const key = `${partition}:${topic}`;
    const waiting = this.expectations.get(key);
    if (waiting !== undefined) await waiting;
    const letters: DeadLetter[] = [];
    let consumed = 0;
    let lastTaken: string | undefined;
    for (const message of batch.messages) {
      if (this.stopping || !isRunning() || isStale()) break;
      const origin: Origin = { topic, partition, offset: message.offset };
      const gap = this.gaps.receive(topic, partition, message.offset);
      if (gap !== undefined) this.reportGap(gap);
      this.tracker.receive(topic, partition, message.offset);
      consumed++;
      const decoded = decodeMessage(message.value, source, origin);
      if (!decoded.ok) {
        this.metrics.componentErrors.inc({ component: source.source, error_type: decoded.error.code, stage: 'decode' });
        letters.push({ ...origin, key: message.key, value: message.value, error: decoded.error });
      } else if (decoded.records.length === 0) {
        this.tracker.complete(topic, partition, message.offset);
      } else {
        for (const r of decoded.records) this.records.push(r);
        this.messages.push({ origin, key: message.key, value: message.value });
        this.armTimer();
      }
      lastTaken = message.offset;
      if (this.records.length >= this.plan.batch.maxRecords) {
        await this.sendLetters(letters.splice(0));
        await this.startFlush();
      }
    }
    // kafkajs only keeps the highest resolved offset (where to fetch next): resolving the last message
    // taken once equals resolving each; messages after a break stay unresolved and are fetched again.
    if (lastTaken !== undefined) resolveOffset(lastTaken);
    // Counted per batch, not per message: a labelled increment costs a label lookup each time.
    if (consumed > 0) this.metrics.consumed.inc({ topic }, consumed);
    await this.sendLetters(letters);
    const last = batch.lastOffset();
    const lag = BigInt(batch.highWatermark) - BigInt(last) - 1n;
    this.metrics.lag.set({ topic, partition: String(partition) }, Number(lag < 0n ? 0n : lag));
    if (this.caughtUp.has(key)) this.caughtUp.set(key, lag <= 0n && lastTaken === last);
    // Messages that needed no write (empty, dead-lettered) moved the watermark: commit in the background.
    this.requestCommit();
    this.flushIfCaughtUp();
    // No heartbeat here: kafkajs heartbeats after every batch (when the interval is due) anyway.
    return lastTaken === undefined ? undefined : BigInt(lastTaken) + 1n;
  }

  /**
   * Starts writing the full batch without waiting for it, so kafkajs fetches the next one meanwhile.
   * If the previous full batch is still being written, waits for that first: one write in flight and
   * one batch filling, never more, whatever the sink's speed.
   */
  private async startFlush(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
    // Several partitions may have waited for the same write: the first takes the full batch, each
    // later one sends what gathered while the write before it ran, even if that is less than a batch.
    // That keeps the sink writing back to back under load; holding those records until a batch is
    // full cut the end-to-end maximum by a quarter (docs/benchmarks.md, tenth round).
    const run = this.flushInBackground('flush failed');
    const tracked: Promise<void> = run.finally(() => {
      if (this.inFlight === tracked) this.inFlight = undefined;
    });
    this.inFlight = tracked;
  }

  /**
   * Flushes the waiting partial batch now if `batch.flushWhenCaughtUp` is on, no write is queued or
   * running, and every owned partition's last batch reached its high watermark. It is the timer's
   * flush, only earlier: at the end of a burst nothing more would fill the batch during `maxWaitMs`.
   * While a write runs, records keep gathering, and this runs again when that write ends, so under
   * load batches still grow with the write time (one write at a time, as before).
   */
  private flushIfCaughtUp(): void {
    if (!this.plan.batch.flushWhenCaughtUp || this.stopping || this.writesPending > 0 || this.records.length === 0) return;
    if (this.caughtUp.size === 0) return;
    for (const done of this.caughtUp.values()) if (!done) return;
    void this.flushInBackground('flush failed');
  }

  /** Starts a flush whose outcome nobody awaits: a failure is logged with `message`. */
  private flushInBackground(message: string): Promise<void> {
    return this.flush().catch((err: unknown) => this.logger.error(message, { error: err }));
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushInBackground('timed flush failed');
    }, this.plan.batch.maxWaitMs);
  }

  /**
   * Takes the waiting batch now (so a batch never grows past maxRecords while an earlier write runs)
   * and writes it after the writes before it (serialized: one write at a time per sink), then commits.
   */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.records;
    const messages = this.messages;
    this.records = [];
    this.messages = [];
    this.writesPending++;
    const run = this.chain.then(() => this.writeBatch(records, messages)).finally(() => {
      this.writesPending--;
      this.flushIfCaughtUp();
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async writeBatch(records: SinkRecord[], messages: Buffered[]): Promise<void> {
    if (records.length === 0) return this.requestCommit();
    const end = this.metrics.batchDuration.startTimer({ sink: this.plan.sinkName });
    const rejected = await this.writeUntilStored(records);
    if (rejected === undefined) return; // stopping with the batch unwritten: not committed, consumed again later
    end();
    this.metrics.batchSize.observe({ sink: this.plan.sinkName }, records.length);
    this.metrics.written.inc({ sink: this.plan.sinkName }, records.length - rejected.length);
    if (rejected.length > 0) {
      const byOffset = new Map(messages.map((m) => [`${m.origin.topic}/${m.origin.partition}/${m.origin.offset}`, m]));
      const letters = new Map<string, DeadLetter>();
      for (const { record, error } of rejected) {
        const id = `${record.origin.topic}/${record.origin.partition}/${record.origin.offset}`;
        const m = byOffset.get(id);
        if (m === undefined || letters.has(id)) continue;
        const err = error instanceof HindsightError && !error.retriable ? error : new PermanentError(ERROR_CODES.sinkRejected, error.message, error);
        this.metrics.componentErrors.inc({ component: this.plan.sinkName, error_type: err.code, stage: 'write' });
        letters.set(id, { ...m.origin, key: m.key, value: m.value, error: err });
      }
      if (!(await this.sendLetters([...letters.values()]))) {
        // Stopping before the dead-letter topic took them: the rejected messages stay pending, so the
        // commit stops before them and they are consumed (and rejected) again after the restart.
        for (const m of messages) if (!letters.has(`${m.origin.topic}/${m.origin.partition}/${m.origin.offset}`)) this.tracker.complete(m.origin.topic, m.origin.partition, m.origin.offset);
        this.requestCommit();
        return;
      }
    }
    for (const m of messages) this.tracker.complete(m.origin.topic, m.origin.partition, m.origin.offset);
    this.requestCommit();
  }

  /** Retries (rounds of guarded retries) until the sink stores the batch; undefined when stopping first. */
  private async writeUntilStored(records: SinkRecord[]): Promise<Array<{ record: SinkRecord; error: HindsightError }> | undefined> {
    for (;;) {
      try {
        const result = await this.guard.write(records, this.abort.signal);
        if (this.failing !== undefined) this.logger.info('sink recovered', { sink: this.plan.sinkName });
        this.failing = undefined;
        return result.status === 'partial' ? result.rejected : [];
      } catch (err) {
        const code = err instanceof HindsightError ? err.code : ERROR_CODES.sinkUnavailable;
        this.failing = `write failing: ${code}: ${(err as Error).message}`;
        this.metrics.componentErrors.inc({ component: this.plan.sinkName, error_type: code, stage: 'write' });
        if (this.stopping) return undefined;
        this.logger.warn('sink write failed; batch kept, retrying', { sink: this.plan.sinkName, error: err, records: records.length });
        await this.pauseWhileFailing(this.plan.retry.maxDelayMs);
        if (this.stopping) return undefined;
      }
    }
  }

  /** Waits between retry rounds, heartbeating so a long outage does not cost the group membership. */
  private async pauseWhileFailing(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await sleep(Math.min(this.settings.heartbeatIntervalMs, until - Date.now()));
      await this.safeHeartbeat();
    }
  }

  private async safeHeartbeat(): Promise<void> {
    try {
      await this.heartbeat?.();
    } catch (err) {
      // A rebalance in progress shows up here; kafkajs rejoins after eachBatch returns.
      this.logger.debug('heartbeat failed', { error: err });
    }
  }

  /**
   * Sends dead letters, retrying until Kafka takes them; only then do their offsets count as done.
   * False when a stop came first: they are left pending, so not committed, and consumed again later.
   */
  private async sendLetters(letters: DeadLetter[]): Promise<boolean> {
    if (letters.length === 0) return true;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.dlq.send(letters);
        for (const l of letters) this.tracker.complete(l.topic, l.partition, l.offset);
        return true;
      } catch (err) {
        this.metrics.componentErrors.inc({ component: this.plan.sinkName, error_type: ERROR_CODES.dlqProduceFailed, stage: 'dlq' });
        this.logger.warn('dead-letter produce failed; retrying', { error: err, attempt });
        if (this.stopping) return false; // left pending: not committed, consumed again after restart
        await this.pauseWhileFailing(Math.min(this.plan.retry.maxDelayMs, this.plan.retry.initialDelayMs * 2 ** Math.min(attempt, 16)));
      }
    }
  }

  /**
   * Commits in the background: starts a commit unless one is running, in which case that one runs once
   * more when it ends. Each commit reads the watermarks when it starts, so it never goes past them,
   * and partitions revoked meanwhile are already gone from the tracker.
   */
  private requestCommit(): void {
    if (this.committing !== undefined) {
      this.commitAgain = true;
      return;
    }
    this.committing = (async () => {
      do {
        this.commitAgain = false;
        await this.commit();
      } while (this.commitAgain);
    })().finally(() => (this.committing = undefined));
  }

  /** Waits for the background commit, then commits what is left (stop path). */
  private async commitNow(): Promise<void> {
    while (this.committing !== undefined) await this.committing;
    await this.commit();
  }

  /** Commits every partition whose contiguous watermark moved. */
  private async commit(): Promise<void> {
    const points = this.tracker.commitPoints();
    if (points.length === 0) return;
    try {
      await this.consumer.commitOffsets(points);
      this.tracker.markCommitted(points);
      this.metrics.commits.inc({ sink: this.plan.sinkName });
    } catch (err) {
      // Not fatal: the watermark stays and the next commit carries it; a restart re-writes (idempotent).
      this.metrics.componentErrors.inc({ component: this.plan.sinkName, error_type: ERROR_CODES.kafkaCommitFailed, stage: 'commit' });
      this.logger.warn('offset commit failed', { error: err, points });
    }
  }

  /**
   * Graceful stop: no new messages are taken, the in-flight and waiting batch are written (unless the
   * sink is failing or `deadline` passes), the watermark is committed, then the member leaves the group.
   */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    clearInterval(this.watchdogTimer);
    if (this.failing !== undefined) this.abort.abort();
    const timer = setTimeout(() => this.abort.abort(), Math.max(0, deadline - Date.now() - 1000));
    try {
      while (this.inFlight !== undefined) await this.inFlight;
      await this.flush();
    } catch (err) {
      this.logger.warn('final flush failed; the batch will be consumed again', { error: err });
    } finally {
      clearTimeout(timer);
    }
    // The final commit, awaited: after disconnect kafkajs would drop it silently.
    await this.commitNow();
    await this.consumer.disconnect();
    // A launch under way disconnects its consumer itself once its step ends; admin requests under way
    // (and the admin's connect) are let end, so nothing reconnects after the admin's disconnect. Both
    // within the deadline: past it the process ends anyway.
    await timeout(Math.max(1, deadline - Date.now()), TimeoutStrategy.Aggressive)
      .execute(() => Promise.allSettled([this.launching, ...this.adminWork]))
      .catch(() => undefined);
    if (this.adminConnected !== undefined) await this.admin.disconnect().catch(() => undefined);
  }
}
