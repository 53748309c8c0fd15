/**
 * The kafkajs producer behind the SDK: idempotent, acks=-1, one request in flight, so a send resolves
 * only once every in-sync replica has it and retries never reorder or duplicate one tenant's audit
 * stream. kafkajs's own retries are kept short: the pipeline above retries with the deadlines it
 * documents. It runs on the producer thread (producer-thread.ts) or, when that is switched off, on the
 * app's own thread; both reach it through {@link MessageSender}.
 */
import { Kafka, logLevel as KafkaLogLevel, type Producer, type SASLOptions, type logCreator } from 'kafkajs';
import type { ExportResult } from '../exporter/exporter';
import type { KafkaMessage } from './kafka-message';
import { javaCompatiblePartitioner } from './partitioner';

/** Sends encoded messages to one topic and says how it went; never throws. */
export interface MessageSender {
  send(topic: string, messages: KafkaMessage[]): Promise<ExportResult>;
  /**
   * How many partitions `topic` had when the producer last sent to it; undefined before that. Lets an
   * encoder put the spans of many traces that share a partition into one message.
   */
  partitionCount(topic: string): number | undefined;
  /** Disconnects; later sends fail. Idempotent. */
  close(): Promise<void>;
}

/** What the producer needs to connect: plain data, so that it can be handed to another thread. */
export interface ProducerConnection {
  brokers: string[];
  clientId: string;
  tls?: boolean | undefined;
  sasl?: { mechanism: string; username: string; password: string } | undefined;
}

/** Errors of code, not of the network: sending the same batch again fails the same way. */
const CODE_ERRORS = new Set(['RangeError', 'ReferenceError', 'SyntaxError', 'TypeError']);

/**
 * Whether sending the same batch again may succeed. kafkajs wraps what made it give up (as `cause`,
 * once or twice: an exhausted retry inside another retrier). Connection errors, timeouts and
 * retriable broker answers pass with time, whatever wraps them. A broker's non-retriable answer
 * (MESSAGE_TOO_LARGE, TOPIC_AUTHORIZATION_FAILED, INVALID_RECORD…) and an encoding bug do not:
 * retried, they would hold their lane forever.
 */
export function isRetriable(error: Error): boolean {
  let root: Error = error;
  for (let depth = 0; depth < 8 && root.cause instanceof Error; depth++) root = root.cause;
  if (CODE_ERRORS.has(root.name)) return false;
  const flagged = (root as { retriable?: boolean }).retriable;
  // Other kafkajs errors that stop a send are of the connection or of the client's own state.
  return root.name === 'KafkaJSProtocolError' || !root.name.startsWith('KafkaJS') ? flagged !== false : true;
}

/** {@link MessageSender} over one kafkajs producer on the calling thread. */
export class KafkaProducer implements MessageSender {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closed = false;
  /** Sends under way: close() lets them end, since kafkajs reconnects for a send still retrying. */
  private readonly sending = new Set<Promise<unknown>>();
  /** Partitions per topic as the partitioner last saw them (kafkajs keeps its metadata to itself). */
  private readonly partitions = new Map<string, number>();

  /** `warn` receives kafkajs's warnings and errors (connection errors also surface as send results). */
  constructor(connection: ProducerConnection, warn: (message: string) => void) {
    const toWarn: logCreator = () => ({ level, log }) => {
      if (level <= KafkaLogLevel.WARN) warn(`kafkajs: ${log.message}`);
    };
    const kafka = new Kafka({
      clientId: connection.clientId,
      brokers: connection.brokers,
      ssl: connection.tls === true ? true : undefined,
      sasl: connection.sasl as SASLOptions | undefined,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      logLevel: KafkaLogLevel.WARN,
      logCreator: toWarn,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // kafkajs's default partitioning, with a cheaper murmur2 (see partitioner.ts), noting each
      // topic's partition count on the way.
      createPartitioner: () => {
        const pick = javaCompatiblePartitioner();
        return (args) => {
          this.partitions.set(args.topic, args.partitionMetadata.length);
          return pick(args);
        };
      },
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = undefined;
    });
  }

  private connect(): Promise<void> {
    if (this.connecting === undefined) {
      this.connecting = this.producer.connect().catch((error: unknown) => {
        this.connecting = undefined;
        throw error;
      });
    }
    return this.connecting;
  }

  async send(topic: string, messages: KafkaMessage[]): Promise<ExportResult> {
    if (this.closed) return { ok: false, error: new Error('exporter is shut down'), retriable: false };
    try {
      await this.connect();
      // A connect that ended after close() must not send: close() disconnects once this connect ends.
      if (this.closed) return { ok: false, error: new Error('exporter is shut down'), retriable: false };
      const sent = this.producer.send({ topic, acks: -1, messages });
      this.sending.add(sent);
      const forget = (): void => void this.sending.delete(sent);
      sent.then(forget, forget);
      await sent;
      return { ok: true };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: err, retriable: isRetriable(err) };
    }
  }

  partitionCount(topic: string): number | undefined {
    return this.partitions.get(topic);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // kafkajs marks its producer connected when a connect under way ends, even after a disconnect, and
    // reconnects for a send still retrying: both end first, or a socket outlives the close.
    await this.connecting?.catch(() => undefined);
    await Promise.allSettled(this.sending);
    await this.producer.disconnect();
  }
}
