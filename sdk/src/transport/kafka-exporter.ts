/**
 * The production {@link Exporter}: one kafkajs producer for every kind of telemetry. The producer is
 * idempotent with acks=-1 and one request in flight, so a batch resolves only once every in-sync
 * replica has it, and retries never reorder or duplicate one tenant's audit stream. kafkajs's own
 * retries are kept short: the pipeline above retries with the deadlines it documents.
 */
import { Kafka, logLevel as KafkaLogLevel, type Producer, type SASLOptions, type logCreator } from 'kafkajs';
import type { Resource } from '@opentelemetry/resources';
import type { AuditEvent, JournalEvent } from '../contract';
import type { ExportBatch, ExportResult, Exporter } from '../exporter/exporter';
import type { ResolvedOptions } from '../options/resolve';
import { encodeLogs } from '../logging/encode-logs';
import { encodeSpans, type KafkaMessage } from '../tracing/encode-spans';
import type { Diagnostics } from '../diagnostics/diagnostics';
import { javaCompatiblePartitioner } from './partitioner';

/** Settings of {@link KafkaExporter}. */
export interface KafkaExporterConfig {
  kafka: NonNullable<ResolvedOptions['kafka']>;
  resource: Resource;
  diagnostics: Diagnostics;
}

function auditMessage(e: AuditEvent): KafkaMessage {
  return { key: e.tenant, value: Buffer.from(JSON.stringify(e)) };
}

function journalMessage(e: JournalEvent): KafkaMessage {
  return { key: e.run_id ?? e.correlation_id, value: Buffer.from(JSON.stringify(e)) };
}

/** Exports batches to Kafka topics (see docs/development.md for topics and keys). */
export class KafkaExporter implements Exporter {
  private readonly producer: Producer;
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly config: KafkaExporterConfig) {
    const k = config.kafka;
    const diag = config.diagnostics;
    // kafkajs logs connection errors at ERROR on every retry; those surface through export results.
    const toDiag: logCreator = () => ({ level, log }) => {
      if (level <= KafkaLogLevel.WARN) diag.warn(`kafkajs: ${log.message}`);
    };
    const kafka = new Kafka({
      clientId: k.clientId,
      brokers: k.brokers,
      ssl: k.tls === true ? true : undefined,
      sasl: k.sasl as SASLOptions | undefined,
      connectionTimeout: 3000,
      requestTimeout: 10_000,
      logLevel: KafkaLogLevel.WARN,
      logCreator: toDiag,
      retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // kafkajs's default partitioning, with a cheaper murmur2 (see partitioner.ts).
      createPartitioner: javaCompatiblePartitioner,
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

  private encode(batch: ExportBatch): { topic: string; messages: KafkaMessage[]; failed: number } {
    const t = this.config.kafka.topics;
    switch (batch.kind) {
      case 'spans':
        return { topic: t.spans, ...encodeSpans(batch.items) };
      case 'logs':
        return { topic: t.logs, ...encodeLogs(batch.items, this.config.resource) };
      case 'audit':
        return { topic: t.audit, messages: batch.items.map(auditMessage), failed: 0 };
      case 'journal':
        return { topic: t.journal, messages: batch.items.map(journalMessage), failed: 0 };
    }
  }

  async export(batch: ExportBatch): Promise<ExportResult> {
    if (this.closed) return { ok: false, error: new Error('exporter is shut down'), retriable: false };
    try {
      const { topic, messages, failed } = this.encode(batch);
      if (failed > 0) this.config.diagnostics.report(new Error(`${failed} ${batch.kind} could not be encoded`), `export.${batch.kind}`);
      if (messages.length === 0) return { ok: true };
      await this.connect();
      await this.producer.send({ topic, acks: -1, messages });
      return { ok: true };
    } catch (error) {
      const err = error instanceof Error ? error : new Error(String(error));
      // Connection and broker errors pass with time; an encoding bug would not.
      const retriable = (err as { retriable?: boolean }).retriable !== false || err.name.startsWith('KafkaJS');
      return { ok: false, error: err, retriable };
    }
  }

  async forceFlush(): Promise<void> {
    // Nothing is buffered here: every export awaits its acknowledgement.
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.producer.disconnect();
    } catch (error) {
      this.config.diagnostics.report(error, 'shutdown');
    }
  }
}
