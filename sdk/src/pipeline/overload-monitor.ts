/**
 * Tracks whether the SDK is shedding, so operators get exactly one journal event when shedding starts
 * and one when it stops, instead of one per dropped record. Shedding stops once a whole flush interval
 * passes without a shed entry and the queues are back under half their capacity.
 */

/** What the monitor reports on each transition. */
export interface SheddingTransition {
  state: 'started' | 'stopped';
  /** Entries shed during the episode (only on `stopped`). */
  shed: number;
}

/** The shedding state machine. */
export class OverloadMonitor {
  private shedding = false;
  private shedSinceTick = 0;
  private shedInEpisode = 0;

  constructor(private readonly onTransition: (t: SheddingTransition) => void) {}

  get isShedding(): boolean {
    return this.shedding;
  }

  /** Called for every shed entry. */
  shed(): void {
    this.shedSinceTick++;
    this.shedInEpisode++;
    if (!this.shedding) {
      this.shedding = true;
      this.onTransition({ state: 'started', shed: 0 });
    }
  }

  /** Called once per flush interval with whether every queue is below half its capacity. */
  tick(queuesCalm: boolean): void {
    if (this.shedding && this.shedSinceTick === 0 && queuesCalm) {
      this.shedding = false;
      const shed = this.shedInEpisode;
      this.shedInEpisode = 0;
      this.onTransition({ state: 'stopped', shed });
    }
    this.shedSinceTick = 0;
  }
}
