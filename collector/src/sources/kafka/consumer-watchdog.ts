/**
 * Notices a consumer that stopped making progress while Kafka holds messages for it: no batch has
 * reached the pipeline for `stallAfterMs`, no batch is being handled (a pipeline waiting on its sink
 * is busy, not stalled), and the broker's end of at least one owned partition is past the position
 * the consumer reached, at two checks at least `confirmMs` apart that find the same partition at the
 * same position (a message that arrived just before the first one is fetched long before the second).
 * A consumer that joined with no partitions is judged by the partitions of its topics: the probe then
 * answers with those whose committed offset, i.e. the whole group's progress, is behind their end
 * (a group that assigned nobody anything). kafkajs can end up in either state without a crash event
 * (a fetch loop that stopped, an assignment lost to two joins at once); the process lives on and the
 * pipeline silently stops, so the owner replaces the consumer instead of waiting for an event that
 * never comes.
 */

/** An owned partition whose unread messages the consumer is not fetching. */
export interface BehindPartition {
  topic: string;
  partition: number;
  /**
   * The next offset the consumer would read: past its last message taken, or else the group's
   * committed offset (`undefined`: neither is known; the start of the partition is assumed).
   */
  position: string | undefined;
  /** The broker's end of the partition (its high watermark). */
  end: string;
}

/** An owned partition and the next offset the consumer would read, if it read any since it joined. */
export interface OwnedPosition {
  topic: string;
  partition: number;
  position: bigint | undefined;
}

/**
 * Asks the broker which owned partitions end past the consumer's position; with nothing owned, which
 * partitions of the consumer's topics end past the group's committed offset.
 */
export type BehindProbe = (owned: readonly OwnedPosition[]) => Promise<BehindPartition[]>;

/** What a stall looked like when it was noticed. */
export interface Stall {
  /** Time since the last batch began or ended, or since the last join. */
  silentMs: number;
  behind: BehindPartition[];
}

export interface ConsumerWatchdogOptions {
  stallAfterMs: number;
  /**
   * Least time between the check that finds the consumer behind and the one that confirms it. With
   * nothing owned it is how long the group's committed offsets must stand still, so it is kept long
   * enough for the slowest healthy write of another member.
   */
  confirmMs: number;
  probe: BehindProbe;
  onStall: (stall: Stall) => void;
  /** A failed probe (broker unreachable, say): nothing is concluded from it. */
  onProbeError: (err: unknown) => void;
  now?: () => number;
}

const keyOf = (topic: string, partition: number): string => `${partition}:${topic}`;

export class ConsumerWatchdog {
  private readonly now: () => number;
  private lastProgressAt: number;
  private handling = 0;
  private owned: Array<{ topic: string; partition: number }> = [];
  /** False until the first join: before it, there is nothing to judge. */
  private joined = false;
  private readonly positions = new Map<string, bigint>();
  private probing = false;
  /** The first check that found the consumer silent and behind: when, the progress time it saw, and what. */
  private suspect: { at: number; progressAt: number; behind: Set<string> } | undefined;

  constructor(private readonly options: ConsumerWatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.lastProgressAt = this.now();
  }

  /** A join: the owned partitions are these, and nothing is known of where the consumer stands in them. */
  assigned(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.owned = Object.entries(assignment).flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })));
    this.positions.clear();
    this.joined = true;
    this.lastProgressAt = this.now();
  }

  /** The consumer was replaced or restarted: it gets a whole period before it is judged again. */
  restarted(): void {
    this.lastProgressAt = this.now();
  }

  batchStarted(): void {
    this.handling++;
    this.lastProgressAt = this.now();
  }

  /** `next`: the offset after the last message taken from the batch (`undefined`: none taken). */
  batchEnded(topic: string, partition: number, next: bigint | undefined): void {
    this.handling--;
    this.lastProgressAt = this.now();
    if (next !== undefined) this.positions.set(keyOf(topic, partition), next);
  }

  /**
   * Runs one check. The probe is asked only once the consumer has been silent for `stallAfterMs`
   * with no batch in hand; a stall is reported when a later check, `confirmMs` on, finds it still
   * silent and the same partitions behind at the same positions, and at most once per silent period.
   */
  async check(): Promise<Stall | undefined> {
    if (this.probing || this.handling > 0 || !this.joined) return undefined;
    const progressAt = this.lastProgressAt;
    const silentMs = this.now() - progressAt;
    if (silentMs < this.options.stallAfterMs) return undefined;
    this.probing = true;
    try {
      const owned = this.owned.map((o) => ({ ...o, position: this.positions.get(keyOf(o.topic, o.partition)) }));
      const behind = await this.options.probe(owned);
      // A batch that arrived while the broker was asked is progress: the consumer is not stalled.
      if (behind.length === 0 || this.handling > 0 || this.lastProgressAt !== progressAt) {
        this.suspect = undefined;
        return undefined;
      }
      const seen = (b: BehindPartition): string => `${b.partition}:${b.topic}@${b.position}`;
      const suspect = this.suspect?.progressAt === progressAt ? this.suspect : undefined;
      const still = suspect === undefined ? [] : behind.filter((b) => suspect.behind.has(seen(b)));
      if (suspect === undefined || still.length === 0) {
        this.suspect = { at: this.now(), progressAt, behind: new Set(behind.map(seen)) };
        return undefined;
      }
      if (this.now() - suspect.at < this.options.confirmMs) return undefined;
      this.suspect = undefined;
      this.lastProgressAt = this.now();
      const stall = { silentMs, behind: still };
      this.options.onStall(stall);
      return stall;
    } catch (err) {
      this.options.onProbeError(err);
      return undefined;
    } finally {
      this.probing = false;
    }
  }
}
