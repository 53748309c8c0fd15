import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransientError } from '../errors/hindsight-error';
import { CollectorMetrics } from '../telemetry/collector-metrics';
import { MemorySink } from '../testing/memory-sink';
import { SinkGuard } from './sink-guard';

const retry = { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 };
const breaker = { failureThreshold: 2, halfOpenAfterMs: 60_000 };

test('transient failures are retried and counted; success ends the retries', async () => {
  const sink = new MemorySink('m');
  const metrics = new CollectorMetrics(undefined, { defaultMetrics: false });
  const guard = new SinkGuard(sink, retry, { ...breaker, failureThreshold: 10 }, metrics);
  let calls = 0;
  sink.write = async () => (++calls < 3 ? { status: 'retry', error: new TransientError('SINK_UNAVAILABLE', 'down') } : { status: 'written' });
  assert.deepEqual(await guard.write([]), { status: 'written' });
  assert.equal(calls, 3);
  assert.match(await metrics.registry.metrics(), /hindsight_sink_write_retries_total\{sink="m"\} 2/);
});

test('when retries are spent the last transient error is thrown, and the breaker opens', async () => {
  const sink = new MemorySink('m');
  sink.failing = true;
  const metrics = new CollectorMetrics(undefined, { defaultMetrics: false });
  const guard = new SinkGuard(sink, retry, breaker, metrics);
  await assert.rejects(guard.write([]), (err: TransientError) => err.retriable && /SINK_(UNAVAILABLE|CIRCUIT_OPEN)/.test(err.code));
  assert.equal(guard.open, true);
  const calls = sink.writeCalls;
  await assert.rejects(guard.write([]), (err: TransientError) => err.code === 'SINK_CIRCUIT_OPEN');
  assert.equal(sink.writeCalls, calls, 'an open breaker does not call the sink');
  assert.match(await metrics.registry.metrics(), /hindsight_sink_circuit_open\{sink="m"\} 1/);
});

test('a sink that throws is treated as transient, not as a crash', async () => {
  const sink = new MemorySink('m');
  const guard = new SinkGuard(sink, { ...retry, maxAttempts: 0 }, breaker, new CollectorMetrics(undefined, { defaultMetrics: false }));
  sink.write = async () => {
    throw new Error('bug');
  };
  await assert.rejects(guard.write([]), (err: TransientError) => err.code === 'SINK_THREW' && err.retriable);
});

test('partial results pass through without retries', async () => {
  const sink = new MemorySink('m');
  sink.reject = () => true;
  const guard = new SinkGuard(sink, retry, breaker, new CollectorMetrics(undefined, { defaultMetrics: false }));
  const record = { kind: 'span', origin: { topic: 't', partition: 0, offset: '0' } } as never;
  const result = await guard.write([record]);
  assert.equal(result.status, 'partial');
  assert.equal(sink.writeCalls, 1);
});
