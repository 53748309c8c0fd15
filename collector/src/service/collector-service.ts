import type { Kafka, Producer } from 'kafkajs';
import type { CollectorConfig } from '../config/schema';
import { DeadLetterProducer } from '../dlq/dead-letter-producer';
import { SinkGuard } from '../resilience/sink-guard';
import { SinkConsumer, type PipelineStatus } from '../sources/kafka/sink-consumer';
import { createKafka, ensureTopics } from '../sources/kafka/kafka-setup';
import type { Sink } from '../sinks/sink';
import { defaultSinkRegistry, type SinkRegistry } from '../sinks/sink-registry';
import { buildTopology, type Topology } from '../topology/build-topology';
import { CollectorMetrics } from '../telemetry/collector-metrics';
import { TelemetryServer, type Readiness } from '../telemetry/http-server';
import { createLogger, type Logger } from '../telemetry/logger';
import { parseApiConfig } from '../api/config/parse-api-config';
import { startApi, type RunningApi } from '../api/server/start-api';

/** Everything the service needs besides the config; tests pass their own registry and metrics. */
export interface CollectorServiceOptions {
  registry?: SinkRegistry;
  logger?: Logger;
  metrics?: CollectorMetrics;
}

/**
 * The running collector. Start order: HTTP server (so /healthz answers while connecting), topics, DLQ
 * producer, sinks, then one consumer per sink. Stop order is the reverse: consumers finish their batch,
 * commit and leave their groups, then sinks flush and close, then the producer and the server.
 */
export class CollectorService {
  readonly metrics: CollectorMetrics;
  readonly topology: Topology;
  private readonly logger: Logger;
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly server: TelemetryServer;
  private readonly sinks: Sink[] = [];
  private readonly consumers: SinkConsumer[] = [];
  private producerConnected = false;
  private stopping: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private boundPort = 0;
  private api: RunningApi | undefined;

  constructor(
    private readonly config: CollectorConfig,
    options: CollectorServiceOptions = {},
  ) {
    const registry = options.registry ?? defaultSinkRegistry();
    this.logger = options.logger ?? createLogger(config.service.logLevel, { service: config.service.name });
    this.metrics = options.metrics ?? new CollectorMetrics();
    this.topology = buildTopology(config, registry);
    this.kafka = createKafka(config, this.logger);
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
    this.server = new TelemetryServer(this.metrics.registry, { live: () => true, readiness: () => this.readiness() });
  }

  /** The HTTP port actually bound (differs from config when it asked for 0). */
  get port(): number {
    return this.boundPort;
  }

  /**
   * Starts the telemetry server, the pipelines and the operator API. A stop() that comes meanwhile
   * (a signal during startup) waits for the step under way, and start() then ends, rejecting, with
   * nothing started after the stop: stop() winds down exactly what start() had started.
   */
  start(): Promise<void> {
    this.starting ??= this.startNow();
    return this.starting;
  }

  private async startNow(): Promise<void> {
    const { http } = this.config.service;
    this.boundPort = await this.server.listen(http.port, http.host);
    this.logger.info('telemetry server listening', { port: this.boundPort });
    await ensureTopics(this.kafka, this.config, this.topology.topics, this.logger);
    this.throwIfStopping();
    await this.producer.connect();
    this.throwIfStopping();
    const dlq = new DeadLetterProducer(this.producer, this.topology.dlqTopic, this.metrics);
    for (const plan of this.topology.pipelines) {
      const sink = await plan.factory.create({
        name: plan.sinkName,
        options: plan.options,
        metrics: this.metrics.registry,
        logger: this.logger.child({ sink: plan.sinkName }),
      });
      this.sinks.push(sink);
      this.throwIfStopping();
      await sink.start();
      this.throwIfStopping();
      const guard = new SinkGuard(sink, plan.retry, plan.circuitBreaker, this.metrics);
      const consumer = new SinkConsumer(plan, this.kafka, sink, guard, dlq, this.metrics, this.logger.child({ pipeline: plan.pipeline }), {
        sessionTimeoutMs: this.config.kafka.sessionTimeoutMs,
        heartbeatIntervalMs: this.config.kafka.heartbeatIntervalMs,
        maxWaitTimeMs: this.config.kafka.maxWaitTimeMs,
        fromBeginning: this.config.kafka.fromBeginning,
        stallTimeoutMs: this.config.kafka.stallTimeoutMs,
      });
      this.consumers.push(consumer);
      await consumer.start();
      this.throwIfStopping();
      this.logger.info('pipeline started', { pipeline: plan.pipeline, sink: plan.sinkName, group: plan.groupId, topics: plan.topics.map((t) => t.topic) });
    }
    // The operator API starts last: it only reads the stores, and a failure to bind its port must not
    // leave pipelines half started (the error stops the process before anything was consumed twice).
    const apiSection = this.config.api;
    if (apiSection !== undefined && apiSection.enabled) {
      this.throwIfStopping();
      this.api = await startApi(parseApiConfig(apiSection), this.logger.child({ component: 'api' }));
    }
  }

  private throwIfStopping(): void {
    if (this.stopping !== undefined) throw new Error('the collector was stopped while starting');
  }

  /** The operator API's bound port, when the config enables it. */
  get apiPort(): number | undefined {
    return this.api?.port;
  }

  /** The running consumer of the pipeline that writes to `sink`. */
  consumerOf(sink: string): SinkConsumer | undefined {
    return this.consumers.find((c) => c.sinkName === sink);
  }

  /** Per-sink status plus Kafka; ready only when every part is. */
  readiness(): Readiness {
    const sinks: Record<string, PipelineStatus> = {};
    for (const c of this.consumers) {
      const s = c.status();
      sinks[s.sink] = s;
    }
    const started = this.consumers.length === this.topology.pipelines.length;
    const ready = started && this.stopping === undefined && this.producerConnected && Object.values(sinks).every((s) => s.ready);
    return { ready, kafka: { producer: this.producerConnected ? 'connected' : 'disconnected' }, sinks };
  }

  /**
   * Graceful stop within `service.shutdownTimeoutMs`. Safe to call more than once (returns the same
   * promise). Anything not finished in time is left uncommitted and consumed again on the next start.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow();
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    const deadline = Date.now() + this.config.service.shutdownTimeoutMs;
    this.logger.info('stopping', { timeoutMs: this.config.service.shutdownTimeoutMs });
    const settle = async (what: string, work: Promise<unknown>): Promise<void> => {
      const left = Math.max(0, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left)));
      try {
        const outcome = await Promise.race([work.then(() => 'done' as const), timeout]);
        if (outcome === 'timeout') this.logger.warn(`${what} did not finish before the shutdown deadline`);
      } catch (err) {
        this.logger.warn(`${what} failed while stopping`, { error: err });
      } finally {
        clearTimeout(timer);
      }
    };
    // A start under way ends at its next step (see start()); what it started by then is stopped below.
    if (this.starting !== undefined) await settle('start', this.starting.catch(() => undefined));
    // The API goes first so no new stream or request starts while pipelines wind down.
    if (this.api !== undefined) await settle('operator API', this.api.close());
    await settle('consumers', Promise.all(this.consumers.map((c) => c.stop(deadline))));
    await settle('sinks', Promise.all(this.sinks.map((s) => s.shutdown())));
    await settle('dead-letter producer', this.producer.disconnect());
    await settle('telemetry server', this.server.close());
    this.logger.info('stopped');
  }
}
