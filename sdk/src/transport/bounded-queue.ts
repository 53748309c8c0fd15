/**
 * A bounded in-memory queue with the SDK's shedding policy. A quarter of the capacity is kept for
 * high-priority entries (WARN/ERROR logs and journal events, failed spans): once the queue is three
 * quarters full, low-priority entries (DEBUG/INFO, ordinary spans) are shed, and a high-priority
 * entry arriving at a full queue evicts the oldest low-priority one. Memory stays bounded: when the
 * queue is full of high-priority entries, even those are dropped, and every drop is reported.
 */

/** Why an entry did not reach the exporter. */
export type DropReason = 'queue_full' | 'evicted' | 'export_failed' | 'invalid' | 'shutdown';

/** Called for every dropped entry, with the entry's level label (e.g. INFO) for the drop counters. */
export type DropListener<T> = (entry: T, reason: DropReason) => void;

/** A bounded FIFO that sheds low-priority entries first. */
export class BoundedQueue<T> {
  private items: T[] = [];
  private readonly lowLimit: number;

  constructor(
    /** Most entries held. */
    readonly capacity: number,
    private readonly isHighPriority: (entry: T) => boolean,
    private readonly onDrop: DropListener<T>,
  ) {
    this.lowLimit = Math.max(1, capacity - Math.ceil(capacity / 4));
  }

  /** Entries waiting. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an entry if the policy allows; returns false when it was shed. */
  offer(entry: T): boolean {
    const n = this.items.length;
    if (n < this.lowLimit) {
      this.items.push(entry);
      return true;
    }
    if (!this.isHighPriority(entry)) {
      this.onDrop(entry, 'queue_full');
      return false;
    }
    if (n < this.capacity) {
      this.items.push(entry);
      return true;
    }
    // Full: make room by evicting the oldest low-priority entry, if there is one.
    const victim = this.items.findIndex((e) => !this.isHighPriority(e));
    if (victim === -1) {
      this.onDrop(entry, 'queue_full');
      return false;
    }
    const [evicted] = this.items.splice(victim, 1);
    this.onDrop(evicted as T, 'evicted');
    this.items.push(entry);
    return true;
  }

  /** Removes and returns up to `max` of the oldest entries. */
  take(max: number): T[] {
    if (this.items.length <= max) {
      const all = this.items;
      this.items = [];
      return all;
    }
    return this.items.splice(0, max);
  }

  /**
   * Puts entries that failed to export back at the head, keeping order, as far as room allows;
   * the rest are dropped with `reason`.
   */
  requeue(entries: T[], reason: DropReason): void {
    const room = Math.max(0, this.capacity - this.items.length);
    const kept = entries.slice(0, room);
    for (const e of entries.slice(room)) this.onDrop(e, reason);
    this.items = kept.concat(this.items);
  }

  /** Removes the entries `pred` selects, without reporting them as drops (the caller settles them). */
  removeWhere(pred: (entry: T) => boolean): T[] {
    const removed: T[] = [];
    this.items = this.items.filter((e) => (pred(e) ? (removed.push(e), false) : true));
    return removed;
  }

  /** Drops everything left, reporting each entry. */
  clear(reason: DropReason): void {
    const all = this.take(this.items.length);
    for (const e of all) this.onDrop(e, reason);
  }
}
