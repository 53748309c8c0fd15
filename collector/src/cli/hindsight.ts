#!/usr/bin/env node
import { Command } from 'commander';
import { HindsightError } from '../errors/hindsight-error';
import { traceCommand } from './trace/trace-command';

/** The operator's `hindsight` command line (the collector itself is `hindsight-collector`). */
export function buildHindsightCli(): Command {
  return new Command('hindsight')
    .description('Hindsight from the terminal: drill down into what happened for a correlation id')
    .showHelpAfterError()
    .addCommand(traceCommand());
}

if (require.main === module) {
  buildHindsightCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      const code = err instanceof HindsightError ? `${err.code}: ` : '';
      process.stderr.write(`hindsight: ${code}${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(err instanceof HindsightError && err.code === 'CONFIG_INVALID' ? 78 : 1);
    });
}
