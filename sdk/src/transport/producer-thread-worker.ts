/**
 * The producer thread's side (see producer-thread.ts): one {@link KafkaProducer}, fed packed batches
 * by the app's thread and answering each with its result. Log lines come as captured; this thread
 * prepares (parse, context, redaction) and encodes them before producing, so that the app's thread
 * does not. Nothing else of the SDK runs here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { encodeLogs } from '../logging/encode-logs';
import { prepareLogLines, type LogLine } from '../logging/log-line';
import { createRedactor, type Redactor } from '../redaction';
import { KafkaProducer, isRetriable, type ProducerConnection } from './kafka-producer';
import { unpackMessages } from './message-packing';
import { LINES_NOT_PREPARED, type FromProducerThread, type LinesOutcome, type LogLineSettings, type ResultMessage, type ToProducerThread } from './producer-thread';

const port = parentPort;
if (port === null) throw new Error('producer-thread-worker must run as a worker thread');
const post = (message: FromProducerThread) => port.postMessage(message);

const data = workerData as { connection: ProducerConnection; logLines?: LogLineSettings };
const producer = new KafkaProducer(data.connection, (message) => post({ type: 'warn', message }));
// The app's thread built a redactor from the same options (init.ts): the rules are the same here.
const lineTools: { redactor: Redactor; resource: Resource } | undefined =
  data.logLines === undefined ? undefined : { redactor: createRedactor(data.logLines.redaction), resource: resourceFromAttributes(data.logLines.resourceAttributes) };

/** The result message of a batch: its outcome, and what became of its lines when it had some. */
function answer(id: number, topic: string, result: Awaited<ReturnType<KafkaProducer['send']>>, lines?: LinesOutcome): void {
  const partitions = producer.partitionCount(topic);
  const message: ResultMessage = result.ok
    ? { type: 'result', id, ok: true, partitions }
    : { type: 'result', id, ok: false, name: result.error.name, message: result.error.message, retriable: result.retriable, partitions };
  if (lines !== undefined) message.lines = lines;
  post(message);
}

/** Prepares, encodes and produces a batch of log lines. */
async function sendLogLines(id: number, topic: string, lines: LogLine[]): Promise<void> {
  let outcome: LinesOutcome = LINES_NOT_PREPARED;
  try {
    if (lineTools === undefined) throw new Error('the producer thread was started without log line settings');
    const prepared = prepareLogLines(lines, lineTools.redactor);
    const { messages, failed } = encodeLogs(prepared.entries, lineTools.resource);
    outcome = { invalidLevels: prepared.invalidLevels, firstError: prepared.firstError, encodeFailed: failed };
    answer(id, topic, messages.length === 0 ? { ok: true } : await producer.send(topic, messages), outcome);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    answer(id, topic, { ok: false, error: err, retriable: isRetriable(err) }, outcome);
  }
}

port.on('message', (message: ToProducerThread) => {
  switch (message.type) {
    case 'send': {
      const { id, topic } = message;
      void producer.send(topic, unpackMessages(message.packed)).then((result) => answer(id, topic, result));
      return;
    }
    case 'log-lines':
      void sendLogLines(message.id, message.topic, message.lines);
      return;
    case 'close':
      producer.close().then(
        () => post({ type: 'closed' }),
        (error: unknown) => post({ type: 'closed', error: error instanceof Error ? error.message : String(error) }),
      );
  }
});
