import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExportBatch, ExportResult, Exporter, LogEntry } from '../exporter/exporter';
import { createRedactor } from '../redaction';
import type { Pipeline } from '../pipeline/pipeline';
import { createLogger, levelOfLine } from './create-logger';
import type { LogLine, LogLinesExporter, LogLinesResult } from './log-line';

const values = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, notice: 35 };

test('levelOfLine reads the level pino writes first, whatever the record says later', () => {
  assert.equal(levelOfLine('{"level":30,"time":1,"msg":"x"}', values), 30);
  assert.equal(levelOfLine('{"level":5,"time":1}', values), 5);
  assert.equal(levelOfLine('{"level":100,"time":1}', values), 100);
  // A field named `level` the app logged itself comes later in the line and does not count.
  assert.equal(levelOfLine('{"level":50,"time":1,"level":"debug"}', values), 50);
});

test('levelOfLine falls back to the parsed record: a label (custom formatters), else INFO', () => {
  assert.equal(levelOfLine('{"level":"warn","time":1}', values), 40);
  assert.equal(levelOfLine('{"level":"notice","time":1}', values), 35);
  assert.equal(levelOfLine('{"time":1,"level":60}', values), 60);
  assert.equal(levelOfLine('{"level":"nope"}', values), 30);
  assert.equal(levelOfLine('not json', values), 30);
  // The record the background build already parsed is used instead of parsing the line again.
  assert.equal(levelOfLine('{"time":1,"level":"warn"}', values, { level: 'error' }), 50);
});

/** A logger on a lane; by default its exporter records the prepared batches and a failure fails the test. */
function setup(capacity: number, custom?: { exporter: Exporter; onFailure: (e: Error) => void }) {
  const batches: LogEntry[][] = [];
  const drops: string[] = [];
  const exporter: Exporter = custom?.exporter ?? {
    async export(batch: ExportBatch): Promise<ExportResult> {
      batches.push(batch.items as LogEntry[]);
      return { ok: true };
    },
    async forceFlush() {},
    async shutdown() {},
  };
  const pipeline = { isStopped: false, nudge() {} } as unknown as Pipeline;
  const { logger, lane } = createLogger(
    {
      serviceName: 'billing-api',
      tenant: 'acme',
      level: 'debug',
      capacity,
      maxBatchSize: 1000,
      redactor: createRedactor({}),
      onDrop: (_kind, level, reason, count) => drops.push(`${level}:${reason}:${count}`),
      onFailure: custom?.onFailure ?? ((e) => assert.fail(e)),
    },
    exporter,
    pipeline,
  );
  return { logger, lane, batches, drops };
}

test('each exported log entry carries the level of its call, child loggers and custom formatters included', async () => {
  const { logger, lane, batches } = setup(100);
  logger.debug('d');
  logger.info({ level: 'shadow' }, 'i');
  logger.warn('w');
  logger.child({ part: 'x' }).error('e');
  logger.child({}, { formatters: { level: (label) => ({ level: label }) } }).warn('labelled');
  await lane.flushOnce();
  assert.deepEqual(
    batches.flat().map((e) => [e.record['msg'], e.level]),
    [
      ['d', 20],
      ['i', 30],
      ['w', 40],
      ['e', 50],
      ['labelled', 40],
    ],
  );
});

test('under load INFO is shed first and WARN uses the reserve; drops are counted by level', async () => {
  const { logger, lane, batches, drops } = setup(8);
  for (let i = 0; i < 8; i++) logger.info(`info ${i}`); // 6 fit below three quarters, 2 shed
  logger.warn('warn 0'); // reserve
  logger.error('error 0'); // reserve
  logger.error('error 1'); // full: evicts the oldest INFO
  await lane.flushOnce();
  const msgs = batches.flat().map((e) => e.record['msg']);
  assert.deepEqual(msgs, ['info 1', 'info 2', 'info 3', 'info 4', 'info 5', 'warn 0', 'error 0', 'error 1']);
  assert.deepEqual(drops, ['INFO:queue_full:1', 'INFO:queue_full:1', 'INFO:evicted:1']);
});

test('an exporter that prepares lines itself gets them as captured, with ids, levels and plain context', async () => {
  const sent: LogLine[][] = [];
  const failures: string[] = [];
  const exporter: Exporter & LogLinesExporter = {
    async export(): Promise<ExportResult> {
      throw new Error('log lines must not be prepared on the app thread for this exporter');
    },
    async exportLogLines(lines: LogLine[]): Promise<LogLinesResult> {
      sent.push(structuredClone(lines));
      // As the producer thread answers a batch one of whose lines it could not prepare.
      return { result: { ok: true }, invalidLevels: [40], firstError: 'a log line could not be prepared: x' };
    },
    async forceFlush() {},
    async shutdown() {},
  };
  const { logger, lane, drops } = setup(100, { exporter, onFailure: (e) => failures.push(e.message) });
  logger.info({ password: 'hunter2' }, 'one');
  logger.warn('two');
  await lane.flushOnce();
  const lines = sent.flat();
  assert.deepEqual(lines.map((l) => [JSON.parse(l.line).msg, l.level, l.context.tenant]), [['one', 30, 'acme'], ['two', 40, 'acme']]);
  assert.ok(lines.every((l) => /^[0-9a-f-]{36}$/.test(l.logId)) && lines[0]!.logId !== lines[1]!.logId);
  // Redaction happens where the lines are prepared, not before: the captured line is pino's own.
  assert.match(lines[0]!.line, /hunter2/);
  assert.deepEqual(drops, ['WARN:invalid:1']);
  assert.deepEqual(failures, ['a log line could not be prepared: x']);
});

