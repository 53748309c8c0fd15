import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KafkaControlError, kafkaControl } from '../stack/kafka-control';
import { loadStackEndpoints } from '../stack/endpoints';
import { kafkaClient, runProgram, uniqueName } from './smoke-helpers';

// Faults here touch only this test's own topic: the stack is shared, and broker-wide
// faults (broker_down, rtt, push_errors) would disturb other tests running at the same time.
describe('mock Kafka fault control', () => {
  it('answers ping and rejects bad commands with a reason', async () => {
    assert.equal(await kafkaControl('ping'), 'pong');
    await assert.rejects(kafkaControl('no_such_command'), (e: unknown) => e instanceof KafkaControlError && /unknown command/.test(e.reason));
    await assert.rejects(kafkaControl('broker_down 99'), /out of range/);
    await assert.rejects(kafkaControl('push_errors Produce 1 NOT_AN_ERROR'), /unknown error name/);
  });

  it('a leaderless partition blocks produce until a leader is set again', async () => {
    const ep = loadStackEndpoints();
    const topic = uniqueName('smoke.faults');
    await kafkaControl(`create_topic ${topic} 1`);
    await kafkaControl(`leader ${topic} 0 -1`);
    const kafka = kafkaClient(ep, 'smoke-faults');

    const impatient = kafka.producer({ retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 } });
    await impatient.connect();
    try {
      await assert.rejects(impatient.send({ topic, acks: -1, messages: [{ value: 'lost' }] }));
    } finally {
      await impatient.disconnect();
    }

    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 40, initialRetryTime: 100, maxRetryTime: 300 },
    });
    await producer.connect();
    try {
      const started = Date.now();
      const sending = producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'after-recovery' }] });
      await new Promise((r) => setTimeout(r, 1500));
      await kafkaControl(`leader ${topic} 0 2`);
      const acks = await sending;
      assert.ok(Date.now() - started >= 1500, 'the send completed before the partition had a leader');
      assert.equal(acks[0]?.errorCode, 0);
    } finally {
      await producer.disconnect();
    }
    const kcat = await runProgram('kcat', ['-C', '-b', ep.kafka.brokers.join(','), '-t', topic, '-e', '-q', '-f', '%s\n']);
    assert.deepEqual(kcat.trim().split('\n'), ['after-recovery']);
  });
});
