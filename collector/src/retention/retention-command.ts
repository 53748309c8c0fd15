import { Command, InvalidArgumentError } from 'commander';
import { Client, escapeIdentifier } from 'pg';
import { loadConfig } from '../config/load-config';
import { ConfigError } from '../errors/hindsight-error';
import { createProgress } from '../replay/progress-bar';
import { defaultSinkRegistry } from '../sinks/sink-registry';
import { getRunPin, isPinMode, PIN_MODES, pinRun, unpinRun } from './pin-run';
import { retentionTargets, runRetention, type RetentionRunReport, type RetentionTargets } from './retention-job';

const DEFAULT_CONFIG = process.env['HINDSIGHT_CONFIG_FILE'] ?? '/etc/hindsight/collector.yaml';

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function targetsOf(options: { config: string }): RetentionTargets {
  const targets = retentionTargets(loadConfig({ path: options.config, registry: defaultSinkRegistry() }));
  if (!targets.postgres && !targets.clickhouse) {
    throw new ConfigError(`${options.config}: no postgres or clickhouse sink, nothing to apply retention to`);
  }
  return targets;
}

/** Human-readable lines of a retention report. */
export function formatRetentionReport(report: RetentionRunReport): string[] {
  if (report.skipped) return [`skipped: ${report.skipped}`];
  const verb = report.dryRun ? 'would drop' : 'dropped';
  const lines: string[] = [];
  const pg = report.postgres;
  if (pg) {
    const created = Array.isArray(pg.partitionsCreated) ? pg.partitionsCreated.length : pg.partitionsCreated;
    lines.push(`postgres: ${report.dryRun ? 'would create' : 'created'} ${created} journal partition(s) ahead; keeping ${pg.days} days`);
    for (const a of pg.actions) lines.push(`postgres: ${verb} ${a.partition} (${a.rows} rows, ${a.archivedRows} archived for pinned runs)`);
    if (pg.actions.length === 0) lines.push('postgres: no journal partition past retention');
    const d = pg.defaultPartition;
    lines.push(
      `postgres: ${report.dryRun ? 'would delete' : 'deleted'} ${d.deletedRows} row(s) of journal_event_default before ${d.before} ` +
        `(${d.archivedRows} archived for pinned runs)`,
    );
  }
  const ch = report.clickhouse;
  if (ch) {
    for (const a of ch.actions) lines.push(`clickhouse: ${verb} ${a.table} partition ${a.partition} (${a.rows} rows, ${a.archivedRows} archived)`);
    if (ch.actions.length === 0) lines.push('clickhouse: no partition past retention');
    lines.push(`clickhouse: ${report.pinnedIds} pinned id(s) considered`);
  }
  return lines;
}

/** `retention`: one run of the retention job, as the scheduler inside `run` does it. */
export function retentionCommand(): Command {
  return new Command('retention')
    .description('create journal partitions ahead, archive pinned runs, drop partitions past retention and delete the default partition\'s expired rows (Postgres and ClickHouse)')
    .option('-c, --config <file>', 'collector config file; its postgres and clickhouse sinks are the stores', DEFAULT_CONFIG)
    .option('--days <n>', 'days kept in both stores (default: retention.days for Postgres, the sink\'s retentionDays for ClickHouse)', positiveInt)
    .option('--dry-run', 'report what would be created, archived and dropped; change nothing')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nThe audit log (hindsight.audit_event) is never subject to retention.')
    .action(async (options: { config: string; days?: number; dryRun?: boolean; json?: boolean }) => {
      const progress = createProgress({ json: options.json });
      let started = false;
      const report = await runRetention(targetsOf(options), {
        dryRun: options.dryRun === true,
        ...(options.days === undefined ? {} : { days: options.days }),
        onProgress: (done, total, store) => {
          if (!started) progress.start(total, `retention ${store}`);
          started = true;
          progress.update(done, total);
        },
      }).finally(() => progress.stop());
      console.log(options.json === true ? JSON.stringify(report, null, 2) : formatRetentionReport(report).join('\n'));
    });
}

async function withPostgres<T>(options: { config: string }, fn: (db: Client) => Promise<T>): Promise<T> {
  const target = targetsOf(options).postgres;
  if (!target) throw new ConfigError(`${options.config}: no postgres sink; pinning needs Postgres`);
  const db = new Client({ connectionString: target.url, application_name: 'hindsight-pin' });
  await db.connect();
  try {
    if (target.role !== '') await db.query(`SET ROLE ${escapeIdentifier(target.role)}`);
    return await fn(db);
  } finally {
    await db.end();
  }
}

/** `pin <runId>` and `unpin <runId>`: keep a run past retention, or stop keeping it. */
export function pinCommands(): Command[] {
  const pin = new Command('pin')
    .description('keep a run past retention: its rows are archived before their partitions are dropped')
    .argument('<runId>', 'the run id (journal run_id)')
    .option('-c, --config <file>', 'collector config file', DEFAULT_CONFIG)
    .option('--mode <mode>', `${PIN_MODES.join(' | ')}`, 'FULL')
    .option('--note <text>', 'why the run is kept')
    .option('--by <who>', 'who asks (stored with the pin)')
    .option('--dry-run', 'check the run exists and print what would be done')
    .action(async (runId: string, options: { config: string; mode: string; note?: string; by?: string; dryRun?: boolean }) => {
      const mode = options.mode.toUpperCase();
      if (!isPinMode(mode)) throw new ConfigError(`--mode: unknown pin mode "${options.mode}" (expected ${PIN_MODES.join(', ')})`);
      await withPostgres(options, async (db) => {
        if (options.dryRun === true) {
          if ((await getRunPin(db, runId)) === undefined) throw new ConfigError(`run ${runId} not found`);
          console.log(`would pin run ${runId} (${mode})`);
          return;
        }
        if (!(await pinRun(db, runId, mode, { requestedBy: options.by, note: options.note }))) throw new ConfigError(`run ${runId} not found`);
        console.log(`pinned run ${runId} (${mode})`);
      });
    });
  const unpin = new Command('unpin')
    .description('stop keeping a run: its archived rows are removed')
    .argument('<runId>', 'the run id')
    .option('-c, --config <file>', 'collector config file', DEFAULT_CONFIG)
    .action(async (runId: string, options: { config: string }) => {
      await withPostgres(options, async (db) => {
        const removed = await unpinRun(db, runId);
        if (removed === undefined) throw new ConfigError(`run ${runId} not found`);
        console.log(`unpinned run ${runId}; ${removed} archived row(s) removed`);
      });
    });
  return [pin, unpin];
}
