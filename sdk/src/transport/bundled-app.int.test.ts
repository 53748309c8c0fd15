// An app bundled into one file (esbuild, as serverless and container builds do) keeps the producer
// thread when the worker is bundled as an entry of its own, next to the app under its own name or
// anywhere `kafka.producerThreadFile` names; without it the SDK warns and produces on the app's
// thread. Either way the events reach Kafka.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { createTestTopic, readTopicMessages } from '../../../test/stack/kafka-topics';

const run = promisify(execFile);
const SDK_ROOT = resolve(__dirname, '..', '..');

// Logs one line with a secret and awaits one audit event, then shuts down; prints the audit's outcome.
const APP = `
const { init } = require('@hindsight/sdk');
const hs = init({ serviceName: 'bundled-app', runtimeMetrics: false, instrumentHttp: false, kafka: { brokers: process.env.BROKERS.split(','), topics: { logs: process.env.LOGS_TOPIC, audit: process.env.AUDIT_TOPIC } } });
hs.logger.info({ password: 'hunter2', order: 'o-1' }, 'order paid');
hs.audit.record({ action: 'order.pay', resource: { type: 'order', id: 'o-1' }, outcome: 'success' })
  .then(() => console.log('audit acknowledged'), (e) => console.log('audit failed: ' + e.code))
  .finally(() => hs.shutdown());
`;

/** Bundles the app and the worker (under `workerName`) into `outdir`, from the SDK's built files as an app installs them. */
async function bundle(dir: string, outdir: string, workerName: string): Promise<void> {
  await build({
    entryPoints: { app: join(dir, 'app.js'), [workerName]: join(SDK_ROOT, 'dist', 'transport', 'producer-thread-worker.js') },
    outdir: join(dir, outdir),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'silent',
    alias: { '@hindsight/sdk': join(SDK_ROOT, 'dist', 'index.js') },
  });
}

test('a bundled app keeps the producer thread when its worker is next to it or named by kafka.producerThreadFile, else the app thread produces with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-bundle-'));
  try {
    writeFileSync(join(dir, 'app.js'), APP);
    await bundle(dir, 'default-name', 'producer-thread-worker');
    await bundle(dir, 'own-name', 'hindsight-producer');
    const brokers = loadStackEndpoints().kafka.brokers.join(',');
    for (const [outdir, threadFile, thread] of [
      ['default-name', undefined, true],
      ['own-name', 'own-name/hindsight-producer.js', true],
      ['own-name', undefined, false],
    ] as const) {
      const what = `${outdir}, option ${threadFile ?? 'unset'}`;
      const logs = await createTestTopic('bundle-logs');
      const audit = await createTestTopic('bundle-audit');
      // Warnings reach stderr only with the diagnostic logger on; a relative file is taken from the working directory.
      const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], BROKERS: brokers, LOGS_TOPIC: logs, AUDIT_TOPIC: audit, HINDSIGHT_DIAG_LEVEL: 'warn' };
      if (threadFile !== undefined) env['HINDSIGHT_KAFKA_PRODUCER_THREAD_FILE'] = threadFile;
      const { stdout, stderr } = await run(process.execPath, [join(dir, outdir, 'app.js')], { env, cwd: dir, timeout: 30_000 });
      assert.equal(stdout.trim(), 'audit acknowledged', `${what}: ${stderr}`);
      assert.equal(/producer thread's file .* is missing/.test(stderr), !thread, `${what}: the missing-file warning: ${stderr}`);
      assert.doesNotMatch(stderr, /failed to start|stopped \d+ times/, what);
      assert.equal(readTopicMessages(audit).length, 1, `${what}: the audit event reached Kafka`);
      const logText = readTopicMessages(logs).map((m) => m.value.toString('latin1')).join('');
      assert.match(logText, /order paid/, `${what}: the log record reached Kafka`);
      assert.doesNotMatch(logText, /hunter2/, `${what}: redacted wherever it was prepared`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
