import { Command } from 'commander';
import { loadStackConfig } from './config';
import { sendKafkaControl } from './kafka-control';
import { down, status, up } from './stack';
import { RESTARTABLE, startComponent, stopComponent } from './component-control';

/** Runs a command body, turning a thrown error into a message and exit code 1. */
const action =
  <A extends unknown[]>(fn: (...args: A) => Promise<number | void>) =>
  async (...args: A): Promise<void> => {
    try {
      process.exitCode = (await fn(...args)) ?? 0;
    } catch (e) {
      process.stderr.write(`[stack] error: ${(e as Error).message}\n`);
      process.exitCode = 1;
    }
  };

const program = new Command()
  .name('npm run stack --')
  .description(
    'Local stack for Hindsight tests: PostgreSQL 15, ClickHouse 18.16, Prometheus and a librdkafka mock Kafka cluster.\n' +
      'Env: HINDSIGHT_STACK_DIR (default .stack/), HINDSIGHT_STACK_PORT_OFFSET (added to every port; default: the offset `up` recorded in the folder, else 0), ' +
      'HINDSIGHT_CACHE_DIR (librdkafka build cache, default ~/.cache/hindsight).',
  )
  .showHelpAfterError();

program
  .command('up')
  .description('start every component that is not running, then write endpoints.json and env')
  .action(action(async () => up()));

program
  .command('down')
  .description('stop every component of this stack and check that no process is left')
  .option('--purge', 'also delete the stack folder (data, logs, generated config)')
  .action(action(async (opts: { purge?: boolean }) => down(loadStackConfig(), opts)));

program
  .command('status')
  .description('show each component with pid and address; exits 1 when any is down')
  .action(action(async () => ((await status()) ? 0 : 1)));

program
  .command('stop')
  .description(`stop one component, leaving the others running (${RESTARTABLE.join(', ')})`)
  .argument('<component>', RESTARTABLE.join(' | '))
  .action(action(async (name: string) => stopComponent(name)));

program
  .command('start')
  .description('start one stopped component again and wait until it is ready')
  .argument('<component>', RESTARTABLE.join(' | '))
  .action(action(async (name: string) => void (await startComponent(name))));

program
  .command('kafka')
  .description('send a fault command to the mock Kafka cluster, e.g. `kafka broker_down 2` (see test/stack/README.md)')
  .argument('<command...>', 'command and its arguments')
  .action(
    action(async (words: string[]) => {
      const cfg = loadStackConfig();
      const reply = await sendKafkaControl('127.0.0.1', cfg.ports.kafkaControl, words.join(' '));
      process.stdout.write(`ok${reply ? ` ${reply}` : ''}\n`);
    }),
  );

program.parseAsync().catch((e: Error) => {
  process.stderr.write(`[stack] error: ${e.message}\n`);
  process.exitCode = 1;
});
