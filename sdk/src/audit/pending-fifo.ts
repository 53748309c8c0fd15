/**
 * The audit events not yet settled, in call order, for the deadline sweep and the pipeline's hold.
 * An array used as a FIFO rather than a Set: a Set hashes every entry on the call, and V8 creates an
 * object's identity hash with a call into the runtime, which was most of `audit.record()`'s own time
 * in a profile. Entries arrive in call order and, exported in order by a FIFO lane, settle in that
 * order too (an invalid one settles at build, still in order); a settled entry leaves once every
 * older one has. One settled out of order waits for them at most until their ack deadline.
 */

/** What the list needs of an entry. */
export interface PendingEntry {
  readonly settled: boolean;
  /** Ack deadline (ms since the epoch); never decreases in call order. */
  readonly deadline: number;
}

/** Unsettled entries in call order. */
export class PendingFifo<T extends PendingEntry> {
  private items: T[] = [];
  /** Index of the oldest entry that may still be unsettled. */
  private head = 0;
  private open = 0;

  /** Entries added and not yet reported settled. */
  get size(): number {
    return this.open;
  }

  add(entry: T): void {
    this.items.push(entry);
    this.open++;
  }

  /** Reports that one entry (already marked `settled`) settled. */
  settledOne(): void {
    this.open--;
    const items = this.items;
    let head = this.head;
    while (head < items.length && (items[head] as T).settled) head++;
    if (head === items.length) {
      this.items = [];
      this.head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      // Compact once the settled prefix is at least half the array: amortized O(1) per entry.
      this.items = items.slice(head);
      this.head = 0;
    } else {
      this.head = head;
    }
  }

  /**
   * Unsettled entries whose deadline is at or before `now`, oldest first; every unsettled entry when
   * `all`. Deadlines never decrease in call order, so the scan stops at the first one still in time.
   */
  expired(now: number, all: boolean): T[] {
    const out: T[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const entry = this.items[i] as T;
      if (entry.settled) continue;
      if (!all && entry.deadline > now) break;
      out.push(entry);
    }
    return out;
  }
}
