import { Command } from 'commander';
import { loadConfig } from '../../config/load-config';
import { ConfigError } from '../../errors/hindsight-error';
import { defaultSinkRegistry } from '../../sinks/sink-registry';
import { createLogger } from '../../telemetry/logger';
import { parseApiConfig } from '../config/parse-api-config';
import { startApi } from '../server/start-api';

/**
 * `hindsight-collector api --config <file>`: serves the operator API alone, from the `api` section of
 * the collector's config, until SIGTERM/SIGINT (open streams are ended, pools closed).
 */
export function apiCommand(defaultConfig: string): Command {
  return new Command('api')
    .description('serve the operator HTTP API (the config\'s `api` section) without running pipelines')
    .option('-c, --config <file>', 'YAML config file (env: HINDSIGHT_CONFIG_FILE)', defaultConfig)
    .action(async (options: { config: string }) => {
      const config = loadConfig({ path: options.config, registry: defaultSinkRegistry() });
      const section = (config as { api?: unknown }).api;
      if (section === undefined) throw new ConfigError(`${options.config}: no \`api\` section`);
      const logger = createLogger(config.service.logLevel, { service: config.service.name, component: 'api' });
      const api = await startApi(parseApiConfig(section), logger);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          api.close().then(resolve, resolve);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
    });
}
