#!/usr/bin/env node
import { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { HindsightError } from '../errors/hindsight-error';
import { CollectorService } from '../service/collector-service';
import { defaultSinkRegistry } from '../sinks/sink-registry';
import { buildTopology } from '../topology/build-topology';
import { createLogger } from '../telemetry/logger';
import { postgresCommands } from './postgres-commands';
import { apiCommand } from '../api/cli/api-command';
import { pinCommands, retentionCommand, retentionTargets, RetentionScheduler } from '../retention';
import { replayCommand } from '../replay';

const DEFAULT_CONFIG = process.env.HINDSIGHT_CONFIG_FILE ?? '/etc/hindsight/collector.yaml';

/** `run`: start the pipelines and serve /metrics, /healthz, /readyz until SIGTERM or SIGINT. */
async function run(options: { config: string; check?: boolean }): Promise<void> {
  const registry = defaultSinkRegistry();
  const config = loadConfig({ path: options.config, registry });
  if (options.check === true) {
    const topology = buildTopology(config, registry);
    for (const p of topology.pipelines) {
      console.log(`${p.pipeline}: ${p.topics.map((t) => t.topic).join(', ')} -> ${p.sinkName} (${p.sinkType}, group ${p.groupId})`);
    }
    return;
  }
  const logger = createLogger(config.service.logLevel, { service: config.service.name });
  const service = new CollectorService(config, { registry, logger });
  const retention = new RetentionScheduler(config.retention, retentionTargets(config), logger.child({ component: 'retention' }));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals++;
    if (signals > 1) {
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    logger.info('signal received; finishing the in-flight batch', { signal });
    // The bound exists even if a dependency hangs: stop() races its own deadline, this is the backstop.
    setTimeout(() => {
      logger.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, config.service.shutdownTimeoutMs + 5000).unref();
    Promise.all([retention.stop(), service.stop()]).then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('stop failed', { error: err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await service.start();
    retention.start();
  } catch (err) {
    if (signals > 0) return; // a stop is under way; its outcome decides the exit code
    await service.stop().catch(() => undefined);
    throw err;
  }
}

/** The `hindsight-collector` command line. */
export function buildCli(): Command {
  const program = new Command('hindsight-collector')
    .description('Consumes Hindsight topics from Kafka and writes them to Postgres, ClickHouse and Prometheus')
    .showHelpAfterError();
  program
    .command('run')
    .description('run the pipelines declared in the config until SIGTERM/SIGINT')
    .option('-c, --config <file>', 'YAML config file (env: HINDSIGHT_CONFIG_FILE)', DEFAULT_CONFIG)
    .option('--check', 'validate the config and print the pipelines, then exit')
    .action(run);
  for (const cmd of postgresCommands()) program.addCommand(cmd);
  program.addCommand(apiCommand(DEFAULT_CONFIG));
  for (const cmd of [retentionCommand(), ...pinCommands(), replayCommand()]) program.addCommand(cmd);
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const code = err instanceof HindsightError ? `${err.code}: ` : '';
      process.stderr.write(`hindsight-collector: ${code}${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof HindsightError && err.code === 'CONFIG_INVALID' ? 78 : 1);
    });
}
