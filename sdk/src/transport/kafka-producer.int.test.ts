// The producer's close() against the local stack's mock Kafka: a send whose connect is still under way
// when the app shuts down must not reach Kafka afterwards, nor leave a connection open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStackEndpoints } from '../../../test/stack/endpoints';
import { createTestTopic, readTopicMessages } from '../../../test/stack/kafka-topics';
import { KafkaProducer } from './kafka-producer';

const brokers = loadStackEndpoints().kafka.brokers;
const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;

test('a close() that comes while a send connects: nothing is produced after it and no connection stays open', async () => {
  const topic = await createTestTopic('kp-close');
  const before = sockets();
  const warnings: string[] = [];
  const producer = new KafkaProducer({ brokers, clientId: 'kafka-producer-close-test' }, (m) => warnings.push(m));
  const sent = producer.send(topic, [{ key: 'k', value: Buffer.from('after close') }]);
  await producer.close();
  const result = await sent;
  assert.equal(result.ok, false, 'the send had not reached Kafka when close() was called');
  assert.equal(!result.ok && result.error.message, 'exporter is shut down');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.deepEqual(readTopicMessages(topic), [], 'nothing produced after close()');
  assert.ok(sockets() <= before, `no connection of the producer left open (${sockets()} sockets, ${before} before)`);
});
