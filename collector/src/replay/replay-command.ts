import { Command, InvalidArgumentError, Option } from 'commander';
import { Registry } from 'prom-client';
import { loadConfig } from '../config/load-config';
import type { DecodeSource } from '../decoding/decode-message';
import { ConfigError } from '../errors/hindsight-error';
import type { RecordKind } from '../sinks/records';
import { defaultSinkRegistry } from '../sinks/sink-registry';
import { createKafka } from '../sources/kafka/kafka-setup';
import { createLogger } from '../telemetry/logger';
import { buildTopology, type PipelinePlan } from '../topology/build-topology';
import { createProgress } from './progress-bar';
import { runReplay, type ReplayReport, type ReplayTarget } from './replay-runner';

const DEFAULT_CONFIG = process.env['HINDSIGHT_CONFIG_FILE'] ?? '/etc/hindsight/collector.yaml';
const KINDS: readonly RecordKind[] = ['audit', 'journal', 'span', 'log'];
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

const TIME_EXPECTED = 'expected an ISO time (2026-01-15 or 2026-01-15T10:00:00Z) or a span back from now (15m, 2h, 7d)';
/** ISO 8601 as the records carry it: a date, optionally a time and an offset (none: UTC). */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * An ISO time, or a span back from now: `90s`, `15m`, `2h`, `7d`. Strict: Date.parse would take
 * `1` as 2001, `March 7` as a date in 2001 and 2026-02-30 as March 2, and a bound that became an
 * invalid date would be dropped silently, replaying everything.
 */
export function parseTime(value: string, now = Date.now()): Date {
  const rel = /^(\d+)([smhd])$/.exec(value);
  if (rel) {
    const at = new Date(now - Number(rel[1]) * (UNITS[rel[2] as string] as number));
    if (Number.isNaN(at.getTime())) throw new InvalidArgumentError(`${value} reaches back before any date there is`);
    return at;
  }
  const iso = ISO_TIME.exec(value);
  if (iso === null) throw new InvalidArgumentError(TIME_EXPECTED);
  const [, y, mo, d, h = '0', mi = '0', sec = '0', offset] = iso;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) {
    throw new InvalidArgumentError(`${value} is not a date and time that exists`);
  }
  return new Date(Date.parse(offset === undefined && iso[4] !== undefined ? `${value}Z` : value));
}

const list = (value: string, previous: string[] = []): string[] => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** The pipelines of the sinks named by `--sinks` (a sink name, or a type held by exactly one sink). */
export function choosePipelines(pipelines: readonly PipelinePlan[], wanted: readonly string[] | undefined): PipelinePlan[] {
  if (wanted === undefined || wanted.length === 0) return [...pipelines];
  return wanted.map((w) => {
    const byName = pipelines.find((p) => p.sinkName === w);
    if (byName) return byName;
    const byType = pipelines.filter((p) => p.sinkType === w);
    if (byType.length === 1 && byType[0]) return byType[0];
    const known = pipelines.map((p) => `${p.sinkName} (${p.sinkType})`).join(', ');
    throw new ConfigError(`--sinks: no single sink "${w}" in a pipeline (known: ${known})`);
  });
}

/** Human-readable lines of a replay report. */
export function formatReplayReport(report: ReplayReport): string[] {
  const lines = [`read ${report.messages} message(s) from ${new Set(report.ranges.map((r) => r.topic)).size} topic(s); ${report.undecodable} undecodable`];
  for (const [name, t] of Object.entries(report.sinks)) {
    lines.push(report.dryRun
      ? `${name}: would replay ${t.matched} record(s)`
      : `${name}: ${t.matched} record(s) replayed, ${t.written} written (already stored ones are kept once), ${t.rejected} refused`);
  }
  return lines;
}

interface ReplayCliOptions {
  config: string;
  sinks?: string[];
  eventId?: string[];
  kind?: RecordKind[];
  name?: string[];
  correlationId?: string;
  from?: Date;
  to?: Date;
  last?: number;
  dryRun?: boolean;
  json?: boolean;
}

/** `replay`: re-read Kafka topics into chosen sinks, filtered; idempotent. */
export function replayCommand(): Command {
  return new Command('replay')
    .description('re-read the Kafka topics of chosen sinks and write the matching records again (idempotent)')
    .option('-c, --config <file>', 'collector config file: topics, decoders and sinks come from its pipelines', DEFAULT_CONFIG)
    .option('--sinks <names>', 'comma-separated sink names (or types) to replay into (default: every sink)', list)
    .option('--event-id <ids>', 'only these event ids (span ids, log ids); comma-separated or repeated', list)
    .addOption(new Option('--kind <kinds>', 'only these record kinds: audit, journal, span, log').argParser((v: string, p?: string[]) => {
      const kinds = list(v, p);
      const bad = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
      if (bad.length > 0) throw new InvalidArgumentError(`unknown kind ${bad.join(', ')} (expected ${KINDS.join(', ')})`);
      return kinds;
    }))
    .option('--name <names>', 'only journal kinds / audit actions / span names; a trailing * matches a prefix', list)
    .option('--correlation-id <id>', 'only records of this correlation id')
    .option('--from <time>', 'records at or after this time (ISO 8601, UTC unless it has an offset, or 15m / 2h / 7d ago)', (v: string) => parseTime(v))
    .option('--to <time>', 'records before this time (ISO 8601, UTC unless it has an offset, or 15m / 2h / 7d ago)', (v: string) => parseTime(v))
    .option('--last <n>', 'only the N most recent matching records', positiveInt)
    .option('--dry-run', 'read and count what would be replayed; write nothing')
    .option('--json', 'print the report as JSON')
    .action(async (options: ReplayCliOptions) => {
      if (options.from !== undefined && options.to !== undefined && options.from.getTime() >= options.to.getTime()) {
        throw new ConfigError(`--from (${options.from.toISOString()}) must be before --to (${options.to.toISOString()}): nothing lies between them`);
      }
      const registry = defaultSinkRegistry();
      const config = loadConfig({ path: options.config, registry });
      const plans = choosePipelines(buildTopology(config, registry).pipelines, options.sinks);
      const logger = createLogger('warn', { command: 'replay' });
      const sources = new Map<string, DecodeSource>();
      for (const p of plans) for (const t of p.topics) sources.set(t.topic, { kind: t.kind, maxMessageBytes: t.maxMessageBytes });
      const targets: ReplayTarget[] = [];
      const progress = createProgress({ json: options.json });
      try {
        for (const p of plans) {
          const target: ReplayTarget = { name: p.sinkName, accepts: p.factory.accepts, topics: new Set(p.topics.map((t) => t.topic)) };
          // Listed before its start, so a sink whose start fails is shut down with the others.
          targets.push(target);
          if (options.dryRun !== true) {
            target.sink = await p.factory.create({ name: p.sinkName, options: p.options, metrics: new Registry(), logger: logger.child({ sink: p.sinkName }) });
            await target.sink.start();
          }
        }
        const report = await runReplay({
          kafka: createKafka(config, logger),
          groupPrefix: config.kafka.groupPrefix,
          sources,
          targets,
          filter: {
            eventIds: options.eventId, kinds: options.kind, names: options.name, correlationId: options.correlationId,
            from: options.from, to: options.to,
          },
          ...(options.last === undefined ? {} : { last: options.last }),
          dryRun: options.dryRun === true,
          progress,
        });
        console.log(options.json === true ? JSON.stringify(report, null, 2) : formatReplayReport(report).join('\n'));
      } finally {
        await Promise.all(targets.map((t) => t.sink?.shutdown().catch(() => undefined)));
      }
    });
}
