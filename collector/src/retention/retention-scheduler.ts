import type { RetentionConfig } from '../config/schema';
import type { Logger } from '../telemetry/logger';
import { runRetention, type RetentionRunReport, type RetentionTargets } from './retention-job';

/**
 * Runs the retention job inside `hindsight-collector run`: first after `initialDelaySeconds`, then
 * every `intervalMinutes`. Runs never overlap; a failed run is logged and the next one tries again
 * (retention is idempotent: what was dropped is simply not found next time).
 */
export class RetentionScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly config: RetentionConfig,
    private readonly targets: RetentionTargets,
    private readonly logger: Logger,
    private readonly run: (targets: RetentionTargets) => Promise<RetentionRunReport> = (t) => runRetention(t),
  ) {}

  /** Arms the timer; does nothing when retention is disabled or there is no store to manage. */
  start(): void {
    if (!this.config.enabled) {
      this.logger.info('retention job disabled (retention.enabled: false)');
      return;
    }
    if (!this.targets.postgres && !this.targets.clickhouse) return;
    this.schedule(this.config.initialDelaySeconds * 1000);
  }

  /** Stops the timer and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.schedule(this.config.intervalMinutes * 60_000);
      });
    }, delayMs);
    // The collector's lifetime is decided by its consumers and signals, never by this timer.
    this.timer.unref();
  }

  private async runOnce(): Promise<void> {
    try {
      const report = await this.run(this.targets);
      if (report.skipped) {
        this.logger.info('retention skipped', { reason: report.skipped });
        return;
      }
      this.logger.info('retention done', {
        postgresDropped: report.postgres?.actions.map((a) => a.partition) ?? [],
        postgresArchivedRows: report.postgres?.actions.reduce((n, a) => n + a.archivedRows, 0) ?? 0,
        postgresDefaultRowsDeleted: report.postgres?.defaultPartition.deletedRows ?? 0,
        postgresDefaultRowsArchived: report.postgres?.defaultPartition.archivedRows ?? 0,
        clickhouseDropped: report.clickhouse?.actions.map((a) => `${a.table}/${a.partition}`) ?? [],
        clickhouseArchivedRows: report.clickhouse?.actions.reduce((n, a) => n + a.archivedRows, 0) ?? 0,
      });
    } catch (err) {
      this.logger.error('retention failed; retrying at the next interval', { error: err });
    }
  }
}
