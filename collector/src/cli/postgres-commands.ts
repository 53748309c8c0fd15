import { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { ERROR_CODES } from '../errors/codes';
import { HindsightError } from '../errors/hindsight-error';
import { defaultSinkRegistry, loadOptionalModule } from '../sinks/sink-registry';

type UrlResolver = (options: Record<string, unknown>) => string | undefined;
type CommandFactory = (resolve: UrlResolver) => Command;

/** The URL option of the first `postgres` sink in `--config` (env overrides applied), if any. */
const urlFromConfig: UrlResolver = (options) => {
  const path = options.config;
  if (typeof path !== 'string') return process.env.HINDSIGHT_POSTGRES_URL;
  const config = loadConfig({ path, registry: defaultSinkRegistry() });
  const sink = Object.values(config.sinks).find((s) => s.type === 'postgres');
  const url = sink?.options.url;
  return typeof url === 'string' ? url : process.env.HINDSIGHT_POSTGRES_URL;
};

function unavailable(name: string, description: string): Command {
  return new Command(name)
    .description(`${description} (not available in this build)`)
    .allowUnknownOption()
    .action(() => {
      throw new HindsightError(ERROR_CODES.commandUnavailable, `${name} is not available in this build: the Postgres sink is not included`, {
        retriable: false,
      });
    });
}

/**
 * `migrate` and `verify-audit` live with the Postgres sink (sinks/postgres); this adds them to the
 * collector's CLI with `--config`, so they find the database the way `run` does.
 */
export function postgresCommands(): Command[] {
  const mod = loadOptionalModule('postgres');
  const migrate = mod?.migrateCommand as CommandFactory | undefined;
  const verify = mod?.verifyAuditCommand as CommandFactory | undefined;
  const withConfig = (cmd: Command): Command =>
    cmd.option('-c, --config <file>', 'collector config file; its postgres sink gives the URL when --url is absent');
  return [
    migrate ? withConfig(migrate(urlFromConfig)) : unavailable('migrate', 'create or update the Postgres schema'),
    verify ? withConfig(verify(urlFromConfig)) : unavailable('verify-audit', "verify each tenant's audit hash chain"),
  ];
}
