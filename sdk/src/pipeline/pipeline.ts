/**
 * Runs the background side of the SDK: a timer that flushes every lane, a prompt flush when a lane
 * fills a batch (or has audit waiting), the overload monitor's tick, and the ordered, time-bounded
 * drain at `flush()` and `shutdown()`. Nothing here runs on the app's call path except `nudge()`,
 * which only schedules work.
 */
import type { Exporter } from '../exporter/exporter';
import type { Diagnostics } from '../diagnostics/diagnostics';
import type { Lane } from './lane';
import type { OverloadMonitor } from './overload-monitor';

/** Owns the lanes and their flushing. */
export class Pipeline {
  // Lanes hold different entry types; the pipeline only schedules them.
  private readonly lanes: Lane<any, any>[] = [];
  private readonly tickHooks: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private scheduled = false;
  /** Lanes a `nudge` asked to flush at the next turn of the event loop. */
  private readonly nudged = new Set<Lane<any, any>>();
  private stopped = false;

  constructor(
    private readonly exporter: Exporter,
    private readonly flushIntervalMs: number,
    private readonly monitor: OverloadMonitor,
    private readonly diagnostics: Diagnostics,
  ) {}

  add<L extends Lane<any, any>>(lane: L): L {
    this.lanes.push(lane);
    return lane;
  }

  /** Runs `hook` on every tick (audit deadlines). */
  onTick(hook: () => void): void {
    this.tickHooks.push(hook);
  }

  start(): void {
    // unref: the SDK's timer must never keep an app alive that has otherwise finished.
    this.timer = setInterval(() => this.tick(), this.flushIntervalMs);
    this.timer.unref();
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /**
   * Keeps the process alive while something awaits the pipeline (a pending audit promise): without
   * it, an app awaiting `audit.record()` with nothing else to do would exit with the promise pending.
   */
  hold(held: boolean): void {
    if (held) this.timer?.ref();
    else this.timer?.unref();
  }

  /**
   * Asks for a flush of `lane` soon, once per turn of the event loop however often it is called. Only
   * the lanes asked for are flushed: an audit event must not drag one-entry span and log batches (each
   * a Kafka request) along with it; those lanes wait for a full batch or the timer.
   */
  nudge(lane: Lane<any, any>): void {
    if (this.stopped) return;
    this.nudged.add(lane);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const lanes = [...this.nudged];
      this.nudged.clear();
      for (const l of lanes) this.flushLane(l);
    });
  }

  private flushLane(lane: Lane<any, any>): void {
    lane.flushOnce().catch((error: unknown) => this.diagnostics.report(error, 'overload'));
  }

  private flushLanes(): void {
    for (const lane of this.lanes) this.flushLane(lane);
  }

  private tick(): void {
    try {
      for (const hook of this.tickHooks) hook();
      this.flushLanes();
      this.monitor.tick(this.lanes.every((l) => l.queue.size < l.queue.capacity / 2));
    } catch (error) {
      this.diagnostics.report(error, 'overload');
    }
  }

  /** Sends everything queued, waiting at most `timeoutMs`; true when all of it was acknowledged. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      for (const hook of this.tickHooks) hook();
      const drained = Promise.all(this.lanes.map((l) => l.drain(deadline))).then((r) => r.every(Boolean));
      const ok = await Promise.race([drained, timedOut]);
      await Promise.race([this.exporter.forceFlush(), timedOut]);
      return ok;
    } catch (error) {
      this.diagnostics.report(error, 'shutdown');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Flushes within `timeoutMs`, counts what is left as dropped, and closes the exporter. */
  async shutdown(timeoutMs: number): Promise<boolean> {
    if (this.stopped) return true;
    const started = Date.now();
    const ok = await this.flush(timeoutMs);
    this.stopped = true;
    clearInterval(this.timer);
    for (const hook of this.tickHooks) hook();
    for (const lane of this.lanes) lane.abandon();
    const left = Math.max(10, timeoutMs - (Date.now() - started));
    await Promise.race([this.exporter.shutdown(), new Promise((r) => setTimeout(r, left).unref())]);
    return ok;
  }
}
