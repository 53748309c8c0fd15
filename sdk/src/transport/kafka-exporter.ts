/**
 * The production {@link Exporter}: encodes each batch into Kafka messages (OTLP protobuf for spans and
 * logs, the contract's JSON for audit and journal events) and hands them to a {@link MessageSender}:
 * the producer thread by default, or a producer on the app's own thread (`kafka.producerThread:
 * false`). Spans are encoded here because they are objects of this thread; log lines are plain text
 * and go to the producer thread as they are, to be prepared and encoded there (`exportLogLines`).
 */
import { resolve } from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import type { AuditEvent, JournalEvent } from '../contract';
import type { ExportBatch, ExportResult, Exporter } from '../exporter/exporter';
import type { ResolvedOptions } from '../options/resolve';
import { encodeLogs } from '../logging/encode-logs';
import { encodeSpans } from '../tracing/encode-spans';
import type { KafkaMessage } from './kafka-message';
import type { Diagnostics } from '../diagnostics/diagnostics';
import { KafkaProducer, isRetriable, type MessageSender, type ProducerConnection } from './kafka-producer';
import { ProducerThread, type LinesOutcome } from './producer-thread';
import { prepareLogLines, type LogLine, type LogLinesResult } from '../logging/log-line';
import { createRedactor, type Redactor, type RedactorOptions } from '../redaction';

/** Settings of {@link KafkaExporter}. */
export interface KafkaExporterConfig {
  kafka: NonNullable<ResolvedOptions['kafka']>;
  resource: Resource;
  diagnostics: Diagnostics;
  /**
   * The SDK's redactor (init's): log lines this exporter prepares here are redacted by it, and the
   * producer thread builds the same one from its options. Default: one with the default rules.
   */
  redactor?: Redactor | undefined;
}

/**
 * Whether the redaction options can be handed to the producer thread: a pattern with a `replace`
 * function cannot be, and its lines are then prepared on the app's thread.
 */
function crossesThreads(redaction: RedactorOptions): boolean {
  try {
    structuredClone(redaction);
    return true;
  } catch {
    return false;
  }
}

/** The message of each contract event: its JSON as the lane serialized it, or serialized here. */
function contractMessages<E>(items: readonly E[], json: readonly string[] | undefined, keyOf: (e: E) => string): KafkaMessage[] {
  return items.map((e, i) => ({ key: keyOf(e), value: json?.[i] ?? JSON.stringify(e) }));
}

const auditKey = (e: AuditEvent) => e.tenant;
const journalKey = (e: JournalEvent) => e.run_id ?? e.correlation_id;

/** Exports batches to Kafka topics (see docs/development.md for topics and keys). */
export class KafkaExporter implements Exporter {
  private readonly sender: MessageSender;
  /** For log lines prepared on this thread (the producer thread builds its own from the same options). */
  private readonly redactor: Redactor;
  private closed = false;

  constructor(private readonly config: KafkaExporterConfig) {
    const k = config.kafka;
    const connection: ProducerConnection = { brokers: k.brokers, clientId: k.clientId, tls: k.tls, sasl: k.sasl };
    const warn = (message: string) => config.diagnostics.warn(message);
    this.redactor = config.redactor ?? createRedactor();
    const redaction = this.redactor.options;
    const lineSettings = crossesThreads(redaction) ? { redaction, resourceAttributes: config.resource.attributes } : undefined;
    // A path given relative is taken from the working directory, as `new Worker` would take it.
    const workerFile = k.producerThreadFile === undefined ? undefined : resolve(k.producerThreadFile);
    this.sender = k.producerThread === false ? new KafkaProducer(connection, warn) : new ProducerThread(connection, warn, workerFile, lineSettings);
  }

  /**
   * The producer thread's id while one runs; undefined with `kafka.producerThread: false`, before the
   * first send and after shutdown.
   */
  get producerThreadId(): number | undefined {
    return this.sender instanceof ProducerThread ? this.sender.threadId : undefined;
  }

  private encode(batch: ExportBatch): { topic: string; messages: KafkaMessage[]; failed: number } {
    const t = this.config.kafka.topics;
    switch (batch.kind) {
      case 'spans':
        return { topic: t.spans, ...encodeSpans(batch.items, this.sender.partitionCount(t.spans)) };
      case 'logs':
        return { topic: t.logs, ...encodeLogs(batch.items, this.config.resource) };
      case 'audit':
        return { topic: t.audit, messages: contractMessages(batch.items, batch.json, auditKey), failed: 0 };
      case 'journal':
        return { topic: t.journal, messages: contractMessages(batch.items, batch.json, journalKey), failed: 0 };
    }
  }

  async export(batch: ExportBatch): Promise<ExportResult> {
    if (this.closed) return { ok: false, error: new Error('exporter is shut down'), retriable: false };
    try {
      const { topic, messages, failed } = this.encode(batch);
      if (failed > 0) this.config.diagnostics.report(new Error(`${failed} ${batch.kind} could not be encoded`), `export.${batch.kind}`);
      if (messages.length === 0) return { ok: true };
      return await this.sender.send(topic, messages);
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: err, retriable: isRetriable(err) };
    }
  }

  /**
   * Log lines as the logger captured them: prepared (parsed, completed, redacted) and encoded on the
   * producer thread when it runs, else here; then produced like any batch.
   */
  async exportLogLines(lines: LogLine[]): Promise<LogLinesResult> {
    const outcome = this.sender instanceof ProducerThread ? await this.sender.sendLogLines(this.config.kafka.topics.logs, lines, () => this.exportLinesHere(lines)) : await this.exportLinesHere(lines);
    const { lines: what, ...result } = outcome;
    if (what.encodeFailed > 0) this.config.diagnostics.report(new Error(`${what.encodeFailed} logs could not be encoded`), 'export.logs');
    return { result, invalidLevels: what.invalidLevels, firstError: what.firstError };
  }

  /** The lines prepared and encoded on this thread (the encoding's failures are reported by `export`). */
  private async exportLinesHere(lines: LogLine[]): Promise<ExportResult & { lines: LinesOutcome }> {
    const prepared = prepareLogLines(lines, this.redactor);
    const result = await this.export({ kind: 'logs', items: prepared.entries });
    return { ...result, lines: { invalidLevels: prepared.invalidLevels, firstError: prepared.firstError, encodeFailed: 0 } };
  }

  async forceFlush(): Promise<void> {
    // Nothing is buffered here: every export awaits its acknowledgement.
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.sender.close();
    } catch (error) {
      this.config.diagnostics.report(error, 'shutdown');
    }
  }
}
