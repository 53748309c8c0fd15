import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { CollectorConfig } from '../../config/schema';
import type { Logger } from '../../telemetry/logger';

/** Routes kafkajs's logs into the collector's structured logger. */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...fields } = log;
      const msg = `kafka: ${message}`;
      if (level === KafkaLogLevel.ERROR) logger.error(msg, fields);
      else if (level === KafkaLogLevel.WARN) logger.warn(msg, fields);
      else if (level === KafkaLogLevel.INFO) logger.debug(msg, fields);
    };
}

/** A kafkajs client for the configured brokers. */
export function createKafka(config: CollectorConfig, logger: Logger): Kafka {
  return new Kafka({
    clientId: config.service.name,
    brokers: [...config.kafka.brokers],
    connectionTimeout: config.kafka.connectionTimeoutMs,
    logLevel: KafkaLogLevel.INFO,
    logCreator: kafkaLogCreator(logger.child({ component: 'kafka' })),
  });
}

/** Room for a dead letter's headers (origin, error code, an error message of up to 1 KiB). */
const DLQ_HEADROOM_BYTES = 64 * 1024;

/**
 * Creates missing topics through the admin API. A broker that does not implement CreateTopics (the
 * test mock) or a cluster where topics are provisioned elsewhere only gets a warning: consuming a
 * missing topic fails loudly later anyway.
 */
export async function ensureTopics(kafka: Kafka, config: CollectorConfig, topics: readonly string[], logger: Logger): Promise<void> {
  if (!config.kafka.createTopics) return;
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length === 0) return;
    // A dead letter is its message as it came, plus headers: the DLQ topic must take the largest
    // message any source accepts, or the broker refuses that letter on every retry.
    const largest = Math.max(0, ...Object.values(config.sources).map((s) => s.maxMessageBytes));
    const dlqMaxBytes = String(largest + DLQ_HEADROOM_BYTES);
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: config.kafka.topicPartitions,
        replicationFactor: config.kafka.replicationFactor,
        ...(topic === config.kafka.dlqTopic ? { configEntries: [{ name: 'max.message.bytes', value: dlqMaxBytes }] } : {}),
      })),
    });
    logger.info('created topics', { topics: missing });
  } catch (err) {
    logger.warn('could not create topics; continuing with what exists', { error: err });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
