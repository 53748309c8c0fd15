import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Component, LaunchSpec } from '../component';
import type { StackConfig } from '../config';
import { sendKafkaControl } from '../kafka-control';
import { ensureHarness } from '../kafka-mock/build-harness';

/**
 * librdkafka's mock Kafka cluster run by the mock-cluster harness: brokers on ephemeral
 * loopback ports, the configured topics, and a fault-injection control port. Data is in
 * memory only, so a restart is an empty cluster.
 */
export function kafkaMockComponent(cfg: StackConfig): Component & { bootstraps(): Promise<string[]> } {
  const dir = join(cfg.stackDir, 'kafka');
  const port = cfg.ports.kafkaControl;
  let harness = '';

  return {
    name: 'kafka',
    dir,
    logFile: join(dir, 'kafka-mock.log'),
    pidFile: join(dir, 'kafka-mock.pid'),
    marker: `--tag ${cfg.stackDir}/`,
    address: { host: '127.0.0.1', port },
    stopSignal: 'SIGTERM',
    readyTimeoutMs: 15_000,
    async prepare() {
      mkdirSync(dir, { recursive: true });
      harness = await ensureHarness(cfg.cacheDir, cfg.kafka.librdkafkaPackage);
    },
    launch(): LaunchSpec {
      const topics = Object.entries(cfg.kafka.topics).flatMap(([t, n]) => ['--topic', `${t}:${n}`]);
      return {
        cmd: harness,
        args: ['--brokers', String(cfg.kafka.brokers), '--control-port', String(port),
          '--rebalance-delay-ms', String(cfg.kafka.groupInitialRebalanceDelayMs), '--tag', `${cfg.stackDir}/`, ...topics],
        cwd: dir,
      };
    },
    async isReady() {
      return (await sendKafkaControl('127.0.0.1', port, 'ping', 1000)) === 'pong';
    },
    async bootstraps() {
      return (await sendKafkaControl('127.0.0.1', port, 'bootstraps')).split(',');
    },
  };
}
