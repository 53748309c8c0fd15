/**
 * The producer thread's side (see producer-thread.ts): one {@link KafkaProducer}, fed packed batches
 * by the app's thread and answering each with its result. Nothing else of the SDK runs here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KafkaProducer, type ProducerConnection } from './kafka-producer';
import { unpackMessages } from './message-packing';
import type { FromProducerThread, ToProducerThread } from './producer-thread';

const port = parentPort;
if (port === null) throw new Error('producer-thread-worker must run as a worker thread');
const post = (message: FromProducerThread) => port.postMessage(message);

const connection = (workerData as { connection: ProducerConnection }).connection;
const producer = new KafkaProducer(connection, (message) => post({ type: 'warn', message }));

port.on('message', (message: ToProducerThread) => {
  if (message.type === 'send') {
    const { id, topic } = message;
    void producer.send(topic, unpackMessages(message.packed)).then((result) => {
      const partitions = producer.partitionCount(topic);
      post(result.ok ? { type: 'result', id, ok: true, partitions } : { type: 'result', id, ok: false, name: result.error.name, message: result.error.message, retriable: result.retriable, partitions });
    });
    return;
  }
  producer.close().then(
    () => post({ type: 'closed' }),
    (error: unknown) => post({ type: 'closed', error: error instanceof Error ? error.message : String(error) }),
  );
});
