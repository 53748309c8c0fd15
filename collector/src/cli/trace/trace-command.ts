import type { ClickHouseClient } from '@clickhouse/client';
import { Command, InvalidArgumentError } from 'commander';
import { Client, escapeIdentifier } from 'pg';
import { loadCorrelationTimeline } from '../../api/queries/timeline';
import { loadConfig } from '../../config/load-config';
import { ConfigError } from '../../errors/hindsight-error';
import { createClickHouseClient, describeClickHouseFailure, detectCapabilities } from '../../sinks/clickhouse';
import { parseClickHouseSinkConfig } from '../../sinks/clickhouse/config';
import { parsePostgresSinkConfig } from '../../sinks/postgres/config';
import { defaultSinkRegistry } from '../../sinks/sink-registry';
import { renderTimeline } from './render-timeline';

interface TraceOptions {
  json?: boolean;
  config?: string;
  pgUrl?: string;
  pgRole?: string;
  clickhouseUrl?: string;
  clickhouseDatabase: string;
  tenant?: string;
  limit: number;
}

interface Stores {
  pg: { url: string; role: string };
  clickhouse?: { url: string; database: string; username: string; password: string };
}

/** Connections from the flags, else from the collector config's postgres and clickhouse sinks. */
function storesOf(options: TraceOptions): Stores {
  let stores: Partial<Stores> = {};
  if (options.config !== undefined) {
    const config = loadConfig({ path: options.config, registry: defaultSinkRegistry() });
    for (const [name, sink] of Object.entries(config.sinks)) {
      if (sink.type === 'postgres' && !stores.pg) {
        const pg = parsePostgresSinkConfig(sink.options, `sinks.${name}.options`);
        stores.pg = { url: pg.url, role: pg.role };
      } else if (sink.type === 'clickhouse' && !stores.clickhouse) {
        const ch = parseClickHouseSinkConfig(sink.options);
        stores.clickhouse = { url: ch.url, database: ch.database, username: ch.username, password: ch.password };
      }
    }
  }
  const pgUrl = options.pgUrl ?? process.env['HINDSIGHT_PG_READ_URL'];
  if (pgUrl !== undefined) stores.pg = { url: pgUrl, role: options.pgRole ?? '' };
  else if (stores.pg && options.pgRole !== undefined) stores.pg.role = options.pgRole;
  const chUrl = options.clickhouseUrl ?? process.env['HINDSIGHT_CLICKHOUSE_READ_URL'];
  if (chUrl !== undefined) stores = { ...stores, clickhouse: { url: chUrl, database: options.clickhouseDatabase, username: 'default', password: '' } };
  if (!stores.pg) throw new ConfigError('no Postgres to read: pass --pg-url, set HINDSIGHT_PG_READ_URL, or --config with a postgres sink');
  return stores as Stores;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

/** `hindsight trace <correlationId>`: the correlation's timeline as a causation tree, or JSON. */
export function traceCommand(): Command {
  return new Command('trace')
    .description('print everything recorded for a correlation id: audit, journal, spans and logs, as a causation tree')
    .argument('<correlationId>', 'the correlation id (request, job or run)')
    .option('--json', 'print the timeline object as JSON (for scripts)')
    .option('-c, --config <file>', "collector config file; its postgres and clickhouse sinks say where to read")
    .option('--pg-url <url>', 'Postgres URL, ideally as hindsight_reader (env: HINDSIGHT_PG_READ_URL)')
    .option('--pg-role <role>', 'role to SET after connecting (default: none, or the sink\'s role with --config)')
    .option('--clickhouse-url <url>', 'ClickHouse HTTP URL (env: HINDSIGHT_CLICKHOUSE_READ_URL); spans and logs are left out without one')
    .option('--clickhouse-database <name>', 'ClickHouse database', 'hindsight')
    .option('--tenant <tenant>', 'only rows of this tenant (default: every tenant)')
    .option('--limit <n>', 'rows read per source at most', positiveInt, 5000)
    .action(async (correlationId: string, options: TraceOptions) => {
      const stores = storesOf(options);
      const pg = new Client({ connectionString: stores.pg.url, application_name: 'hindsight-trace' });
      let ch: ClickHouseClient | undefined;
      await pg.connect();
      try {
        if (stores.pg.role !== '') await pg.query(`SET ROLE ${escapeIdentifier(stores.pg.role)}`);
        let clickhouse;
        if (stores.clickhouse) {
          const c = stores.clickhouse;
          ch = createClickHouseClient(c);
          // An unreachable ClickHouse must not cost the Postgres part of the timeline: its queries then
          // fail one by one and are reported by onClickHouseError below.
          const caps = await detectCapabilities(ch).catch((err: unknown) => {
            process.stderr.write(`hindsight: ClickHouse version unknown (${describeClickHouseFailure(err)}); reading it with literals\n`);
            return { queryParams: false };
          });
          clickhouse = { client: ch, caps };
        }
        const timeline = await loadCorrelationTimeline({
          pg,
          ...(clickhouse ? { clickhouse } : {}),
          tenants: options.tenant === undefined ? ['*'] : [options.tenant],
          correlationId,
          limitPerSource: options.limit,
          // By its code: the server's text may quote the query, and the timeline is printed without ClickHouse's part.
          onClickHouseError: (err) => process.stderr.write(`hindsight: ClickHouse not readable: ${describeClickHouseFailure(err)}\n`),
        });
        const colour = process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined;
        process.stdout.write(options.json === true ? `${JSON.stringify(timeline, null, 2)}\n` : `${renderTimeline(timeline, { colour }).join('\n')}\n`);
        // Scripts can tell "nothing recorded" from a timeline without parsing the output.
        if (timeline.entries.length === 0) process.exitCode = 3;
      } finally {
        await ch?.close();
        await pg.end();
      }
    });
}
