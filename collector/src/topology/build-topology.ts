import type { CollectorConfig, BatchConfig, CircuitBreakerConfig, RetryConfig, SourceConfig } from '../config/schema';
import { ConfigError } from '../errors/hindsight-error';
import type { SinkFactory } from '../sinks/sink-factory';
import type { SinkRegistry } from '../sinks/sink-registry';

/** One topic a pipeline consumes, with how to decode it. */
export interface TopicPlan extends SourceConfig {
  /** The source's name in the config. */
  source: string;
}

/** Everything one sink's consumer needs: its topics, group, batching and failure handling. */
export interface PipelinePlan {
  pipeline: string;
  sinkName: string;
  sinkType: string;
  factory: SinkFactory;
  /** `<kafka.groupPrefix>.<sinkName>`: each sink commits its own offsets. */
  groupId: string;
  topics: TopicPlan[];
  batch: BatchConfig;
  retry: RetryConfig;
  circuitBreaker: CircuitBreakerConfig;
  options: Readonly<Record<string, unknown>>;
}

/** The wiring of the whole collector, derived from config alone. */
export interface Topology {
  pipelines: PipelinePlan[];
  /** Every topic consumed plus the dead-letter topic (created at startup on real Kafka). */
  topics: string[];
  dlqTopic: string;
}

/**
 * Builds the pipelines from config: checks every reference (pipelines → sources and sinks), that each
 * sink belongs to one pipeline only (it owns one consumer group), that a pipeline does not read one
 * topic twice, and that the sink accepts every record kind its sources carry. Throws one ConfigError
 * listing every problem by key path.
 */
export function buildTopology(config: CollectorConfig, registry: SinkRegistry): Topology {
  const problems: string[] = [];
  const sinkOwner = new Map<string, string>();
  const pipelines: PipelinePlan[] = [];

  for (const [pipelineName, pipeline] of Object.entries(config.pipelines)) {
    const at = `pipelines.${pipelineName}`;
    const sink = config.sinks[pipeline.sink];
    if (sink === undefined) {
      problems.push(`${at}.sink: no sink named "${pipeline.sink}" under sinks`);
      continue;
    }
    const owner = sinkOwner.get(pipeline.sink);
    if (owner !== undefined) {
      problems.push(`${at}.sink: sink "${pipeline.sink}" already belongs to pipelines.${owner}; a sink has one consumer group`);
      continue;
    }
    sinkOwner.set(pipeline.sink, pipelineName);
    const factory = registry.get(sink.type);
    if (factory === undefined) {
      problems.push(`sinks.${pipeline.sink}.type: unknown sink type "${sink.type}" (known: ${registry.types().join(', ')})`);
      continue;
    }
    const topics: TopicPlan[] = [];
    const seenTopics = new Map<string, string>();
    pipeline.sources.forEach((sourceName, i) => {
      const source = config.sources[sourceName];
      if (source === undefined) {
        problems.push(`${at}.sources.${i}: no source named "${sourceName}" under sources`);
        return;
      }
      const twin = seenTopics.get(source.topic);
      if (twin !== undefined) {
        problems.push(`${at}.sources.${i}: source "${sourceName}" reads topic "${source.topic}" like source "${twin}"`);
        return;
      }
      seenTopics.set(source.topic, sourceName);
      if (!factory.accepts.includes(source.kind)) {
        problems.push(
          `${at}.sources.${i}: sink "${pipeline.sink}" (type ${sink.type}) does not accept ${source.kind} records` +
            ` from source "${sourceName}" (it accepts: ${factory.accepts.join(', ')})`,
        );
        return;
      }
      topics.push({ ...source, source: sourceName });
    });
    pipelines.push({
      pipeline: pipelineName,
      sinkName: pipeline.sink,
      sinkType: sink.type,
      factory,
      groupId: `${config.kafka.groupPrefix}.${pipeline.sink}`,
      topics,
      batch: sink.batch,
      retry: sink.retry,
      circuitBreaker: sink.circuitBreaker,
      options: sink.options,
    });
  }
  for (const name of Object.keys(config.sinks)) {
    if (!sinkOwner.has(name)) problems.push(`sinks.${name}: not used by any pipeline`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid topology:\n  ${problems.join('\n  ')}`);
  }
  const topics = new Set(pipelines.flatMap((p) => p.topics.map((t) => t.topic)));
  topics.add(config.kafka.dlqTopic);
  return { pipelines, topics: [...topics].sort(), dlqTopic: config.kafka.dlqTopic };
}
