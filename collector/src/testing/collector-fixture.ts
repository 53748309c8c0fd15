/** Kafka clients and collector construction shared by the collector's integration tests and the dashboards' demo traffic. */
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { loadConfig } from '../config/load-config';
import { CollectorService } from '../service/collector-service';
import type { SinkRegistry } from '../sinks/sink-registry';
import { CollectorMetrics } from '../telemetry/collector-metrics';
import { silentLogger } from '../telemetry/logger';
import { stackEndpoints } from './local-stack';

/** A quiet kafkajs client of the given brokers. */
export function kafkaClient(clientId: string, brokers: string[]): Kafka {
  return new Kafka({ clientId, brokers, logLevel: logLevel.NOTHING });
}

/** A connected producer of a quiet client of the given brokers. */
export async function connectProducer(clientId: string, brokers: string[]): Promise<Producer> {
  const producer = kafkaClient(clientId, brokers).producer();
  await producer.connect();
  return producer;
}

export interface KafkaClients {
  brokers: string[];
  kafka: Kafka;
  admin: Admin;
  producer: Producer;
  disconnect(): Promise<void>;
}

/** Client, connected admin and producer on the stack's Kafka; throws (fails the test) when the stack is not up. */
export async function connectKafka(clientId: string): Promise<KafkaClients> {
  const brokers = stackEndpoints().kafka.brokers;
  const kafka = kafkaClient(clientId, brokers);
  const admin = kafka.admin();
  const producer = kafka.producer();
  await admin.connect();
  await producer.connect();
  return {
    brokers,
    kafka,
    admin,
    producer,
    async disconnect() {
      await producer.disconnect();
      await admin.disconnect();
    },
  };
}

/** Metrics of a collector under test, without the process-wide default metrics. */
export function testMetrics(): CollectorMetrics {
  return new CollectorMetrics(undefined, { defaultMetrics: false });
}

/** Loads `text` once; each call of the result makes a silent CollectorService of that config. */
export function collectorFactory(text: string, registry: SinkRegistry): (metrics?: CollectorMetrics) => CollectorService {
  const config = loadConfig({ text, env: {}, registry });
  return (metrics = testMetrics()) => new CollectorService(config, { registry, logger: silentLogger, metrics });
}
