import { Command } from 'commander';
import { runMigrations } from './migrate';
import { verifyAudit } from './verify-audit';

/**
 * Where the commands find their connection URL when `--url` is not given. The collector's CLI may
 * pass a resolver that reads it from the config file (`--config`); the default reads
 * HINDSIGHT_POSTGRES_URL.
 */
export type UrlResolver = (options: Record<string, unknown>) => string | undefined | Promise<string | undefined>;

const fromEnv: UrlResolver = () => process.env['HINDSIGHT_POSTGRES_URL'];

async function urlOf(options: Record<string, unknown>, resolve: UrlResolver): Promise<string> {
  const url = typeof options['url'] === 'string' ? options['url'] : await resolve(options);
  if (url === undefined || url === '') {
    throw new Error('no Postgres URL: pass --url or set HINDSIGHT_POSTGRES_URL');
  }
  return url;
}

/** `migrate`: roles, schema and pending migrations; idempotent. Needs a privileged login. */
export function migrateCommand(resolve: UrlResolver = fromEnv): Command {
  return new Command('migrate')
    .description('create or update the Postgres roles, schema and tables (idempotent)')
    .option('--url <url>', 'privileged Postgres URL (default: HINDSIGHT_POSTGRES_URL)')
    .action(async (options: Record<string, unknown>) => {
      const result = await runMigrations({
        connectionString: await urlOf(options, resolve),
        passwords: {
          writer: process.env['HINDSIGHT_PG_WRITER_PASSWORD'],
          reader: process.env['HINDSIGHT_PG_READER_PASSWORD'],
          operator: process.env['HINDSIGHT_PG_OPERATOR_PASSWORD'],
        },
        log: (line) => console.log(line),
      });
      console.log(`postgres schema version ${result.version}`);
    });
}

/**
 * `verify-audit [--tenant t]`: exit code 0 when every chain is intact, 1 naming the first broken seq,
 * 2 when `--tenant` names a tenant without audit rows (a mistyped name must not pass a compliance job
 * silently; `--allow-empty` accepts it).
 */
export function verifyAuditCommand(resolve: UrlResolver = fromEnv): Command {
  return new Command('verify-audit')
    .description("recompute each tenant's audit hash chain and name the first broken seq")
    .option('--url <url>', 'Postgres URL with SELECT on hindsight.audit_event (default: HINDSIGHT_POSTGRES_URL)')
    .option('--tenant <tenant>', 'check only this tenant (exit code 2 when it has no audit rows)')
    .option('--allow-empty', 'a --tenant without audit rows is ok (exit code 0)')
    .option('--json', 'print the result as JSON')
    .action(async (options: Record<string, unknown>) => {
      const tenant = typeof options['tenant'] === 'string' ? options['tenant'] : undefined;
      if (tenant !== undefined && tenant.trim() === '') throw new Error('--tenant needs a tenant name');
      const result = await verifyAudit({ connectionString: await urlOf(options, resolve), tenant });
      const unknownTenant = tenant !== undefined && options['allowEmpty'] !== true && result.tenants.every((t) => t.checked === 0 && t.firstBrokenSeq === undefined);
      if (options['json'] === true) {
        console.log(JSON.stringify(result, null, 2));
      } else {
        if (result.tenants.length === 0) console.log('no audit rows');
        if (unknownTenant) console.error(`tenant ${tenant} has no audit rows: nothing was verified (check the name, or pass --allow-empty)`);
        for (const t of result.tenants) {
          console.log(
            t.firstBrokenSeq === undefined
              ? `${t.tenant}: ok, ${t.checked} rows${t.head ? `, head seq ${t.head.seq} hash ${t.head.hash}` : ''}`
              : `${t.tenant}: BROKEN at seq ${t.firstBrokenSeq} (${t.reason}); ${t.checked} rows intact before it`,
          );
        }
      }
      process.exitCode = !result.ok ? 1 : unknownTenant ? 2 : 0;
    });
}
