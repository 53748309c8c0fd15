/**
 * Runs the kafkajs producer on a worker thread of its own, as pino's transports run theirs: framing
 * record batches, CRCs and request handling then cost the app's thread nothing (about a third of what
 * the SDK costs a request in the app-overhead benchmark, docs/benchmarks.md). The app's thread
 * encodes the messages and posts them as one transferred buffer per batch; log lines are posted as
 * text and prepared and encoded here (`sendLogLines`). The thread answers each batch with its result,
 * so acknowledgements, retries, deadlines and shedding stay where they were, in the pipeline above
 * {@link MessageSender}.
 *
 * The thread starts with the first send (as the producer connected only then) and, like the
 * producer's sockets before it, keeps the process alive until `shutdown()`. When the thread cannot
 * run (the SDK bundled without its worker file, say), or stops before answering three times in a row,
 * the producer runs on the app's thread instead, with a warning.
 */
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Attributes } from '@opentelemetry/api';
import type { ExportResult } from '../exporter/exporter';
import type { LogLine } from '../logging/log-line';
import type { RedactorOptions } from '../redaction';
import type { KafkaMessage } from './kafka-message';
import { KafkaProducer, type MessageSender, type ProducerConnection } from './kafka-producer';
import { packMessages, type PackedMessages } from './message-packing';

/** Messages from the app's thread to the producer thread. */
export type ToProducerThread =
  | { type: 'send'; id: number; topic: string; packed: PackedMessages }
  | { type: 'log-lines'; id: number; topic: string; lines: LogLine[] }
  | { type: 'close' };

/** What the thread reports of a batch of log lines it prepared, next to the batch's result. */
export interface LinesOutcome {
  /** Levels of the lines that could not be prepared. */
  invalidLevels: number[];
  firstError: string | undefined;
  /** Records the OTLP encoder refused. */
  encodeFailed: number;
}

/** The outcome of lines that were not prepared at all (the batch failed first, or was never sent). */
export const LINES_NOT_PREPARED: Readonly<LinesOutcome> = Object.freeze({ invalidLevels: [], firstError: undefined, encodeFailed: 0 });

/** The answer to one batch. */
export type ResultMessage = (
  | { type: 'result'; id: number; ok: true; partitions: number | undefined }
  | { type: 'result'; id: number; ok: false; name: string; message: string; retriable: boolean; partitions: number | undefined }
) & { lines?: LinesOutcome };

/** Messages from the producer thread to the app's thread. */
export type FromProducerThread = ResultMessage | { type: 'warn'; message: string } | { type: 'closed'; error?: string };

/**
 * What the thread needs to prepare and encode log lines (structured-cloneable): the SDK's redaction
 * options and the resource's attributes.
 */
export interface LogLineSettings {
  redaction: RedactorOptions | undefined;
  resourceAttributes: Attributes;
}

/** A batch posted and not answered yet. */
interface PendingBatch {
  topic: string;
  answer(message: ResultMessage): void;
  fail(reason: string, retriable: boolean): void;
  /** Does the batch's work on the app's thread instead (a thread that never started took it). */
  redoInThread(producer: KafkaProducer): void;
}

function resultOf(message: ResultMessage): ExportResult {
  return message.ok ? { ok: true } : { ok: false, error: Object.assign(new Error(message.message), { name: message.name }), retriable: message.retriable };
}

/**
 * Threads in a row that stop before answering any batch, after which the producer moves to the app's
 * thread: a thread that keeps dying (a batch it cannot survive, a resource limit) must not be started
 * again for every send forever.
 */
const MAX_EXITS_WITHOUT_ANSWER = 3;

/** Longest wait for the thread to disconnect its producer at shutdown before it is stopped. */
const CLOSE_TIMEOUT_MS = 3000;

// Compiled, this is producer-thread.js next to producer-thread-worker.js; from source (tests), .ts.
const WORKER_FILE = join(__dirname, `producer-thread-worker${extname(__filename)}`);

/** {@link MessageSender} whose producer runs on a worker thread. */
export class ProducerThread implements MessageSender {
  private worker: Worker | undefined;
  /** Whether the current thread has answered once: one that fails before that will not run here. */
  private answered = false;
  /** Threads in a row that stopped before answering (see MAX_EXITS_WITHOUT_ANSWER). */
  private exitsWithoutAnswer = 0;
  private inThread: KafkaProducer | undefined;
  /** Batches posted and not yet answered, kept so that they can be sent again if the thread cannot start. */
  private readonly pending = new Map<number, PendingBatch>();
  private nextId = 1;
  private closed = false;
  /** Partitions per topic as the thread's producer reported them with its last result for the topic. */
  private readonly partitions = new Map<string, number>();
  private onClosed: ((error?: string) => void) | undefined;

  constructor(
    private readonly connection: ProducerConnection,
    private readonly warn: (message: string) => void,
    private readonly workerFile = WORKER_FILE,
    /** Without them the thread only produces: log lines are then prepared on the app's thread. */
    private readonly logLines?: LogLineSettings,
  ) {}

  /** Whether {@link sendLogLines} prepares lines on the thread (else it runs `local` on the app's thread). */
  get preparesLogLines(): boolean {
    return this.logLines !== undefined;
  }

  /** The producer thread's id while one runs (undefined before the first send, after close, or in-thread). */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  send(topic: string, messages: KafkaMessage[]): Promise<ExportResult> {
    if (this.closed) return Promise.resolve({ ok: false, error: new Error('exporter is shut down'), retriable: false });
    const worker = this.inThread === undefined ? this.start() : undefined;
    if (worker === undefined) return this.inThread!.send(topic, messages);
    const id = this.nextId++;
    const packed = packMessages(messages);
    return new Promise((resolve) => {
      this.pending.set(id, {
        topic,
        answer: (message) => resolve(resultOf(message)),
        fail: (reason, retriable) => resolve({ ok: false, error: new Error(reason), retriable }),
        redoInThread: (producer) => void producer.send(topic, messages).then(resolve),
      });
      worker.postMessage({ type: 'send', id, topic, packed } satisfies ToProducerThread, [packed.bytes.buffer]);
    });
  }

  /**
   * Log lines as captured: the thread parses, completes, redacts and encodes them, then produces the
   * messages. `local` does the same on the app's thread; it runs when the producer runs there, and for
   * lines a thread took but could not start for.
   */
  sendLogLines(topic: string, lines: LogLine[], local: () => Promise<ExportResult & { lines: LinesOutcome }>): Promise<ExportResult & { lines: LinesOutcome }> {
    if (this.closed) return Promise.resolve({ ok: false, error: new Error('exporter is shut down'), retriable: false, lines: LINES_NOT_PREPARED });
    const worker = this.logLines !== undefined && this.inThread === undefined ? this.start() : undefined;
    if (worker === undefined) return local();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, {
        topic,
        answer: (message) => resolve({ ...resultOf(message), lines: message.lines ?? LINES_NOT_PREPARED }),
        fail: (reason, retriable) => resolve({ ok: false, error: new Error(reason), retriable, lines: LINES_NOT_PREPARED }),
        redoInThread: () => void local().then(resolve),
      });
      worker.postMessage({ type: 'log-lines', id, topic, lines } satisfies ToProducerThread);
    });
  }

  partitionCount(topic: string): number | undefined {
    return this.inThread?.partitionCount(topic) ?? this.partitions.get(topic);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.inThread !== undefined) await this.inThread.close();
    const worker = this.worker;
    if (worker === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const error = await new Promise<string | undefined>((resolve) => {
      this.onClosed = resolve;
      timer = setTimeout(() => resolve(`the producer thread did not disconnect within ${CLOSE_TIMEOUT_MS} ms`), CLOSE_TIMEOUT_MS);
      worker.postMessage({ type: 'close' } satisfies ToProducerThread);
    });
    clearTimeout(timer);
    await worker.terminate();
    if (error !== undefined) throw new Error(error);
  }

  /** The running thread, started if needed; undefined once the producer runs on the app's thread. */
  private start(): Worker | undefined {
    if (this.worker !== undefined) return this.worker;
    if (!existsSync(this.workerFile)) {
      this.runInThread(`the producer thread's file ${this.workerFile} is missing (a bundled app sets kafka.producerThreadFile to its bundled producer-thread-worker)`);
      return undefined;
    }
    const workerData = { connection: this.connection, logLines: this.logLines };
    // From source (this repository's tests), the thread needs the TypeScript loader the app's thread has.
    const worker = this.workerFile.endsWith('.ts')
      ? new Worker(`require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(this.workerFile)});`, { eval: true, workerData })
      : new Worker(this.workerFile, { workerData });
    this.worker = worker;
    this.answered = false;
    worker.on('message', (message: FromProducerThread) => this.receive(message));
    worker.on('error', (error) => {
      // A thread that never answered fails the same way every time; one that did is started again.
      if (!this.answered && !this.closed) this.runInThread(`the producer thread failed to start: ${error.message}`);
      else this.warn(`the producer thread failed: ${error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      // A thread that ends while close() waits for it has nothing left to disconnect.
      this.onClosed?.();
      if (!this.closed && this.inThread === undefined) {
        this.exitsWithoutAnswer = this.answered ? 0 : this.exitsWithoutAnswer + 1;
        if (this.exitsWithoutAnswer >= MAX_EXITS_WITHOUT_ANSWER) {
          this.runInThread(`the producer thread stopped ${this.exitsWithoutAnswer} times in a row before answering (last exit code ${code})`);
        }
      }
      if (this.inThread !== undefined && !this.closed) this.resendInThread(this.inThread);
      else this.failPending(this.closed ? 'exporter is shut down' : `the producer thread stopped (exit code ${code})`, !this.closed);
    });
    return worker;
  }

  private receive(message: FromProducerThread): void {
    switch (message.type) {
      case 'result': {
        this.answered = true;
        const batch = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (batch !== undefined && message.partitions !== undefined) this.partitions.set(batch.topic, message.partitions);
        batch?.answer(message);
        return;
      }
      case 'warn':
        this.warn(message.message);
        return;
      case 'closed':
        this.onClosed?.(message.error);
        return;
    }
  }

  /** Batches the thread took but never answered: sent again by the pipeline when `retriable`. */
  private failPending(reason: string, retriable: boolean): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const batch of waiting) batch.fail(reason, retriable);
  }

  /** Batches a thread that never started took: sent on the app's thread instead, nothing lost. */
  private resendInThread(producer: KafkaProducer): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const batch of waiting) batch.redoInThread(producer);
  }

  private runInThread(reason: string): void {
    this.warn(`${reason}; producing to Kafka on the app's thread`);
    this.inThread = new KafkaProducer(this.connection, this.warn);
  }
}
