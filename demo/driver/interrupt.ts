/**
 * Ctrl-C handling of the demo. The first SIGINT/SIGTERM aborts the traffic and makes every pending
 * step reject with {@link Interrupted}, so the demo goes straight to stopping its children cleanly.
 * `npm run` forwards the terminal's SIGINT to the demo, which then gets it twice at once: repeats within
 * 1.5 s are that echo; a later one is a second Ctrl-C and forces the stop.
 */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted (${signal})`);
  }
}

export class Interrupt {
  readonly controller = new AbortController();
  private firstAt = 0;
  private signal: NodeJS.Signals = 'SIGINT';
  private readonly waiting = new Set<(err: Interrupted) => void>();

  constructor(onFirst: (signal: NodeJS.Signals) => void, onForce: () => void) {
    const handler = (signal: NodeJS.Signals) => {
      if (this.firstAt === 0) {
        this.firstAt = Date.now();
        this.signal = signal;
        onFirst(signal);
        this.controller.abort();
        for (const reject of this.waiting) reject(new Interrupted(signal));
      } else if (Date.now() - this.firstAt > 1500) {
        onForce();
      }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  get interrupted(): boolean {
    return this.firstAt !== 0;
  }

  /** `promise`, or a rejection with {@link Interrupted} as soon as the demo is interrupted. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.interrupted) return Promise.reject(new Interrupted(this.signal));
    return new Promise<T>((resolve, reject) => {
      this.waiting.add(reject);
      promise.then(resolve, reject).finally(() => this.waiting.delete(reject));
    });
  }

  /** Resolves when the demo is interrupted (for --keep). */
  wait(): Promise<void> {
    return this.race(new Promise<void>(() => undefined)).catch(() => undefined);
  }
}
